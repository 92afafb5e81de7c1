/* cd-sealed-file.c: scans and seal images sealed at rest (see cd-sealed-file.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cd-sealed-file.h"

gboolean
cd_sealed_file_write (CdKeys *keys, const char *path, const char *aad, const void *data, gsize len, GError **error)
{
  g_autofree guchar *sealed = NULL;
  gsize sealed_len = 0;

  g_return_val_if_fail (path != NULL && aad != NULL, FALSE);

  if (keys)
    {
      if (!(sealed = cd_keys_seal_blob (keys, aad, data, len, &sealed_len, error)))
        return FALSE;
      data = sealed;
      len = sealed_len;
    }
  /* CONSISTENT: written to a temporary file in the same folder and renamed, so a reader sees the old or the
   * new content, never half of it (a crash while sealing in place loses nothing) */
  return g_file_set_contents_full (path, data ? data : "", len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

GBytes *
cd_sealed_file_read (CdKeys *keys, const char *path, const char *aad, gsize max_bytes, gboolean *out_sealed,
                     GError **error)
{
  g_autofree char *data = NULL;
  g_autofree guchar *clear = NULL;
  gsize len = 0, clear_len = 0;
  GStatBuf st;

  g_return_val_if_fail (path != NULL && aad != NULL, NULL);

  if (out_sealed)
    *out_sealed = FALSE;
  if (max_bytes && g_stat (path, &st) == 0 && (guint64) st.st_size > max_bytes)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("%s is larger than %lu bytes"), path,
                   (unsigned long) max_bytes);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  if (!cd_keys_is_sealed_blob ((const guchar *) data, len))
    return g_bytes_new_take (g_steal_pointer (&data), len);
  if (out_sealed)
    *out_sealed = TRUE;
  if (!keys)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK,
                   _("%s is encrypted, and this counter has not opened the key that reads it"), path);
      return NULL;
    }
  if (!(clear = cd_keys_open_blob (keys, aad, (const guchar *) data, len, &clear_len, error)))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&clear), clear_len);
}

static gboolean
collect_files (const char *dir, GPtrArray *out, GError **error)
{
  g_autoptr(GDir) d = NULL;
  g_autoptr(GError) local = NULL;
  const char *name;

  if (!(d = g_dir_open (dir, 0, &local)))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;              /* no scans yet */
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      /* objects are named by hex digits: a name with a dot is g_file_set_contents' temporary file of a write
       * that was cut off, not an object */
      if (strchr (name, '.'))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (!collect_files (path, out, error))
            return FALSE;
        }
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
  return TRUE;
}

/* The key id a file is sealed under (NULL when clear); reads only its head. */
static char *
file_key_id (const char *path)
{
  guchar head[64];
  gssize n;
  int fd = g_open (path, O_RDONLY, 0);

  if (fd < 0)
    return NULL;
  n = read (fd, head, sizeof head);
  g_close (fd, NULL);
  if (n <= 0)
    return NULL;
  return cd_keys_blob_key_id (head, (gsize) n);
}

gboolean
cd_sealed_files_seal_dir (CdKeys *keys, CdKeys *previous, const char *dir, const char *aad,
                          CdSealedFilesProgress progress, gpointer user_data, guint *out_changed,
                          GPtrArray *out_unreadable, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint changed = 0;

  g_return_val_if_fail (keys != NULL && dir != NULL && aad != NULL, FALSE);

  if (out_changed)
    *out_changed = 0;
  if (!collect_files (dir, files, error))
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *id = file_key_id (path);
      g_autoptr(GBytes) clear = NULL;
      g_autoptr(GError) local = NULL;
      gboolean sealed = FALSE;

      if (progress)
        progress (i, files->len, user_data);
      if (id && g_str_equal (id, cd_keys_get_id (keys)))
        continue;                 /* done already (a run that was cut off) */
      clear = cd_sealed_file_read (id ? previous : NULL, path, aad, 0, &sealed, &local);
      if (!clear && out_unreadable && local->domain == CD_KEYS_ERROR)
        {
          /* one stray file does not stop the rest (nor the counter, cd_sealed_scans_settle) */
          g_ptr_array_add (out_unreadable, g_strdup (path));
          continue;
        }
      if (!clear)
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_WRONG_KEY,
                       _("The scan file %s cannot be re-encrypted: %s"), path, local->message);
          return FALSE;
        }
      if (!cd_sealed_file_write (keys, path, aad, g_bytes_get_data (clear, NULL), g_bytes_get_size (clear), error))
        return FALSE;
      changed++;
    }
  if (progress)
    progress (files->len, files->len, user_data);
  if (out_changed)
    *out_changed = changed;
  return TRUE;
}

guint
cd_sealed_files_count_unsealed (CdKeys *keys, const char *dir)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint n = 0;

  if (!collect_files (dir, files, NULL))
    return 0;
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *id = file_key_id (files->pdata[i]);

      if (!id || !keys || !g_str_equal (id, cd_keys_get_id (keys)))
        n++;
    }
  return n;
}
