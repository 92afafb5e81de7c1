/* cd-burn-escrow.h: every key the CA initialises gets its own random SO PIN, escrowed before the key has it
 * (src/core/cd-so-escrow-store.h; the central copy: src/central/cd-central-escrow.c). The clerk types an SO
 * PIN only for a vendor key that arrives with one. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-burn-private.h"

G_BEGIN_DECLS

/* The random SO PIN's length (shorter when the key takes fewer): digits, which every key's SO PIN accepts. */
#define CD_BURN_SO_PIN_LENGTH 16

/* The SO PIN the inserted key has now, in this order: this counter's escrow (a pending row is tried first:
 * confirmed if the key takes it, dropped if it refuses it); with @allow_release (unlock), the central escrow
 * through opts->so_pin_release; the typed SO PIN; the demo token's. *out_escrowed: it came from an escrow
 * (nobody typed it). *out_so NULL (and TRUE) when there is none: the caller's login says that it is needed. */
gboolean cd_burn_escrow_current (CdBurn *b, gboolean allow_release, CdPin **out_so, gboolean *out_escrowed,
                                 GError **error);

/* After C_InitToken presented @current_so (the vendor's, the demo's or this CA's earlier one): a random SO PIN
 * is escrowed (pending, synced), set on the key (C_SetPIN as SO), then confirmed; the key is logged in again
 * with @user_pin. A kill at any point leaves the key with an SO PIN the escrow or the clerk holds. */
gboolean cd_burn_escrow_rotate  (CdBurn *b, const CdPin *current_so, const CdPin *user_pin, GError **error);

/* The escrow key file: state_dir/so-pin-escrow.key (0600, never in the database). */
char    *cd_burn_escrow_key_path (CdContext *ctx);

G_END_DECLS
