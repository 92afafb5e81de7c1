/* cd-token-private.h: the open key and our own PKCS#11 sessions on it, shared by the listing and the operations
 * files. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-token.h"

struct _CdToken {
  CdTokenModule *module;
  PKCS11_SLOT   *slots;
  unsigned int   n_slots;
  PKCS11_SLOT   *slot;
  CdTokenInfo   *info;
  CdPin         *pin;        /* the last PIN that logged in, to log in again after a reload */
  gboolean       pin_is_so;
  gint64         keygen_us;  /* the last C_GenerateKeyPair alone, in µs */
};

CdTokenInfo *cd_token_info_from_slot (CdTokenModule *module, PKCS11_SLOT *slot);
/* Fresh flags straight from C_GetTokenInfo (libp11 keeps the ones read at enumeration). */
gboolean     cd_token_refresh_flags  (CdToken *self, GError **error);

/* The value of one attribute of @obj through a session of our own (two C_GetAttributeValue calls: the size,
 * then the value), or NULL when the key does not give it. */
GBytes      *cd_token_attr_bytes     (CK_FUNCTION_LIST *f, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE obj,
                                      CK_ATTRIBUTE_TYPE type);

/* A session of our own on the key, for calls libp11 does not offer; the login is shared across sessions
 * (cd-token-session.c). */
typedef struct {
  CK_FUNCTION_LIST *f;
  CK_SESSION_HANDLE h;
  CdToken          *t;   /* for the sentence: a key that went away says "removed" */
} CdTokenSession;

void         cd_token_raw_close      (CdTokenSession *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CdTokenSession, cd_token_raw_close)
gboolean     cd_token_raw_open       (CdToken *self, CdTokenSession *s, const char *doing, GError **error);
/* All objects matching @tmpl (up to 64). */
gboolean     cd_token_raw_find       (CdTokenSession *s, CK_ATTRIBUTE *tmpl, CK_ULONG n, GArray **out,
                                      const char *doing, GError **error);
GBytes      *cd_token_raw_get_bytes  (CdTokenSession *s, CK_OBJECT_HANDLE obj, CK_ATTRIBUTE_TYPE type);
/* The last libp11 failure as a sentence; a key that went away says "removed" with its label. */
void         cd_token_p11_error      (CdToken *self, GError **error, const char *doing);
