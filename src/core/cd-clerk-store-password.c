/* cd-clerk-store-password.c: password hashes of clerk accounts (PBKDF2-HMAC-SHA256 with a random salt) and their
 * check in constant time. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "cd-clerk-store.h"

#define PBKDF2_ITERATIONS 210000
#define SALT_BYTES 16
#define HASH_BYTES 32

static gboolean
derive (const char *password, const guchar *salt, gsize salt_len, int iterations, guchar out[HASH_BYTES])
{
  return PKCS5_PBKDF2_HMAC (password, (int) strlen (password), salt, (int) salt_len, iterations, EVP_sha256 (),
                            HASH_BYTES, out) == 1;
}

char *
cd_password_hash (const char *password)
{
  guchar salt[SALT_BYTES];
  guchar hash[HASH_BYTES];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;

  g_return_val_if_fail (password != NULL, NULL);
  if (RAND_bytes (salt, sizeof salt) != 1 || !derive (password, salt, sizeof salt, PBKDF2_ITERATIONS, hash))
    return NULL;
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  OPENSSL_cleanse (hash, sizeof hash);
  return g_strdup_printf ("pbkdf2-sha256$%d$%s$%s", PBKDF2_ITERATIONS, salt64, hash64);
}

gboolean
cd_password_verify (const char *password, const char *stored)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guchar *salt = NULL;
  g_autofree guchar *expected = NULL;
  guchar got[HASH_BYTES];
  gsize salt_len = 0, expected_len = 0;
  gint64 iterations;
  gboolean ok;

  if (!password || !stored)
    return FALSE;
  parts = g_strsplit (stored, "$", -1);
  if (g_strv_length (parts) != 4 || !g_str_equal (parts[0], "pbkdf2-sha256"))
    return FALSE;
  iterations = g_ascii_strtoll (parts[1], NULL, 10);
  if (iterations < 1000 || iterations > 10000000)
    return FALSE;
  salt = g_base64_decode (parts[2], &salt_len);
  expected = g_base64_decode (parts[3], &expected_len);
  if (expected_len != HASH_BYTES || !derive (password, salt, salt_len, (int) iterations, got))
    return FALSE;
  ok = CRYPTO_memcmp (got, expected, HASH_BYTES) == 0;
  OPENSSL_cleanse (got, sizeof got);
  return ok;
}
