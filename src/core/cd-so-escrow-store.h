/* cd-so-escrow-store.h: the SO PIN of every key the CA initialised, kept on the counter (issue 16 item 5):
 * encrypted with AES-256-GCM under a key file outside the database (its path in the setting
 * so_escrow.key_file, the file 0600), bound to the key's serial, in table so_pin_escrow. A row is written
 * "pending" before the key's SO PIN is changed to it and confirmed ("set") once the key has it, so a crash at
 * any point leaves the key with an SO PIN someone holds (docs/central.md, "SO-PIN escrow"). Never in the
 * sync outbox: the central copy goes through certdesk.escrow_so_pin (src/central/cd-central-escrow.c). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64    id;
  char     *serial;
  gboolean  pending;   /* written before C_SetPIN: the key may or may not hold it */
  char     *so_pin;    /* in clear, wiped when freed */
  char     *created_at;
} CdSoEscrow;

void cd_so_escrow_free (CdSoEscrow *escrow);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdSoEscrow, cd_so_escrow_free)

/* Stores @so_pin for the key @serial as pending, synced to disk (synchronous=FULL) before it returns.
 * @key_path: the key file (made on first use). */
gboolean   cd_so_escrow_save       (CdStore *store, const char *key_path, const char *serial, const char *so_pin,
                                    gint64 *out_id, GError **error);
/* The key holds escrow @id's SO PIN now: it is "set" and the key's older rows are forgotten. */
gboolean   cd_so_escrow_confirm    (CdStore *store, gint64 id, GError **error);
/* The key never got escrow @id's SO PIN (it refused it at login): the row goes. */
gboolean   cd_so_escrow_discard    (CdStore *store, gint64 id, GError **error);
/* The key's rows, newest first (a pending one before the set one it would replace), decrypted. An empty array
 * when the counter holds none; NULL with @error when one cannot be opened. */
GPtrArray *cd_so_escrow_lookup     (CdStore *store, const char *serial, GError **error);
/* Set rows not yet given to the central database (any serial), decrypted; for sync. */
GPtrArray *cd_so_escrow_unsent     (CdStore *store, GError **error);
gboolean   cd_so_escrow_mark_sent  (CdStore *store, gint64 id, GError **error);
/* When the key got escrow @id's SO PIN (set_at, else created_at; ISO UTC), or NULL when unknown. */
char      *cd_so_escrow_dup_set_at (CdStore *store, gint64 id);

G_END_DECLS
