/* cd-keys.c: the key set the key-encryption key (cd-kek.c) wraps, sealing, blind indexes (see cd-keys.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <string.h>

#include "cd-keys-private.h"

G_DEFINE_QUARK (cd-keys-error-quark, cd_keys_error)


/* ---- AES-256-GCM, shared by sealing and wrapping ---- */

/* The algorithms fetched from OpenSSL's provider once: a fetch per value cost more than the sealing itself. */
static EVP_CIPHER *
aes_gcm (void)
{
  static EVP_CIPHER *cipher;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      cipher = EVP_CIPHER_fetch (NULL, "AES-256-GCM", NULL);
      g_once_init_leave (&once, 1);
    }
  return cipher;
}

static EVP_MAC *
hmac_alg (void)
{
  static EVP_MAC *mac;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      mac = EVP_MAC_fetch (NULL, "HMAC", NULL);
      g_once_init_leave (&once, 1);
    }
  return mac;
}

/* One AES-256-GCM message on @c, which holds the key already (its key schedule made once) when @key is NULL:
 * only the nonce is set anew. */
static gboolean
gcm_on (EVP_CIPHER_CTX *c, gboolean encrypt, const guchar *key, const guchar nonce[NONCE_LEN], const guchar *aad1,
        gsize aad1_len, const guchar *aad2, gsize aad2_len, const guchar *in, gsize in_len, guchar *out,
        guchar tag[TAG_LEN])
{
  int len = 0, fin = 0;

  if (!c || in_len > G_MAXINT / 2)
    return FALSE;
  return EVP_CipherInit_ex2 (c, key ? aes_gcm () : NULL, key, nonce, encrypt ? 1 : 0, NULL) == 1
       && (aad1_len == 0 || EVP_CipherUpdate (c, NULL, &len, aad1, (int) aad1_len) == 1)
       && (aad2_len == 0 || EVP_CipherUpdate (c, NULL, &len, aad2, (int) aad2_len) == 1)
       && (in_len == 0 || EVP_CipherUpdate (c, out, &len, in, (int) in_len) == 1)
       && (encrypt || EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1)
       && EVP_CipherFinal_ex (c, out + (in_len ? len : 0), &fin) == 1
       && (!encrypt || EVP_CIPHER_CTX_ctrl (c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1);
}

static gboolean
gcm (gboolean encrypt, const guchar key[KEY_LEN], const guchar nonce[NONCE_LEN], const guchar *aad1, gsize aad1_len,
     const guchar *aad2, gsize aad2_len, const guchar *in, gsize in_len, guchar *out, guchar tag[TAG_LEN])
{
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new ();
  gboolean ok = gcm_on (c, encrypt, key, nonce, aad1, aad1_len, aad2, aad2_len, in, in_len, out, tag);

  EVP_CIPHER_CTX_free (c);
  return ok;
}

/* Random nonces from the CSPRNG, drawn 64 at a time: OpenSSL 3's RAND_bytes costs some 4 µs a call whatever the
 * length (more than the sealing of a value), 0.1 µs a nonce in a batch. Each nonce is handed out once, under the
 * lock; a forked child (another pid) never uses its parent's batch, which the parent goes on using — two
 * processes sharing nonces under one key would break GCM. Nonces are public (they are stored beside the
 * ciphertext), so the batch needs no cleansing. */
#define NONCE_BATCH 64

static gboolean
random_nonce (guchar nonce[NONCE_LEN])
{
  static GMutex lock;
  static guchar pool[NONCE_BATCH * NONCE_LEN];
  static guint left;
  static pid_t owner;
  gboolean ok = TRUE;

  g_mutex_lock (&lock);
  if (owner != getpid ())
    {
      left = 0;
      owner = getpid ();
    }
  if (left == 0)
    {
      ok = RAND_bytes (pool, sizeof pool) == 1;
      left = ok ? NONCE_BATCH : 0;
    }
  if (ok)
    {
      left--;
      memcpy (nonce, pool + left * NONCE_LEN, NONCE_LEN);
      memset (pool + left * NONCE_LEN, 0, NONCE_LEN);
    }
  g_mutex_unlock (&lock);
  return ok;
}

char *
cd_keys_hex (const guchar *data, gsize len)
{
  static const char digits[] = "0123456789abcdef";
  char *s = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      s[2 * i] = digits[data[i] >> 4];
      s[2 * i + 1] = digits[data[i] & 15];
    }
  s[len * 2] = '\0';
  return s;
}

