/* cd-so-escrow-store.c: the counter's SO-PIN escrow (cd-so-escrow-store.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>
#include <unistd.h>

#include "cd-so-escrow-store.h"

#define KEY_LEN   32
#define NONCE_LEN 12
#define TAG_LEN   16
#define MAX_PIN   64

#define KEY_SETTING "so_escrow.key_file"

void
cd_so_escrow_free (CdSoEscrow *escrow)
{
  if (escrow == NULL)
    return;
  if (escrow->so_pin)
    OPENSSL_cleanse (escrow->so_pin, strlen (escrow->so_pin));
  g_free (escrow->so_pin);
  g_free (escrow->serial);
  g_free (escrow->created_at);
  g_free (escrow);
}

/* The key file lives beside the database, never in it: a copy of the database alone (a backup) holds no
 * readable SO PIN. Created once, 0600, synced. */
static gboolean
escrow_key (const char *path, guchar key[KEY_LEN], GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  int fd;

  if (g_file_get_contents (path, &data, &len, NULL) && len == KEY_LEN)
    {
      memcpy (key, data, KEY_LEN);
      OPENSSL_cleanse (data, len);
      return TRUE;
    }
  if (data)
    {
      OPENSSL_cleanse (data, len);
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN,
                   _("The SO PIN escrow key %s is damaged (expected %d bytes)"), path, KEY_LEN);
      return FALSE;
    }
  if (RAND_bytes (key, KEY_LEN) != 1)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN, _("Cannot make the SO PIN escrow key"));
      return FALSE;
    }
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    return escrow_key (path, key, error);    /* another process made it first */
  if (fd < 0 || write (fd, key, KEY_LEN) != KEY_LEN || fsync (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        {
          close (fd);
          g_unlink (path);
        }
      OPENSSL_cleanse (key, KEY_LEN);
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN, _("Cannot write the SO PIN escrow key %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

/* The ciphertext is bound to the key's serial: a row copied onto another serial does not open. */
static char *
aad_for (const char *serial)
{
  return g_strdup_printf ("certdesk so-pin escrow %s", serial);
}

gboolean
cd_so_escrow_save (CdStore *store, const char *key_path, const char *serial, const char *so_pin, gint64 *out_id,
                   GError **error)
{
  guchar key[KEY_LEN], nonce[NONCE_LEN];
  gsize n = strlen (so_pin);
  g_autofree guchar *ct = g_malloc (n + TAG_LEN);
  g_autofree char *aad = aad_for (serial);
  g_autofree char *now = cd_store_now_iso (store);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  EVP_CIPHER_CTX *c;
  int len = 0, fin = 0;
  gboolean ok;

  g_return_val_if_fail (serial && *serial && n > 0 && n < MAX_PIN, FALSE);
  if (!escrow_key (key_path, key, error))
    return FALSE;
  if (RAND_bytes (nonce, NONCE_LEN) != 1)
    {
      OPENSSL_cleanse (key, sizeof key);
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN, _("Cannot encrypt the key's SO PIN for the escrow"));
      return FALSE;
    }
  c = EVP_CIPHER_CTX_new ();
  ok = EVP_EncryptInit_ex (c, EVP_aes_256_gcm (), NULL, key, nonce) == 1
       && EVP_EncryptUpdate (c, NULL, &len, (const guchar *) aad, strlen (aad)) == 1
       && EVP_EncryptUpdate (c, ct, &len, (const guchar *) so_pin, n) == 1
       && EVP_EncryptFinal_ex (c, ct + len, &fin) == 1
       && EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, ct + len + fin) == 1;
  EVP_CIPHER_CTX_free (c);
  OPENSSL_cleanse (key, sizeof key);
  if (!ok)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN, _("Cannot encrypt the key's SO PIN for the escrow"));
      return FALSE;
    }
  /* Synced at commit: the row must survive a power cut that the key's new SO PIN survives. */
  if (!cd_store_set_synchronous_full (store, TRUE, error))
    return FALSE;
  ok = cd_store_begin (store, error);
  if (ok)
    {
      g_autofree char *known = cd_store_setting_dup (store, KEY_SETTING);

      ok = (known && g_str_equal (known, key_path)) || cd_store_setting_set (store, KEY_SETTING, key_path, error);
    }
  ok = ok && cd_store_prepare (store, "INSERT INTO so_pin_escrow (token_serial, state, nonce, ciphertext, created_at)"
                                      " VALUES (?1, 'pending', ?2, ?3, ?4)", &stmt, error);
  if (ok)
    {
      sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, nonce, NONCE_LEN, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, ct, (int) (len + fin + TAG_LEN), SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, now, -1, SQLITE_STATIC);
      ok = cd_store_step_done (store, stmt, error);
    }
  if (ok && out_id)
    *out_id = sqlite3_last_insert_rowid (cd_store_get_db (store));
  ok = ok && cd_store_commit (store, error);
  if (!ok)
    cd_store_rollback (store);
  cd_store_set_synchronous_full (store, FALSE, NULL);
  return ok;
}

