/* cd-keys-private.h: what the key set (cd-keys.c) and the key-encryption key (cd-kek.c) share. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-keys.h"

G_BEGIN_DECLS

#define KEY_LEN    CD_KEYS_KEY_LEN
#define ID_LEN     8
#define NONCE_LEN  12
#define TAG_LEN    16
#define BLOB_MAGIC 0x01
#define BLOB_HEAD  (1 + ID_LEN + NONCE_LEN)
#define SALT_LEN   16
#define PBKDF2_ROUNDS 600000

struct _CdKek {
  guchar key[KEY_LEN];
  char   id[ID_LEN * 2 + 1];
  char  *where;
};

/* Lower-case hex of @len bytes. */
char *cd_keys_hex (const guchar *data, gsize len);

G_END_DECLS
