/* test-sealed-file.c: scans and seal images sealed at rest (cd-sealed-file.h): nothing of the content on disk,
 * read back as written, a changed byte or another key set refused, clear files of before sealed in place and
 * re-sealed under a new data key. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cd-sealed-file.h"

/* a PNG-like content with a resident ID number in it, as a scanned ID card's text layer would carry */
static const char content[] = "\x89PNG\r\n\x1a\n ... 11010519491231002X 张三 13812345678 ...";

static char *
tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("cd-sealed-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
rm_rf (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);

  g_assert_cmpint (system (cmd), ==, 0);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "ab12", NULL);
  g_autoptr(CdKeys) keys = cd_keys_new_random (NULL);
  g_autoptr(CdKeys) other = cd_keys_new_random (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GBytes) none = NULL;
  gboolean sealed = FALSE;
  GStatBuf st;

  g_assert_true (cd_sealed_file_write (keys, path, CD_SEALED_FILE_SCAN_AAD, content, sizeof content, &error));
  g_assert_no_error (error);
  g_assert_false (file_contains (path, "11010519491231002X"));
  g_assert_false (file_contains (path, "13812345678"));
  g_assert_false (file_contains (path, "PNG"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  back = cd_sealed_file_read (keys, path, CD_SEALED_FILE_SCAN_AAD, 0, &sealed, &error);
  g_assert_no_error (error);
  g_assert_true (sealed);
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), content, sizeof content);

  /* another key set, no key set, another purpose, a size limit */
  none = cd_sealed_file_read (other, path, CD_SEALED_FILE_SCAN_AAD, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_WRONG_KEY);
  g_clear_error (&error);
  none = cd_sealed_file_read (NULL, path, CD_SEALED_FILE_SCAN_AAD, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK);
  g_clear_error (&error);
  none = cd_sealed_file_read (keys, path, "certdesk/something-else", 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED);
  g_clear_error (&error);
  none = cd_sealed_file_read (keys, path, CD_SEALED_FILE_SCAN_AAD, 16, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  g_clear_error (&error);
  rm_rf (dir);
}

static void
test_tampered (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "cd34", NULL);
  g_autoptr(CdKeys) keys = cd_keys_new_random (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) none = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (cd_sealed_file_write (keys, path, CD_SEALED_FILE_SCAN_AAD, content, sizeof content, &error));
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  data[len / 2] ^= 0x01;
  g_assert_true (g_file_set_contents (path, data, len, NULL));
  none = cd_sealed_file_read (keys, path, CD_SEALED_FILE_SCAN_AAD, 0, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED);
  rm_rf (dir);
}

/* A scan folder of before the keys: read as it is, sealed in place, then re-sealed under a rotated key. */
static void
test_seal_dir (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *sub = g_build_filename (dir, "ab", NULL);
  g_autoptr(CdKeys) keys = cd_keys_new_random (NULL);
  g_autoptr(CdKeys) rotated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *leftover = g_build_filename (sub, "ff00.A1B2C3", NULL);
  guint changed = 99;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%02x%060u", i, i);
      g_autofree char *path = g_build_filename (i % 2 ? sub : dir, name, NULL);
      g_autoptr(GBytes) back = NULL;
      gboolean sealed = TRUE;

      g_assert_true (g_file_set_contents (path, content, sizeof content, NULL));
      back = cd_sealed_file_read (keys, path, CD_SEALED_FILE_SCAN_AAD, 0, &sealed, &error);
      g_assert_no_error (error);
      g_assert_false (sealed);     /* a clear file of before is read as it is */
    }
  /* a temporary file of a write that was cut off is no object */
  g_assert_true (g_file_set_contents (leftover, "half", 4, NULL));
  g_assert_cmpuint (cd_sealed_files_count_unsealed (keys, dir), ==, 5);
  g_assert_true (cd_sealed_files_seal_dir (keys, NULL, dir, CD_SEALED_FILE_SCAN_AAD, NULL, NULL, &changed, NULL,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 5);
  g_assert_cmpuint (cd_sealed_files_count_unsealed (keys, dir), ==, 0);
  /* again: nothing left to do */
  g_assert_true (cd_sealed_files_seal_dir (keys, NULL, dir, CD_SEALED_FILE_SCAN_AAD, NULL, NULL, &changed, NULL,
                                           &error));
  g_assert_cmpuint (changed, ==, 0);

  /* keys rotate: a new data key; every file re-sealed, readable with the new key set only */
  rotated = cd_keys_new_data_key (keys, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cd_sealed_files_count_unsealed (rotated, dir), ==, 5);
  g_assert_true (cd_sealed_files_seal_dir (rotated, keys, dir, CD_SEALED_FILE_SCAN_AAD, NULL, NULL, &changed, NULL,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("%02x%060u", i, i);
      g_autofree char *path = g_build_filename (i % 2 ? sub : dir, name, NULL);
      g_autoptr(GBytes) back = cd_sealed_file_read (rotated, path, CD_SEALED_FILE_SCAN_AAD, 0, NULL, &error);
      g_autoptr(GBytes) old = NULL;

      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), content, sizeof content);
      g_assert_false (file_contains (path, "11010519491231002X"));
      old = cd_sealed_file_read (keys, path, CD_SEALED_FILE_SCAN_AAD, 0, NULL, &error);
      g_assert_null (old);
      g_clear_error (&error);
    }
  /* a file under a key set neither of the two: refused by name, or left alone and named (settle) */
  {
    g_autoptr(CdKeys) stranger = cd_keys_new_random (NULL);
    g_autofree char *path = g_build_filename (dir, "ee00", NULL);
    g_autoptr(CdKeys) next = cd_keys_new_data_key (rotated, NULL);
    g_autoptr(GPtrArray) unreadable = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    gsize before_len, after_len;

    g_assert_true (cd_sealed_file_write (stranger, path, CD_SEALED_FILE_SCAN_AAD, content, sizeof content, NULL));
    g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
    g_assert_false (cd_sealed_files_seal_dir (next, rotated, dir, CD_SEALED_FILE_SCAN_AAD, NULL, NULL, &changed, NULL,
                                              &error));
    g_assert_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_WRONG_KEY);
    g_assert_nonnull (strstr (error->message, "ee00"));
    g_clear_error (&error);
    /* asked to, the run leaves it untouched and names it, and seals the others */
    g_assert_true (cd_sealed_files_seal_dir (next, rotated, dir, CD_SEALED_FILE_SCAN_AAD, NULL, NULL, &changed,
                                             unreadable, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (unreadable->len, ==, 1);
    g_assert_cmpstr (unreadable->pdata[0], ==, path);
    g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
    g_assert_cmpmem (before, before_len, after, after_len);
    g_assert_cmpuint (cd_sealed_files_count_unsealed (next, dir), ==, 1);
  }
  rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sealed-file/round-trip", test_round_trip);
  g_test_add_func ("/sealed-file/tampered", test_tampered);
  g_test_add_func ("/sealed-file/seal-dir", test_seal_dir);
  return g_test_run ();
}
