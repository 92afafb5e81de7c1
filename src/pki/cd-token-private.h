/* cd-token-private.h: the open key, shared by the listing and the operations files. */
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
