/* test-ca-key.c: the local CA's private key at rest (issue 17): written as encrypted PKCS#8 under a passphrase
 * derived from the database's key set; a clear key of before is converted at first use and still signs; another
 * machine (another key-encryption key) opens neither the database nor the key. Through certdesk-cli and the
 * openssl command, as an administrator would look. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

static char *dir;

static int
run (const char *const *argv, char **out)
{
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status, &error));
  g_assert_no_error (error);
  return g_spawn_check_wait_status (status, NULL) ? 0 : WEXITSTATUS (status);
}

static char *
key_file (void)
{
  g_autofree char *path = g_build_filename (dir, "ca", "ca-key.pem", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_ca_key (void)
{
  const char *cli = g_getenv ("CERTDESK_CLI");
  const char *ca_list[] = { cli, "--data-dir", dir, "ca", "list", NULL };
  const char *pkey[] = { "openssl", "pkey", "-in", "ca/ca-key.pem", "-passin", "pass:", "-noout", NULL };
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *kek = g_build_filename (dir, "kek.key", NULL);
  g_autofree char *other = g_build_filename (dir, "other-machine.key", NULL);
  GStatBuf st;

  g_setenv ("CERTDESK_KEK_FILE", kek, TRUE);
  /* a new local CA: its key encrypted, 0600 */
  g_assert_cmpint (run (ca_list, &out), ==, 0);
  text = key_file ();
  g_assert_true (g_str_has_prefix (text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  g_assert_null (strstr (text, "BEGIN PRIVATE KEY"));
  {
    g_autofree char *path = g_build_filename (dir, "ca", "ca-key.pem", NULL);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (pkey, NULL), !=, 0);        /* no passphrase, no key */
  g_assert_cmpint (run (ca_list, &out), ==, 0);      /* and the counter opens it again */

  /* a clear key of an older CertDesk: converted at first use */
  {
    const char *req[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                          "-keyout", "ca/ca-key.pem", "-out", "ca/ca-cert.pem", "-subj", "/CN=Old local CA",
                          "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", NULL };
    g_assert_cmpint (run (req, NULL), ==, 0);
  }
  g_free (text);
  text = key_file ();
  g_assert_true (g_str_has_prefix (text, "-----BEGIN PRIVATE KEY-----"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (ca_list, &out), ==, 0);
  g_free (text);
  text = key_file ();
  g_assert_true (g_str_has_prefix (text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (ca_list, &out), ==, 0);

  /* the counter's database lost and made again on the same computer: the local CA still opens (its key is
   * protected by the computer's key-encryption key, not by the database's key set) */
  {
    g_autofree char *db = g_build_filename (dir, "certdesk.db", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_assert_cmpint (g_unlink (db), ==, 0);
    g_unlink (wal);
    g_unlink (shm);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run (ca_list, &out), ==, 0);
  }

  /* another machine's key-encryption key: refused (exit 5), the key file as it was */
  g_setenv ("CERTDESK_KEK_FILE", other, TRUE);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (ca_list, &out), ==, 5);
  {
    g_autofree char *again = key_file ();
    g_assert_cmpstr (again, ==, text);
  }
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("certdesk-ca-key-XXXXXX", NULL);
  g_test_add_func ("/ca-key/encrypted-converted-refused", test_ca_key);
  rc = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  }
  g_free (dir);
  return rc;
}