/* ---- the key set ---- */

struct _CdKeys {
  gint   ref;
  guchar data_key[KEY_LEN];
  guchar index_key[KEY_LEN];
  guchar id[ID_LEN];
  char   id_hex[ID_LEN * 2 + 1];
  /* OpenSSL's state for these keys, made at first use and reused under @lock (the key set is shared by the
   * store's connection and worker threads): a context made and keyed per value (AES key schedule, HMAC pads,
   * the digest fetched by name) cost several times the sealing itself. Freed and cleansed with the keys. */
  GMutex lock;
  EVP_CIPHER_CTX *seal_ctx;   /* AES-256-GCM under data_key, encrypting */
  EVP_CIPHER_CTX *open_ctx;   /* the same, decrypting */
  EVP_MAC_CTX *index_mac;     /* HMAC-SHA256 under index_key */
  EVP_MAC_CTX *nonce_mac;     /* HMAC-SHA256 under the synthetic-nonce key derived from data_key */
};

static CdKeys *
keys_alloc (void)
{
  CdKeys *k = g_new0 (CdKeys, 1);

  k->ref = 1;
  g_mutex_init (&k->lock);
  return k;
}

/* An HMAC-SHA256 context keyed with @key (the pads computed once); NULL when OpenSSL cannot make one. */
static EVP_MAC_CTX *
hmac_keyed (const guchar *key, gsize key_len)
{
  EVP_MAC_CTX *c = EVP_MAC_CTX_new (hmac_alg ());
  OSSL_PARAM params[] = { OSSL_PARAM_utf8_string ("digest", (char *) "SHA256", 0), OSSL_PARAM_END };

  if (c && EVP_MAC_init (c, key, key_len, params) == 1)
    return c;
  EVP_MAC_CTX_free (c);
  return NULL;
}

/* HMAC-SHA256 of @a (with its terminating zero when @a_nul) ‖ @b under the keyed context in @slot (made with @key
 * at first use, then only restarted: EVP_MAC_init without a key keeps the key). Call with keys->lock held. */
static gboolean
hmac_cached (EVP_MAC_CTX **slot, const guchar *key, const char *a, gboolean a_nul, const guchar *b, gsize b_len,
             guchar md[32])
{
  size_t got = 0;

  if (*slot ? EVP_MAC_init (*slot, NULL, 0, NULL) != 1 : !(*slot = hmac_keyed (key, KEY_LEN)))
    return FALSE;
  return EVP_MAC_update (*slot, (const guchar *) a, strlen (a) + (a_nul ? 1 : 0)) == 1
         && (b_len == 0 || EVP_MAC_update (*slot, b, b_len) == 1)
         && EVP_MAC_final (*slot, md, &got, 32) == 1 && got == 32;
}

static void
keys_set_id_hex (CdKeys *k)
{
  g_autofree char *h = cd_keys_hex (k->id, ID_LEN);

  memcpy (k->id_hex, h, sizeof k->id_hex);
}

CdKeys *
cd_keys_ref (CdKeys *keys)
{
  g_atomic_int_inc (&keys->ref);
  return keys;
}

