/* cd-kek.c: the key-encryption key that wraps the database's key set: from the session keyring (libsecret)
 * where one answers, else from a key file in the user's configuration folder (0600, never beside the database). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "cd-keys-private.h"

void
cd_kek_free (CdKek *kek)
{
  if (!kek)
    return;
  OPENSSL_cleanse (kek->key, sizeof kek->key);
  g_free (kek->where);
  g_free (kek);
}

const char *
cd_kek_get_id (CdKek *kek)
{
  return kek->id;
}

const char *
cd_kek_describe (CdKek *kek)
{
  return kek->where;
}

static void
kek_set_id (CdKek *kek)
{
  static const char label[] = "certdesk kek id";
  guchar md[32];
  unsigned int md_len = 0;
  g_autofree char *h = NULL;

  HMAC (EVP_sha256 (), kek->key, KEY_LEN, (const guchar *) label, sizeof label - 1, md, &md_len);
  h = cd_keys_hex (md, ID_LEN);
  memcpy (kek->id, h, sizeof kek->id);
}

char *
cd_kek_file_path (void)
{
  const char *env = g_getenv ("CERTDESK_KEK_FILE");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_config_dir (), "certdesk", "kek.key", NULL);
}

/* The key file holds 32 raw bytes. Created under a temporary name with O_EXCL and 0600, synced, then linked to
 * its name: another process racing sees either no file or the whole key, never a half-written one. */
static gboolean
kek_from_file (CdKek *kek, gboolean create, GError **error)
{
  g_autofree char *path = cd_kek_file_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;
  int fd;

  kek->where = g_strdup_printf (_("the key file %s"), path);
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_clear_error (&local);
      if (g_file_get_contents (path, &data, &len, &local))
        {
          gboolean good = len == KEY_LEN;

          if (good)
            memcpy (kek->key, data, KEY_LEN);
          OPENSSL_cleanse (data, len);
          if (!good)
            {
              g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED,
                           _("The key file %s is damaged: it should hold 32 bytes, it holds %u"),
                           path, (guint) MIN (len, G_MAXUINT));
              return FALSE;
            }
          return TRUE;
        }
      if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot read the key file %s: %s"), path,
                       local->message);
          return FALSE;
        }
      if (!create)
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK, _("There is no key file %s"), path);
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot create the folder %s: %s"), dir,
                       g_strerror (errno));
          return FALSE;
        }
      if (RAND_bytes (kek->key, KEY_LEN) != 1)
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot make a random key"));
          return FALSE;
        }
      g_free (tmp);
      tmp = g_strdup_printf ("%s.%d.%u", path, (int) getpid (), g_random_int ());
      fd = g_open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0 || write (fd, kek->key, KEY_LEN) != KEY_LEN || fsync (fd) != 0)
        {
          int saved = errno;

          if (fd >= 0)
            {
              close (fd);
              g_unlink (tmp);
            }
          OPENSSL_cleanse (kek->key, KEY_LEN);
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot write the key file %s: %s"), path,
                       g_strerror (saved));
          return FALSE;
        }
      close (fd);
      if (link (tmp, path) == 0)
        {
          g_unlink (tmp);
          return TRUE;
        }
      g_unlink (tmp);
      OPENSSL_cleanse (kek->key, KEY_LEN);
      if (errno != EEXIST)
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot write the key file %s: %s"), path,
                       g_strerror (errno));
          return FALSE;
        }
      /* another process made it first: read theirs */
    }
  g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot read the key file %s"), path);
  return FALSE;
}

#ifdef HAVE_LIBSECRET
static const SecretSchema *
kek_schema (void)
{
  static const SecretSchema schema = {
    "org.certdesk.KeyEncryptionKey", SECRET_SCHEMA_NONE,
    { { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  return &schema;
}

/* TRUE with the key when the session keyring answered (found or stored); FALSE without an error when no keyring
 * service runs (the caller falls back to the key file); FALSE with an error when the keyring holds no key and
 * @create is FALSE. */
static gboolean
kek_from_keyring (CdKek *kek, gboolean create, gboolean *answered, GError **error)
{
  g_autoptr(GError) local = NULL;
  char *b64;

  *answered = FALSE;
  /* No session bus, no keyring: do not let D-Bus try to start one. */
  if (!g_getenv ("DBUS_SESSION_BUS_ADDRESS"))
    return FALSE;
  b64 = secret_password_lookup_sync (kek_schema (), NULL, &local, "purpose", "certdesk-kek", NULL);
  if (local)
    {
      g_debug ("no session keyring: %s", local->message);
      return FALSE;
    }
  *answered = TRUE;
  kek->where = g_strdup (_("the session keyring"));
  if (b64)
    {
      gsize len = 0;
      guchar *raw = g_base64_decode (b64, &len);
      gboolean good = len == KEY_LEN;

      if (good)
        memcpy (kek->key, raw, KEY_LEN);
      OPENSSL_cleanse (raw, len);
      g_free (raw);
      secret_password_free (b64);
      if (!good)
        g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED,
                     _("The CertDesk key in the session keyring is damaged"));
      return good;
    }
  if (!create)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK,
                   _("The session keyring holds no CertDesk key"));
      return FALSE;
    }
  if (RAND_bytes (kek->key, KEY_LEN) != 1)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot make a random key"));
      return FALSE;
    }
  b64 = g_base64_encode (kek->key, KEY_LEN);
  if (!secret_password_store_sync (kek_schema (), SECRET_COLLECTION_DEFAULT, _("CertDesk key-encryption key"), b64,
                                   NULL, &local, "purpose", "certdesk-kek", NULL))
    {
      OPENSSL_cleanse (b64, strlen (b64));
      g_free (b64);
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot store a key in the session keyring: %s"),
                   local->message);
      return FALSE;
    }
  OPENSSL_cleanse (b64, strlen (b64));
  g_free (b64);
  return TRUE;
}
#endif

CdKek *
cd_kek_load (gboolean create, GError **error)
{
  g_autoptr(CdKek) kek = g_new0 (CdKek, 1);
  const char *env = g_getenv ("CERTDESK_KEK_FILE");

#ifdef HAVE_LIBSECRET
  if (!(env && *env))
    {
      gboolean answered = FALSE;

      if (kek_from_keyring (kek, create, &answered, error))
        {
          kek_set_id (kek);
          return g_steal_pointer (&kek);
        }
      if (answered)
        return NULL;
    }
#else
  (void) env;
#endif
  if (!kek_from_file (kek, create, error))
    return NULL;
  kek_set_id (kek);
  return g_steal_pointer (&kek);
}