gboolean
cd_so_escrow_confirm (CdStore *store, gint64 id, GError **error)
{
  g_autoptr(sqlite3_stmt) set = NULL;
  g_autoptr(sqlite3_stmt) old = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  gboolean ok;

  if (!cd_store_set_synchronous_full (store, TRUE, error))
    return FALSE;
  ok = cd_store_begin (store, error)
       && cd_store_prepare (store, "UPDATE so_pin_escrow SET state = 'set', set_at = ?2 WHERE id = ?1", &set, error)
       && cd_store_prepare (store, "DELETE FROM so_pin_escrow WHERE id < ?1 AND token_serial ="
                                   " (SELECT token_serial FROM so_pin_escrow WHERE id = ?1)", &old, error);
  if (ok)
    {
      sqlite3_bind_int64 (set, 1, id);
      sqlite3_bind_text (set, 2, now, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (old, 1, id);
      ok = cd_store_step_done (store, set, error) && cd_store_step_done (store, old, error)
           && cd_store_commit (store, error);
    }
  if (!ok)
    cd_store_rollback (store);
  cd_store_set_synchronous_full (store, FALSE, NULL);
  return ok;
}

gboolean
cd_so_escrow_discard (CdStore *store, gint64 id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "DELETE FROM so_pin_escrow WHERE id = ?1 AND state = 'pending'", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return cd_store_step_done (store, stmt, error);
}

static CdSoEscrow *
open_row (sqlite3_stmt *stmt, const guchar key[KEY_LEN], GError **error)
{
  g_autoptr(CdSoEscrow) e = g_new0 (CdSoEscrow, 1);
  const guchar *nonce = sqlite3_column_blob (stmt, 3);
  const guchar *ct = sqlite3_column_blob (stmt, 4);
  int nonce_len = sqlite3_column_bytes (stmt, 3), ct_len = sqlite3_column_bytes (stmt, 4);
  g_autofree char *aad = NULL;
  char plain[MAX_PIN] = { 0 };
  EVP_CIPHER_CTX *c;
  int len = 0, fin = 0;
  gboolean ok;

  e->id = sqlite3_column_int64 (stmt, 0);
  e->serial = cd_store_column_dup (stmt, 1);
  e->pending = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "pending") == 0;
  e->created_at = cd_store_column_dup (stmt, 5);
  aad = aad_for (e->serial);
  if (nonce_len != NONCE_LEN || ct_len <= TAG_LEN || ct_len - TAG_LEN >= MAX_PIN)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN,
                   _("The stored SO PIN of the USB key %s is damaged"), e->serial);
      return NULL;
    }
  c = EVP_CIPHER_CTX_new ();
  ok = EVP_DecryptInit_ex (c, EVP_aes_256_gcm (), NULL, key, nonce) == 1
       && EVP_DecryptUpdate (c, NULL, &len, (const guchar *) aad, strlen (aad)) == 1
       && EVP_DecryptUpdate (c, (guchar *) plain, &len, ct, ct_len - TAG_LEN) == 1
       && EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *) (ct + ct_len - TAG_LEN)) == 1
       && EVP_DecryptFinal_ex (c, (guchar *) plain + len, &fin) == 1;
  EVP_CIPHER_CTX_free (c);
  if (!ok)
    {
      OPENSSL_cleanse (plain, sizeof plain);
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN,
                   _("The stored SO PIN of the USB key %s cannot be opened: the escrow key file is not the one it "
                     "was written with"), e->serial);
      return NULL;
    }
  plain[len + fin] = '\0';
  e->so_pin = g_strdup (plain);
  OPENSSL_cleanse (plain, sizeof plain);
  return g_steal_pointer (&e);
}

static GPtrArray *
select_rows (CdStore *store, const char *sql, const char *serial, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_so_escrow_free);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *key_path = NULL;
  guchar key[KEY_LEN];
  gboolean have_key = FALSE;
  int rc;

  if (!cd_store_prepare (store, sql, &stmt, error))
    return NULL;
  if (serial)
    sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdSoEscrow *e;

      if (!have_key)
        {
          key_path = cd_store_setting_dup (store, KEY_SETTING);
          if (key_path == NULL)
            {
              g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN,
                           _("The SO PIN escrow has rows but no key file is named (setting %s)"), KEY_SETTING);
              return NULL;
            }
          /* Never made here: a missing key file is a lost key, not a new one. */
          if (!g_file_test (key_path, G_FILE_TEST_EXISTS))
            {
              g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_OPEN,
                           _("The SO PIN escrow key file %s is missing; restore it from the counter's backup"),
                           key_path);
              return NULL;
            }
          if (!escrow_key (key_path, key, error))
            return NULL;
          have_key = TRUE;
        }
      e = open_row (stmt, key, error);
      if (e == NULL)
        {
          OPENSSL_cleanse (key, sizeof key);
          return NULL;
        }
      g_ptr_array_add (rows, e);
    }
  if (have_key)
    OPENSSL_cleanse (key, sizeof key);
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

#define COLUMNS "SELECT id, token_serial, state, nonce, ciphertext, created_at FROM so_pin_escrow "

GPtrArray *
cd_so_escrow_lookup (CdStore *store, const char *serial, GError **error)
{
  return select_rows (store, COLUMNS "WHERE token_serial = ?1 ORDER BY id DESC", serial, error);
}

GPtrArray *
cd_so_escrow_unsent (CdStore *store, GError **error)
{
  return select_rows (store, COLUMNS "WHERE state = 'set' AND sent_at IS NULL ORDER BY id", NULL, error);
}

gboolean
cd_so_escrow_mark_sent (CdStore *store, gint64 id, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = cd_store_now_iso (store);

  if (!cd_store_prepare (store, "UPDATE so_pin_escrow SET sent_at = ?2 WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_STATIC);
  return cd_store_step_done (store, stmt, error);
}

char *
cd_so_escrow_dup_set_at (CdStore *store, gint64 id)
{
  g_autoptr(sqlite3_stmt) when = NULL;

  if (!cd_store_prepare (store, "SELECT coalesce(set_at, created_at) FROM so_pin_escrow WHERE id = ?1", &when, NULL))
    return NULL;
  sqlite3_bind_int64 (when, 1, id);
  return sqlite3_step (when) == SQLITE_ROW ? cd_store_column_dup (when, 0) : NULL;
}
