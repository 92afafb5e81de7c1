/* cd-token.h: the inserted USB keys: listing them, choosing one, and the operations on it (libp11, with
 * the module's own functions where libp11 0.4.12 falls short). A CdToken is used by one worker at a time. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cd-pin.h"
#include "cd-token-module.h"

G_BEGIN_DECLS

typedef struct {
  gulong   slot_id;        /* valid in this process only (SoftHSM2 renumbers): never store it */
  char    *serial;         /* "" while the key is not initialised */
  char    *label;
  char    *manufacturer;
  char    *model;
  gboolean initialized;
  gboolean user_pin_set;
  gboolean pin_count_low;
  gboolean pin_final_try;
  gboolean pin_locked;
  gboolean so_pin_locked;
  gboolean is_demo;        /* a software token (SoftHSM2): shown with a DEMO badge */
} CdTokenInfo;

void         cd_token_info_free (CdTokenInfo *info);
CdTokenInfo *cd_token_info_copy (const CdTokenInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTokenInfo, cd_token_info_free)

/* The keys inserted now (slots with a token). */
GPtrArray   *cd_token_list      (CdTokenModule *module, GError **error);

/* How the clerk (or --token-label/--slot) picks a key; all NULL/-1: the only one inserted. */
typedef struct {
  const char *serial;
  const char *label;
  gint64      slot_id;   /* -1: any */
} CdTokenSelector;

#define CD_TOKEN_SELECTOR_ANY ((CdTokenSelector) { NULL, NULL, -1 })

typedef struct _CdToken CdToken;

CdToken           *cd_token_open        (CdTokenModule *module, const CdTokenSelector *selector, GError **error);
void               cd_token_free        (CdToken *self);
const CdTokenInfo *cd_token_get_info    (CdToken *self);
CdTokenModule     *cd_token_get_module  (CdToken *self);
/* Re-enumerates (libp11's slot list is released, never updated in place) and finds the key again by its
 * serial; logs in again with the PIN last used. */
gboolean           cd_token_reload      (CdToken *self, GError **error);
/* TRUE when the key is still inserted (a cheap check between steps). */
gboolean           cd_token_is_present  (CdToken *self);

/* Logs out whoever is logged in, then logs in as the user (@so FALSE) or the security officer. A wrong PIN
 * gives CD_PKI_ERROR_PIN_INCORRECT whose message says how many tries are left as far as the key tells. */
gboolean  cd_token_login           (CdToken *self, gboolean so, const CdPin *pin, GError **error);
void      cd_token_logout          (CdToken *self);

/* Erases the key and sets the SO PIN, the label and the user PIN. */
gboolean  cd_token_initialize      (CdToken *self, const CdPin *so_pin, const char *label, const CdPin *user_pin,
                                    GError **error);
/* The same for a key whose SO PIN this counter set: the objects destroyed as the user after the SO set the new
 * user PIN, the SO PIN kept (C_InitToken only for a new label; why: cd-token-ops.c). */
gboolean  cd_token_reinitialize    (CdToken *self, const CdPin *so_pin, const char *label, const CdPin *user_pin,
                                    GError **error);
/* PIN unlock: SO login, new user PIN; the retry counter is reset by the key. */
gboolean  cd_token_unlock_pin      (CdToken *self, const CdPin *so_pin, const CdPin *new_pin, GError **error);
/* Logs in as SO with @old_so_pin and changes the key's SO PIN to @new_so_pin (C_SetPIN); logged out after. */
gboolean  cd_token_change_so_pin   (CdToken *self, const CdPin *old_so_pin, const CdPin *new_so_pin, GError **error);

/* What the key holds, one line per object, for the erase confirmation. */
GPtrArray *cd_token_describe       (CdToken *self, GError **error);

/* A new key pair on the key (C_GenerateKeyPair): "rsa-2048", "rsa-3072" or "ec-p256". */
gboolean  cd_token_generate_key    (CdToken *self, const char *algorithm, const guchar *id, gsize id_len,
                                    const char *label, GError **error);
/* How long the key itself took for the last key generation (the C_GenerateKeyPair call alone), in µs. */
gint64    cd_token_get_keygen_us   (CdToken *self);
/* The key pair with CKA_ID @id: the private key as an EVP_PKEY that signs on the key, and the public key. */
gboolean  cd_token_get_keypair     (CdToken *self, const guchar *id, gsize id_len, EVP_PKEY **out_private,
                                    EVP_PKEY **out_public, GError **error);
gboolean  cd_token_has_key         (CdToken *self, const guchar *id, gsize id_len);
gboolean  cd_token_write_cert      (CdToken *self, X509 *cert, const char *label, const guchar *id, gsize id_len,
                                    GError **error);
