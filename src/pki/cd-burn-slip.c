/* cd-burn-slip.c: the random PIN's slip, encrypted, so that it can be printed again after any crash. */
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

#include "cd-burn-slip.h"
#include "cd-burn-store.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"

#define KEY_LEN   32
#define NONCE_LEN 12
#define TAG_LEN   16

/* The key lives beside the database, never in it: a copy of the database alone (a backup, the central
 * sync) holds no readable PIN. Created once, 0600, synced. */
static gboolean
slip_key (CdContext *ctx, guchar key[KEY_LEN], GError **error)
{
  g_autofree char *path = g_build_filename (cd_context_get_state_dir (ctx), "pin-slip.key", NULL);
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
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("The PIN slip key %s is damaged"), path);
      return FALSE;
    }
  if (RAND_bytes (key, KEY_LEN) != 1)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("Cannot make the PIN slip key"));
      return FALSE;
    }
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST)
    return slip_key (ctx, key, error);    /* another process made it first */
  if (fd < 0 || write (fd, key, KEY_LEN) != KEY_LEN || fsync (fd) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        {
          close (fd);
          g_unlink (path);
        }
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("Cannot write the PIN slip key %s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static char *
aad_for (gint64 application_id)
{
  return g_strdup_printf ("certdesk pin slip %" G_GINT64_FORMAT, application_id);
}

gboolean
cd_burn_slip_save (CdContext *ctx, gint64 application_id, const char *token_serial, const CdPin *pin, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  guchar key[KEY_LEN], nonce[NONCE_LEN], tag[TAG_LEN];
  gsize n = cd_pin_length (pin);
  g_autofree guchar *ct = g_malloc (n + TAG_LEN);
  g_autofree char *aad = aad_for (application_id);
  g_autofree char *hex = NULL;
  g_autofree char *nonce_hex = NULL;
  EVP_CIPHER_CTX *c;
  int len = 0, fin = 0;
  gboolean ok;

  if (!slip_key (ctx, key, error))
    return FALSE;
  RAND_bytes (nonce, NONCE_LEN);
  c = EVP_CIPHER_CTX_new ();
  ok = EVP_EncryptInit_ex (c, EVP_aes_256_gcm (), NULL, key, nonce) == 1
       && EVP_EncryptUpdate (c, NULL, &len, (const guchar *) aad, strlen (aad)) == 1
       && EVP_EncryptUpdate (c, ct, &len, (const guchar *) cd_pin_get (pin), n) == 1
       && EVP_EncryptFinal_ex (c, ct + len, &fin) == 1
       && EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
  EVP_CIPHER_CTX_free (c);
  OPENSSL_cleanse (key, sizeof key);
  if (!ok)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("Cannot encrypt the PIN slip"));
      return FALSE;
    }
  memcpy (ct + len + fin, tag, TAG_LEN);
  hex = cd_hex_encode (ct, len + fin + TAG_LEN);
  nonce_hex = cd_hex_encode (nonce, NONCE_LEN);
  /* Committed with synchronous=FULL: the slip must survive a power cut that the key's new PIN survives. */
  return cd_burn_store_slip_save (store, application_id, token_serial, nonce_hex, hex, error);
}

gboolean
cd_burn_slip_load (CdContext *ctx, gint64 application_id, CdPin **out, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autofree char *nonce_hex = NULL;
  g_autofree char *ct_hex = NULL;
  g_autoptr(GBytes) nonce = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *aad = aad_for (application_id);
  guchar key[KEY_LEN];
  const guchar *ct;
  gsize ct_len, nonce_len;
  char plain[64] = { 0 };
  EVP_CIPHER_CTX *c;
  int len = 0, fin = 0;
  gboolean ok;

  *out = NULL;
  if (!cd_burn_store_slip_load (store, application_id, &nonce_hex, &ct_hex, error))
    return FALSE;
  if (nonce_hex == NULL)
    return TRUE;
  nonce = cd_hex_decode (nonce_hex);
  blob = cd_hex_decode (ct_hex);
  ct = g_bytes_get_data (blob, &ct_len);
  g_bytes_get_data (nonce, &nonce_len);
  if (nonce_len != NONCE_LEN || ct_len <= TAG_LEN || ct_len - TAG_LEN >= sizeof plain)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("The stored PIN slip of this application is damaged"));
      return FALSE;
    }
  if (!slip_key (ctx, key, error))
    return FALSE;
  c = EVP_CIPHER_CTX_new ();
  ok = EVP_DecryptInit_ex (c, EVP_aes_256_gcm (), NULL, key, g_bytes_get_data (nonce, NULL)) == 1
       && EVP_DecryptUpdate (c, NULL, &len, (const guchar *) aad, strlen (aad)) == 1
       && EVP_DecryptUpdate (c, (guchar *) plain, &len, ct, ct_len - TAG_LEN) == 1
       && EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, (void *) (ct + ct_len - TAG_LEN)) == 1
       && EVP_DecryptFinal_ex (c, (guchar *) plain + len, &fin) == 1;
  EVP_CIPHER_CTX_free (c);
  OPENSSL_cleanse (key, sizeof key);
  if (!ok)
    {
      OPENSSL_cleanse (plain, sizeof plain);
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("The stored PIN slip cannot be opened: the PIN slip key (pin-slip.key) is not the one it was "
                     "written with"));
      return FALSE;
    }
  plain[len + fin] = '\0';
  *out = cd_pin_new (plain);
  OPENSSL_cleanse (plain, sizeof plain);
  return TRUE;
}

gboolean
cd_burn_slip_purge (CdContext *ctx, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(GDateTime) now = cd_store_now (store);
  g_autoptr(GDateTime) limit = g_date_time_add_days (now, -CD_BURN_SLIP_KEEP_DAYS);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (limit);
  g_autofree char *iso = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

  return cd_burn_store_slip_purge (store, iso, error);
}