void
cd_keys_unref (CdKeys *keys)
{
  if (keys && g_atomic_int_dec_and_test (&keys->ref))
    {
      /* OpenSSL cleanses the key schedules and pads it holds when freeing them */
      EVP_CIPHER_CTX_free (keys->seal_ctx);
      EVP_CIPHER_CTX_free (keys->open_ctx);
      EVP_MAC_CTX_free (keys->index_mac);
      EVP_MAC_CTX_free (keys->nonce_mac);
      g_mutex_clear (&keys->lock);
      OPENSSL_cleanse (keys, sizeof *keys);
      g_free (keys);
    }
}

const char *
cd_keys_get_id (CdKeys *keys)
{
  return keys->id_hex;
}

CdKeys *
cd_keys_new_random (GError **error)
{
  g_autoptr(CdKeys) k = keys_alloc ();

  if (RAND_bytes (k->data_key, KEY_LEN) != 1 || RAND_bytes (k->index_key, KEY_LEN) != 1
      || RAND_bytes (k->id, ID_LEN) != 1)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot make a random key"));
      return NULL;
    }
  keys_set_id_hex (k);
  return g_steal_pointer (&k);
}

CdKeys *
cd_keys_new_data_key (CdKeys *from, GError **error)
{
  g_autoptr(CdKeys) k = keys_alloc ();

  memcpy (k->index_key, from->index_key, KEY_LEN);
  do
    {
      if (RAND_bytes (k->data_key, KEY_LEN) != 1 || RAND_bytes (k->id, ID_LEN) != 1)
        {
          g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot make a random key"));
          return NULL;
        }
    }
  while (memcmp (k->id, from->id, ID_LEN) == 0);
  keys_set_id_hex (k);
  return g_steal_pointer (&k);
}

/* Wrapped or exported: id ‖ data key ‖ index key, sealed with AES-256-GCM under the wrapping key, the header
 * text as associated data. */
#define PLAIN_LEN (ID_LEN + 2 * KEY_LEN)

static char *
wrap_with (CdKeys *keys, const guchar wkey[KEY_LEN], const char *header, const guchar *extra, gsize extra_len,
           GError **error)
{
  guchar plain[PLAIN_LEN], out[NONCE_LEN + PLAIN_LEN + TAG_LEN];
  g_autofree char *b64 = NULL;
  g_autofree guchar *all = NULL;
  gboolean ok;

  memcpy (plain, keys->id, ID_LEN);
  memcpy (plain + ID_LEN, keys->data_key, KEY_LEN);
  memcpy (plain + ID_LEN + KEY_LEN, keys->index_key, KEY_LEN);
  ok = RAND_bytes (out, NONCE_LEN) == 1
       && gcm (TRUE, wkey, out, (const guchar *) header, strlen (header), NULL, 0, plain, PLAIN_LEN,
               out + NONCE_LEN, out + NONCE_LEN + PLAIN_LEN);
  OPENSSL_cleanse (plain, sizeof plain);
  if (!ok)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot encrypt the data keys"));
      return NULL;
    }
  all = g_malloc (extra_len + sizeof out);
  if (extra_len)
    memcpy (all, extra, extra_len);
  memcpy (all + extra_len, out, sizeof out);
  b64 = g_base64_encode (all, extra_len + sizeof out);
  return g_strconcat (header, ".", b64, NULL);
}

static CdKeys *
unwrap_with (const guchar wkey[KEY_LEN], const char *header, const guchar *sealed, gsize len, GError **error)
{
  g_autoptr(CdKeys) k = keys_alloc ();
  guchar plain[PLAIN_LEN];

  if (len != NONCE_LEN + PLAIN_LEN + TAG_LEN
      || !gcm (FALSE, wkey, sealed, (const guchar *) header, strlen (header), NULL, 0, sealed + NONCE_LEN,
               PLAIN_LEN, plain, (guchar *) sealed + NONCE_LEN + PLAIN_LEN))
    {
      OPENSSL_cleanse (plain, sizeof plain);
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The stored data keys are damaged"));
      return NULL;
    }
  memcpy (k->id, plain, ID_LEN);
  memcpy (k->data_key, plain + ID_LEN, KEY_LEN);
  memcpy (k->index_key, plain + ID_LEN + KEY_LEN, KEY_LEN);
  OPENSSL_cleanse (plain, sizeof plain);
  keys_set_id_hex (k);
  return g_steal_pointer (&k);
}

