/* cd-burn-slip.h: what is needed to print a random PIN's slip again, kept durable before the key's PIN is
 * set: the PIN encrypted (AES-256-GCM) under a key file outside the database (state_dir/pin-slip.key, 0600),
 * the ciphertext in the pin_slip table. Never the PIN in clear in the database or a log. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"
#include "cd-pin.h"

G_BEGIN_DECLS

/* Saves (replaces) the slip of @application_id, synced to disk (synchronous=FULL) before it returns. */
gboolean cd_burn_slip_save  (CdContext *ctx, gint64 application_id, const char *token_serial, const CdPin *pin,
                             GError **error);
/* The PIN of the stored slip; *out NULL (and TRUE) when there is none. */
gboolean cd_burn_slip_load  (CdContext *ctx, gint64 application_id, CdPin **out, GError **error);
/* Forgets the slips the applicants have: their application is closed or voided, or the slip is older than
 * CD_BURN_SLIP_KEEP_DAYS. */
gboolean cd_burn_slip_purge (CdContext *ctx, GError **error);

#define CD_BURN_SLIP_KEEP_DAYS 30

G_END_DECLS
