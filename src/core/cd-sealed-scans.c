/* cd-sealed-scans.c: the scan folder sealed under the database's current key set (see cd-sealed-scans.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-input.h"
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
  if (!cd_sealed_files_seal_dir (keys, previous, dir, CD_SEALED_FILE_SCAN_AAD, progress, user_data, &changed, error))
    return FALSE;
  if (changed)
    g_debug ("sealed %u scan files under key %s", changed, cd_keys_get_id (keys));
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