char *
cd_keys_wrap (CdKeys *keys, CdKek *kek, GError **error)
{
  g_autofree char *header = g_strdup_printf ("cdk1.%s.%s", kek->id, keys->id_hex);

  return wrap_with (keys, kek->key, header, NULL, 0, error);
}

char *
cd_keys_wrapped_kek_id (const char *wrapped)
{
  g_auto(GStrv) parts = wrapped ? g_strsplit (wrapped, ".", 5) : NULL;

  if (!parts || g_strv_length (parts) != 4 || !g_str_equal (parts[0], "cdk1") || strlen (parts[1]) != ID_LEN * 2)
    return NULL;
  return g_strdup (parts[1]);
}

CdKeys *
cd_keys_unwrap (const char *wrapped, CdKek *kek, GError **error)
{
  g_auto(GStrv) parts = g_strsplit (wrapped, ".", 5);
  g_autofree char *header = NULL;
  g_autofree guchar *raw = NULL;
  g_autoptr(CdKeys) k = NULL;
  gsize len = 0;

  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], "cdk1"))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The stored data keys are damaged"));
      return NULL;
    }
  if (!g_str_equal (parts[1], kek->id))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_MISSING_KEK,
                   _("The database's personal data is encrypted with a key this computer does not hold "
                     "(key %s; %s holds key %s)"), parts[1], kek->where, kek->id);
      return NULL;
    }
  header = g_strdup_printf ("%s.%s.%s", parts[0], parts[1], parts[2]);
  raw = g_base64_decode (parts[3], &len);
  k = unwrap_with (kek->key, header, raw, len, error);
  if (k && !g_str_equal (k->id_hex, parts[2]))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The stored data keys are damaged"));
      return NULL;
    }
  return g_steal_pointer (&k);
}

static gboolean
passphrase_key (const char *passphrase, const guchar salt[SALT_LEN], guchar out[KEY_LEN], GError **error)
{
  if (!passphrase || g_utf8_strlen (passphrase, -1) < 12)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED,
                   _("The passphrase of a key export must have at least 12 characters"));
      return FALSE;
    }
  if (PKCS5_PBKDF2_HMAC (passphrase, (int) strlen (passphrase), salt, SALT_LEN, PBKDF2_ROUNDS, EVP_sha256 (),
                         KEY_LEN, out) != 1)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot derive a key from the passphrase"));
      return FALSE;
    }
  return TRUE;
}

char *
cd_keys_export (CdKeys *keys, const char *passphrase, GError **error)
{
  g_autofree char *header = g_strdup_printf ("cdx1.%s", keys->id_hex);
  guchar salt[SALT_LEN], wkey[KEY_LEN];
  char *out;

  if (RAND_bytes (salt, SALT_LEN) != 1)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot make a random key"));
      return NULL;
    }
  if (!passphrase_key (passphrase, salt, wkey, error))
    return NULL;
  out = wrap_with (keys, wkey, header, salt, SALT_LEN, error);
  OPENSSL_cleanse (wkey, sizeof wkey);
  return out;
}

CdKeys *
cd_keys_import (const char *exported, const char *passphrase, GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (exported));
  g_auto(GStrv) parts = g_strsplit (text, ".", 4);
  g_autofree char *header = NULL;
  g_autofree guchar *raw = NULL;
  g_autoptr(CdKeys) k = NULL;
  guchar wkey[KEY_LEN];
  gsize len = 0;

  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], "cdx1"))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("This is not a CertDesk key export"));
      return NULL;
    }
  header = g_strdup_printf ("%s.%s", parts[0], parts[1]);
  raw = g_base64_decode (parts[2], &len);
  if (len < SALT_LEN)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("This is not a CertDesk key export"));
      return NULL;
    }
  if (!passphrase_key (passphrase, raw, wkey, error))
    return NULL;
  k = unwrap_with (wkey, header, raw + SALT_LEN, len - SALT_LEN, NULL);
  OPENSSL_cleanse (wkey, sizeof wkey);
  if (!k || !g_str_equal (k->id_hex, parts[1]))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED,
                   _("The key export does not open: the passphrase is not the one it was written with, or the "
                     "file was changed"));
      return NULL;
    }
  return g_steal_pointer (&k);
}