/* The certificate stored under @id, or NULL (without error) when there is none. */
X509     *cd_token_read_cert       (CdToken *self, const guchar *id, gsize id_len, GError **error);
/* All certificates of the key with their CKA_IDs (GBytes). */
gboolean  cd_token_read_certs      (CdToken *self, GPtrArray **out_certs, GPtrArray **out_ids, GError **error);
/* A public data object (CKA_TOKEN true, CKA_PRIVATE false) with @application, @label and @value. */
gboolean  cd_token_write_data      (CdToken *self, const char *application, const char *label, GBytes *value,
                                    GError **error);
/* Destroys the data objects of @application labelled @label: all of them when @value is NULL, else those
 * whose value is @value (@others FALSE) or is not (@others TRUE). */
gboolean  cd_token_delete_data     (CdToken *self, const char *application, const char *label, GBytes *value,
                                    gboolean others, GError **error);

/* The seal image's data object (issue 4): CKA_APPLICATION, and a CKA_LABEL naming the key pair's CKA_ID,
 * which ties it to the key pair: PKCS#11 gives data objects no CKA_ID (SoftHSM2 refuses one). */
#define CD_TOKEN_SEAL_APPLICATION "CertDesk seal"
char     *cd_token_seal_label      (const guchar *id, gsize id_len);
/* Destroys the certificate object whose value is @cert (another certificate with the same CKA_ID stays). */
gboolean  cd_token_delete_cert      (CdToken *self, X509 *cert, GError **error);
/* Destroys the key pair and certificate objects carrying @id, and its seal image (cd_token_seal_label). */
gboolean  cd_token_delete_id       (CdToken *self, const guchar *id, gsize id_len, GError **error);
/* Key pairs without a certificate and not @keep_id: leftovers of failed attempts. Returns how many went. */
gboolean  cd_token_remove_orphans  (CdToken *self, const guchar *keep_id, gsize keep_len, guint *out_removed,
                                    GError **error);
/* A sign/verify round trip with the key pair @id. */
gboolean  cd_token_sign_check      (CdToken *self, const guchar *id, gsize id_len, GError **error);
/* The same with a key pair already read from the key (cd_token_get_keypair). */
gboolean  cd_token_sign_check_keys (EVP_PKEY *priv, EVP_PKEY *pub, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdToken, cd_token_free)

/* cd-token-public.c: what anyone reads on the key without its PIN (a read-only session, no login), before
 * anything is erased; a customer's key from another counter shows its holder this way. */
typedef struct {
  GPtrArray *certs;          /* X509, every certificate object */
  GPtrArray *ids;            /* GBytes, their CKA_IDs (empty when none) */
  guint      n_end_entity;   /* certificates that are not CA certificates: someone's */
  guint      n_public_keys;
  GPtrArray *data_labels;    /* char*, the data objects' labels */
} CdTokenPublic;

void      cd_token_public_free       (CdTokenPublic *pub);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTokenPublic, cd_token_public_free)
gboolean  cd_token_read_public       (CdToken *self, CdTokenPublic **out, GError **error);
gboolean  cd_token_public_is_empty   (const CdTokenPublic *pub);
/* The holders and what else is there, one line for the erase confirmation ("the certificate of 张三, 某公司
 * (serial 1A2B…, valid until 2027-12-06); 1 key pair"); NULL when the key holds nothing public. */
char     *cd_token_public_describe   (const CdTokenPublic *pub);
/* The certificates on the key, read without login, with their CKA_IDs (the resume compares them with the
 * application's own certificate). An uninitialised key gives empty arrays. */
gboolean  cd_token_list_public_certs (CdToken *self, GPtrArray **out_certs, GPtrArray **out_ids, GError **error);
/* "the certificate of CN, O (serial …, valid until YYYY-MM-DD)", in readable UTF-8. */
char     *cd_token_cert_holder       (X509 *cert);
gboolean  cd_token_cert_is_ca        (X509 *cert);
/* Whether the key can generate and sign with @algorithm ("ec-p256", "rsa-2048", "rsa-3072"), from its
 * mechanism list (C_GetMechanismList/C_GetMechanismInfo: key pair generation with the key size, and the
 * signature). FALSE with one sentence naming the key and what it cannot do. */
gboolean  cd_token_check_algorithm   (CdToken *self, const char *algorithm, GError **error);
/* @rv as a sentence; any failure of a key that is no longer there says "removed" with its label. */
void      cd_token_set_rv_error      (CdToken *self, GError **error, unsigned long rv, const char *doing);

/* Maps the last libp11 failure (its CKR code in the OpenSSL error queue) to a clerk's sentence. */
void      cd_token_set_p11_error   (GError **error, const char *doing);

G_END_DECLS
