/* cd-sealed-scans.c: the scan folder sealed under the database's current key set (see cd-sealed-scans.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-input.h"
#include "cd-scan-row-store.h"
#include "cd-sealed-scans.h"
#include "cd-store-crypt.h"

static gboolean
set_settings (CdStore *store, const char *done_id, const char *previous, GError **error)
{
  if (!cd_store_begin (store, error))
    return FALSE;
  if ((done_id && !cd_store_setting_set (store, CD_SEALED_SCANS_DONE_SETTING, done_id, error))
      || (previous && !cd_store_setting_set (store, CD_SEALED_SCANS_PREVIOUS_SETTING, previous, error))
      || !cd_store_commit (store, error))
    {
      cd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

/* A file of the folder that opens with none of this counter's key sets is logged (its name is the content's
 * hash: the first 12 digits and the applications that show it are said, nothing of the content) and left as
 * it is; where it is shown, the scan store says it cannot be read. */
static void
report_unreadable (CdStore *store, const char *dir, const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *prefix = g_path_get_basename (parent);
  g_autofree char *sha = g_str_equal (parent, dir) ? g_strdup (name) : g_strconcat (prefix, name, NULL);
  g_autoptr(GString) owners = g_string_new (NULL);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) local = NULL;

  if (!(ids = cd_scan_rows_owners (store, sha, &local)))
    g_string_append_printf (owners, "unknown (%s)", local->message);
  for (guint i = 0; ids && i < ids->len; i++)
    g_string_append_printf (owners, "%s%" G_GINT64_FORMAT, i ? ", " : "", g_array_index (ids, gint64, i));
  g_warning ("Scan object %.12s… opens with none of this counter's keys (sealed on another machine, or damaged): "
             "left as it is; applications showing it: %s", sha, owners->len ? owners->str : "none");
}

gboolean
cd_sealed_scans_settle (CdContext *ctx, CdSealedFilesProgress progress, gpointer user_data, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  CdKeys *keys = cd_store_get_keys (store);
  g_autofree char *done = NULL;
  g_autofree char *previous_wrapped = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(CdKeys) previous = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GPtrArray) unreadable = g_ptr_array_new_with_free_func (g_free);
  guint changed = 0;

  if (!keys)
    return TRUE;                  /* a store without keys writes its scans clear */
  done = cd_store_setting_dup (store, CD_SEALED_SCANS_DONE_SETTING);
  previous_wrapped = cd_store_setting_dup (store, CD_SEALED_SCANS_PREVIOUS_SETTING);
  if (previous_wrapped && !*previous_wrapped)
    g_clear_pointer (&previous_wrapped, g_free);
  if (!previous_wrapped && g_strcmp0 (done, cd_keys_get_id (keys)) == 0)
    return TRUE;
  if (previous_wrapped)
    {
      g_autoptr(CdKek) kek = cd_kek_load (FALSE, &local);

      if (!kek || !(previous = cd_keys_unwrap (previous_wrapped, kek, &local)))
        {
          g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_KEYS,
                       _("The scans sealed under the previous key cannot be re-encrypted: %s"), local->message);
          return FALSE;
        }
    }
  dir = g_build_filename (cd_context_get_state_dir (ctx), "scans", NULL);
  if (!cd_sealed_files_seal_dir (keys, previous, dir, CD_SEALED_FILE_SCAN_AAD, progress, user_data, &changed,
                                 unreadable, error))
    return FALSE;
  if (changed)
    g_debug ("sealed %u scan files under key %s", changed, cd_keys_get_id (keys));
  /* Reported now; the folder counts as settled all the same: no key set this counter will hold opens them, and
   * the next start stays cheap. */
  for (guint i = 0; i < unreadable->len; i++)
    report_unreadable (store, dir, unreadable->pdata[i]);
  return set_settings (store, cd_keys_get_id (keys), "", error);
}

gboolean
cd_sealed_scans_change_keys (CdContext *ctx, CdSealedScansKeysChange change, gpointer data,
                             CdSealedFilesProgress progress, gpointer user_data, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autofree char *current = cd_store_setting_dup (store, CD_STORE_CRYPT_SETTING);

  /* the folder first under the current keys, so that "previous" is the only other key set a file can have */
  if (!cd_sealed_scans_settle (ctx, progress, user_data, error))
    return FALSE;
  if (current && !set_settings (store, NULL, current, error))
    return FALSE;
  if (!change (store, data, error))
    {
      /* nothing changed in the database: the current key set is still the one the folder is sealed under */
      g_autoptr(GError) ignored = NULL;
      set_settings (store, NULL, "", &ignored);
      return FALSE;
    }
  return cd_sealed_scans_settle (ctx, progress, user_data, error);
}

GBytes *
cd_sealed_scans_read (CdKeys *keys, const char *path, gsize max_bytes, const char *what, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree guchar *clear = NULL;
  gsize len = 0, clear_len = 0;

  g_return_val_if_fail (path != NULL && what != NULL, NULL);

  if (!cd_input_read_file (path, max_bytes ? max_bytes : G_MAXSSIZE, what, &data, &len, error))
    return NULL;
  if (!cd_keys_is_sealed_blob ((const guchar *) data, len))
    return g_bytes_new_take (g_steal_pointer (&data), len);
  if (!keys)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK,
                   _("%s is encrypted, and this counter has not opened the key that reads it"), path);
      return NULL;
    }
  if (!(clear = cd_keys_open_blob (keys, CD_SEALED_FILE_SCAN_AAD, (const guchar *) data, len, &clear_len, error)))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&clear), clear_len);
}