/* ---- sealing ---- */

gboolean
cd_keys_is_sealed_blob (const guchar *data, gsize len)
{
  return data && len >= BLOB_HEAD + TAG_LEN && data[0] == BLOB_MAGIC;
}

char *
cd_keys_blob_key_id (const guchar *data, gsize len)
{
  return cd_keys_is_sealed_blob (data, len) ? cd_keys_hex (data + 1, ID_LEN) : NULL;
}

static guchar *
seal_blob (CdKeys *keys, const char *aad, const guchar *data, gsize len, gboolean synthetic, gsize *out_len,
           GError **error)
{
  g_autofree guchar *out = NULL;
  gboolean nonce_ok;

  if (len > G_MAXINT / 2)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("The value is too large to encrypt"));
      return NULL;
    }
  out = g_malloc (BLOB_HEAD + len + TAG_LEN);
  out[0] = BLOB_MAGIC;
  memcpy (out + 1, keys->id, ID_LEN);
  g_mutex_lock (&keys->lock);
  if (synthetic)
    {
      /* The nonce is HMAC-SHA256 (a key derived from the data key, aad ‖ 0 ‖ value): equal values under equal
       * associated data seal to equal text, different values never share a nonce (a synthetic IV). The derived
       * key is HMAC-SHA256 (data key, label), made once per key set into the keyed context. */
      static const char label[] = "certdesk synthetic nonce";
      guchar md[32];

      if (!keys->nonce_mac)
        {
          guchar sub[32];
          unsigned int sub_len = 0;

          if (HMAC (EVP_sha256 (), keys->data_key, KEY_LEN, (const guchar *) label, sizeof label - 1, sub,
                    &sub_len) != NULL)
            keys->nonce_mac = hmac_keyed (sub, sizeof sub);
          OPENSSL_cleanse (sub, sizeof sub);
        }
      nonce_ok = keys->nonce_mac && hmac_cached (&keys->nonce_mac, NULL, aad ? aad : "", TRUE, data, len, md);
      if (nonce_ok)
        memcpy (out + 1 + ID_LEN, md, NONCE_LEN);
      OPENSSL_cleanse (md, sizeof md);
    }
  else
    nonce_ok = random_nonce (out + 1 + ID_LEN);
  if (nonce_ok && !keys->seal_ctx)
    {
      /* the first value: the context is made and keyed (AES key schedule) once */
      keys->seal_ctx = EVP_CIPHER_CTX_new ();
      nonce_ok = keys->seal_ctx && EVP_CipherInit_ex2 (keys->seal_ctx, aes_gcm (), keys->data_key, NULL, 1, NULL) == 1;
    }
  /* The header (version, key id) is authenticated with the caller's associated data. */
  nonce_ok = nonce_ok
             && gcm_on (keys->seal_ctx, TRUE, NULL, out + 1 + ID_LEN, out, 1 + ID_LEN,
                        (const guchar *) (aad ? aad : ""), aad ? strlen (aad) : 0, data, len, out + BLOB_HEAD,
                        out + BLOB_HEAD + len);
  g_mutex_unlock (&keys->lock);
  if (!nonce_ok)
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_FAILED, _("Cannot encrypt the value"));
      return NULL;
    }
  *out_len = BLOB_HEAD + len + TAG_LEN;
  return g_steal_pointer (&out);
}

guchar *
cd_keys_seal_blob (CdKeys *keys, const char *aad, const guchar *data, gsize len, gsize *out_len, GError **error)
{
  return seal_blob (keys, aad, data, len, FALSE, out_len, error);
}

