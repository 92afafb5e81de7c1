/* cd-keys.h: the key hierarchy that protects personal data at rest (issue 17, docs/store.md "Personal data at
 * rest").
 *
 *   key-encryption key (KEK)  — 32 random bytes outside the database: the user's session keyring (libsecret)
 *                               where one runs, else a 0600 key file in the user's configuration folder
 *                               (g_get_user_config_dir()/certdesk/kek.key); $CERTDESK_KEK_FILE names another
 *                               file and skips the keyring (tests, head-office tooling).
 *   key set (CdKeys)          — a data key (AES-256-GCM) and a blind-index key (HMAC-SHA256), random, with an
 *                               8-byte key id; stored in the database only wrapped by the KEK
 *                               (cd_keys_wrap / cd_keys_unwrap, AES-256-GCM).
 *
 * Anything sealed carries a version byte and the key id in front, and the caller's associated data (what the
 * value belongs to: table, row, field) is authenticated, so a value moved to another row or field does not
 * open. No function here logs a key, a value or a passphrase. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CD_KEYS_ERROR (cd_keys_error_quark ())
GQuark cd_keys_error_quark (void);

typedef enum {
  CD_KEYS_ERROR_MISSING_KEK,  /* the database's keys were wrapped by a key this machine does not hold */
  CD_KEYS_ERROR_DAMAGED,      /* a sealed value or wrapped key set does not open: changed, or another row's */
  CD_KEYS_ERROR_WRONG_KEY,    /* sealed under another key set (key id differs) */
  CD_KEYS_ERROR_FAILED,       /* the key file cannot be read or written, no randomness, a passphrase too short */
} CdKeysError;

#define CD_KEYS_KEY_LEN 32

/* ---- the key-encryption key ---- */
typedef struct _CdKek CdKek;

/* The KEK of this user on this machine. @create: make one when none exists yet (a new database); otherwise a
 * missing KEK is CD_KEYS_ERROR_MISSING_KEK. */
CdKek      *cd_kek_load       (gboolean create, GError **error);
void        cd_kek_free       (CdKek *kek);
/* 16 hex digits that name the KEK without revealing it (stored beside the wrapped keys). */
const char *cd_kek_get_id     (CdKek *kek);
/* Where it lives, for messages: "the session keyring" or "the key file /home/…/kek.key". */
const char *cd_kek_describe   (CdKek *kek);
/* The key file this user's KEK is read from when no keyring holds it (where to copy one to). */
char       *cd_kek_file_path  (void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdKek, cd_kek_free)

/* ---- the key set ---- */
typedef struct _CdKeys CdKeys;

CdKeys     *cd_keys_new_random (GError **error);
/* A new data key under the same blind-index key (keys rotate: the indexes stay valid, values re-encrypt). */
CdKeys     *cd_keys_new_data_key (CdKeys *from, GError **error);
CdKeys     *cd_keys_ref       (CdKeys *keys);
void        cd_keys_unref     (CdKeys *keys);
/* 16 hex digits: the key id every sealed value names. */
const char *cd_keys_get_id    (CdKeys *keys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdKeys, cd_keys_unref)

/* The key set wrapped by @kek as one line of text ("cdk1.<kek id>.<key id>.<base64>"), and back. Unwrapping
 * with another KEK is CD_KEYS_ERROR_MISSING_KEK; a changed text CD_KEYS_ERROR_DAMAGED. */
char       *cd_keys_wrap      (CdKeys *keys, CdKek *kek, GError **error);
CdKeys     *cd_keys_unwrap    (const char *wrapped, CdKek *kek, GError **error);
/* The KEK id a wrapped key set names (NULL when @wrapped is not one). */
char       *cd_keys_wrapped_kek_id (const char *wrapped);

/* The key set for carrying to another counter (certdesk-cli keys export/import): wrapped by a key derived
 * from @passphrase (PBKDF2-HMAC-SHA256, 600,000 rounds, random salt; at least 12 characters). */
char       *cd_keys_export    (CdKeys *keys, const char *passphrase, GError **error);
CdKeys     *cd_keys_import    (const char *exported, const char *passphrase, GError **error);

/* ---- sealing (AES-256-GCM under the data key, a random 96-bit nonce per value) ----
 * A sealed blob is: 0x01, key id (8 bytes), nonce (12), ciphertext, tag (16). @aad names what the value belongs
 * to ("application/42/data/$.legal_person.name"); opening with another @aad, a changed byte or another key set
 * fails with CD_KEYS_ERROR_DAMAGED / CD_KEYS_ERROR_WRONG_KEY. For scans and seal images as well as fields. */
guchar     *cd_keys_seal_blob (CdKeys *keys, const char *aad, const guchar *data, gsize len, gsize *out_len,
                               GError **error);
guchar     *cd_keys_open_blob (CdKeys *keys, const char *aad, const guchar *data, gsize len, gsize *out_len,
                               GError **error);
/* TRUE when @data begins like a sealed blob of this format (magic and length), whatever the key. */
gboolean    cd_keys_is_sealed_blob (const guchar *data, gsize len);
/* The key id a sealed blob names (16 hex digits), or NULL. */
char       *cd_keys_blob_key_id (const guchar *data, gsize len);

/* A text value sealed as one printable string: "cd1.<key id>.<base64 of the blob>". */
char       *cd_keys_seal_text (CdKeys *keys, const char *aad, const char *text, GError **error);
char       *cd_keys_open_text (CdKeys *keys, const char *aad, const char *sealed, GError **error);
/* The same sealing with a synthetic nonce (HMAC of the associated data and the value under a key derived from the
 * data key) instead of a random one: equal values under equal @aad give equal text, which reveals equality (as a
 * blind index does) and nothing more. For records compared across counters (a customer, docs/store.md). */
char       *cd_keys_seal_text_deterministic (CdKeys *keys, const char *aad, const char *text, GError **error);
gboolean    cd_keys_is_sealed_text (const char *value);

/* A blind index: "bi1." + 32 hex digits of HMAC-SHA256(index key, @domain NUL @normalized). Equal values in one
 * domain give equal indexes (that is all it reveals, see docs/store.md); @normalized must already be in the
 * form searches compare (cd_ident_normalize, trimmed names). */
char       *cd_keys_blind_index (CdKeys *keys, const char *domain, const char *normalized);

/* A secret derived from the key set for one @purpose (HKDF-SHA256 over the blind-index key, which keys rotate
 * keeps), as 64 hex digits: the passphrase of the local CA's encrypted PKCS#8 key. */
char       *cd_keys_derive_secret (CdKeys *keys, const char *purpose);
/* The same from the machine's KEK: for what belongs to the counter's folder rather than to one database (the
 * local CA's key survives a database rebuilt or keys imported). */
char       *cd_kek_derive_secret (CdKek *kek, const char *purpose);
/* A whole key set derived from the machine's KEK for one @purpose (HKDF-SHA256; nothing random, nothing stored):
 * what the counter's folder seals outside the database — the local CA's ledger, the note of a certificate the
 * database could not record — opens wherever this KEK is, whatever happens to the database's key set. */
CdKeys     *cd_kek_derive_keys   (CdKek *kek, const char *purpose);

G_END_DECLS
