/* cd-keygen-ahead.h: the key pair generated on the USB key ahead of the burn. When a blank key is inserted
 * for a new application and the applicant is settled, the key is initialised and its key pair generated
 * (with the issuer's chain written) in the background, journaled as the first steps of the application's
 * next burn attempt; the burn then finds that attempt open on the same key and only signs, issues, writes
 * and verifies. Without it (another key, a restarted counter, a failure) the burn generates as before. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-burn.h"

G_BEGIN_DECLS

typedef struct {
  gboolean  generated;      /* the key waits, initialised, with its key pair */
  char     *skipped;        /* not generated: why, in one sentence (not an error: the burn does it all) */
  char     *token_serial;
  char     *token_label;
  gboolean  token_is_demo;
  char     *cka_id;         /* hex, as the burn journal records it */
  gint64    attempt;        /* the burn attempt it opened */
  CdPin    *pin;            /* the PIN the key was given: hand it to the burn as CdBurnOptions.user_pin (a
                             * random PIN then comes back on the result's PIN slip); wiped when freed */
  double    seconds;        /* how long the key took */
} CdKeygenAhead;

void           cd_keygen_ahead_free   (CdKeygenAhead *ahead);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdKeygenAhead, cd_keygen_ahead_free)

/* In the calling thread (a worker). @opts: the application and the key as for the burn (the SO PIN of a
 * real key; a DEMO key needs none). Cancellable until the key is initialised. Errors are those of the
 * burn's init and keygen steps, rolled back in the journal the same way; the wrong customer's key is
 * CD_PKI_ERROR_WRONG_TOKEN. */
CdKeygenAhead *cd_keygen_ahead_run    (CdContext *ctx, const CdBurnOptions *opts, GCancellable *cancellable,
                                       GError **error);

/* The same on a GTask thread with a database connection of its own (cd_context_new_worker_unconnected()). */
void           cd_keygen_ahead_async  (CdContext *ctx, const CdBurnOptions *opts, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
CdKeygenAhead *cd_keygen_ahead_finish (GAsyncResult *result, GError **error);

G_END_DECLS