guchar *
cd_keys_open_blob (CdKeys *keys, const char *aad, const guchar *data, gsize len, gsize *out_len, GError **error)
{
  g_autofree guchar *out = NULL;
  gboolean ok;
  gsize n;

  if (!cd_keys_is_sealed_blob (data, len))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The encrypted value is damaged"));
      return NULL;
    }
  if (memcmp (data + 1, keys->id, ID_LEN) != 0)
    {
      g_autofree char *id = cd_keys_hex (data + 1, ID_LEN);

      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_WRONG_KEY,
                   _("The encrypted value was written under the data key %s, not this database's key %s"), id,
                   keys->id_hex);
      return NULL;
    }
  n = len - BLOB_HEAD - TAG_LEN;
  out = g_malloc (n + 1);
  g_mutex_lock (&keys->lock);
  if (!keys->open_ctx && (keys->open_ctx = EVP_CIPHER_CTX_new ())
      && EVP_CipherInit_ex2 (keys->open_ctx, aes_gcm (), keys->data_key, NULL, 0, NULL) != 1)
    g_clear_pointer (&keys->open_ctx, EVP_CIPHER_CTX_free);
  ok = gcm_on (keys->open_ctx, FALSE, NULL, data + 1 + ID_LEN, data, 1 + ID_LEN, (const guchar *) (aad ? aad : ""),
               aad ? strlen (aad) : 0, data + BLOB_HEAD, n, out, (guchar *) data + BLOB_HEAD + n);
  g_mutex_unlock (&keys->lock);
  if (!ok)
    {
      OPENSSL_cleanse (out, n);
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED,
                   _("The encrypted value is damaged or belongs to another record"));
      return NULL;
    }
  out[n] = '\0';
  *out_len = n;
  return g_steal_pointer (&out);
}

#define TEXT_PREFIX "cd1."

gboolean
cd_keys_is_sealed_text (const char *value)
{
  return value && g_str_has_prefix (value, TEXT_PREFIX) && strlen (value) > 4 + ID_LEN * 2 + 1
         && value[4 + ID_LEN * 2] == '.';
}

static char *
seal_text (CdKeys *keys, const char *aad, const char *text, gboolean synthetic, GError **error)
{
  gsize len = 0;
  g_autofree guchar *blob = seal_blob (keys, aad, (const guchar *) text, strlen (text), synthetic, &len, error);
  g_autofree char *b64 = NULL;

  if (!blob)
    return NULL;
  b64 = g_base64_encode (blob, len);
  return g_strconcat (TEXT_PREFIX, keys->id_hex, ".", b64, NULL);
}

char *
cd_keys_seal_text (CdKeys *keys, const char *aad, const char *text, GError **error)
{
  return seal_text (keys, aad, text, FALSE, error);
}

char *
cd_keys_seal_text_deterministic (CdKeys *keys, const char *aad, const char *text, GError **error)
{
  return seal_text (keys, aad, text, TRUE, error);
}

char *
cd_keys_open_text (CdKeys *keys, const char *aad, const char *sealed, GError **error)
{
  guchar stack[512];   /* a sealed field value fits: no allocation per value opened (the reports open thousands) */
  g_autofree guchar *heap = NULL;
  const char *b64;
  gsize b64_len;
  guchar *blob;
  guchar *plain;
  gsize len = 0, plain_len = 0;
  gint state = 0;
  guint save = 0;

  if (!cd_keys_is_sealed_text (sealed))
    {
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The encrypted value is damaged"));
      return NULL;
    }
  /* g_base64_decode's own steps, into the stack when the value is short */
  b64 = sealed + 4 + ID_LEN * 2 + 1;
  b64_len = strlen (b64);
  blob = b64_len / 4 * 3 + 3 <= sizeof stack ? stack : (heap = g_malloc (b64_len / 4 * 3 + 3));
  len = g_base64_decode_step (b64, b64_len, blob, &state, &save);
  plain = cd_keys_open_blob (keys, aad, blob, len, &plain_len, error);
  if (plain && (memchr (plain, '\0', plain_len) || !g_utf8_validate ((const char *) plain, plain_len, NULL)))
    {
      OPENSSL_cleanse (plain, plain_len);
      g_free (plain);
      g_set_error (error, CD_KEYS_ERROR, CD_KEYS_ERROR_DAMAGED, _("The encrypted value is damaged"));
      return NULL;
    }
  return (char *) plain;
}

/* ---- blind indexes and derived secrets ---- */

char *
cd_keys_blind_index (CdKeys *keys, const char *domain, const char *normalized)
{
  guchar md[32];
  g_autofree char *h = NULL;
  gboolean ok;

  /* HMAC-SHA256 (index key, domain ‖ 0 ‖ normalized) */
  g_mutex_lock (&keys->lock);
  ok = hmac_cached (&keys->index_mac, keys->index_key, domain, TRUE, (const guchar *) normalized, strlen (normalized),
                    md);
  g_mutex_unlock (&keys->lock);
  if (!ok)
    g_error ("HMAC-SHA256 is not available from OpenSSL");
  h = cd_keys_hex (md, 16);
  return g_strconcat ("bi1.", h, NULL);
}

static char *
derive_secret (const guchar ikm[KEY_LEN], const char *purpose)
{
  EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id (EVP_PKEY_HKDF, NULL);
  guchar out[32];
  size_t out_len = sizeof out;
  char *h;
  gboolean ok;

  ok = c && EVP_PKEY_derive_init (c) == 1 && EVP_PKEY_CTX_set_hkdf_md (c, EVP_sha256 ()) == 1
       && EVP_PKEY_CTX_set1_hkdf_key (c, ikm, KEY_LEN) == 1
       && EVP_PKEY_CTX_set1_hkdf_salt (c, (const guchar *) "certdesk", 8) == 1
       && EVP_PKEY_CTX_add1_hkdf_info (c, (const guchar *) purpose, (int) strlen (purpose)) == 1
       && EVP_PKEY_derive (c, out, &out_len) == 1;
  EVP_PKEY_CTX_free (c);
  if (!ok)
    g_error ("HKDF-SHA256 is not available from OpenSSL");
  h = cd_keys_hex (out, sizeof out);
  OPENSSL_cleanse (out, sizeof out);
  return h;
}

char *
cd_keys_derive_secret (CdKeys *keys, const char *purpose)
{
  return derive_secret (keys->index_key, purpose);
}

char *
cd_kek_derive_secret (CdKek *kek, const char *purpose)
{
  return derive_secret (kek->key, purpose);
}

/* A key set derived from the KEK for one @purpose: data key, index key and key id each HKDF-SHA256 of the KEK
 * with "@purpose/<part>" as info. No randomness to keep and nothing stored: the same KEK gives the same keys, so
 * what the counter's folder seals with them opens wherever that KEK is (issue 17: the local CA's ledger). */
CdKeys *
cd_kek_derive_keys (CdKek *kek, const char *purpose)
{
  static const char *const parts[] = { "data key", "index key", "key id" };
  CdKeys *k = keys_alloc ();
  guchar *dest[] = { k->data_key, k->index_key, k->id };
  const gsize lens[] = { KEY_LEN, KEY_LEN, ID_LEN };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *info = g_strconcat (purpose, "/", parts[i], NULL);
      char *h = derive_secret (kek->key, info);   /* 64 hex digits */

      for (gsize j = 0; j < lens[i]; j++)
        dest[i][j] = (guchar) (g_ascii_xdigit_value (h[2 * j]) << 4 | g_ascii_xdigit_value (h[2 * j + 1]));
      OPENSSL_cleanse (h, strlen (h));
      g_free (h);
    }
  keys_set_id_hex (k);
  return k;
}
