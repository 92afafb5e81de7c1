/* cd-burn.h: the businesses that touch the USB key, as one journaled pipeline per application:
 * init → keygen → CSR → issue → write → verify, resumed or rolled back after a crash or a pulled key.
 * new, renew, replace and change produce a certificate; unlock, revoke, suspend and app-open do not. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cd-context.h"
#include "cd-issuer.h"
#include "cd-pin.h"
#include "cd-token.h"

G_BEGIN_DECLS

typedef struct {
  gint64          application_id;
  char           *module_path;     /* NULL: the setting, else the DEMO token */
  char           *token_serial;    /* which key; all NULL/-1: the only one inserted */
  char           *token_label;
  gint64          slot_id;
  CdPin          *user_pin;        /* the key's PIN (renew, change); new keys get the profile's */
  CdPin          *so_pin;          /* initialise, unlock */
  CdIssuer       *issuer;          /* NULL: the local CA */
  gboolean        confirm_erase;   /* the clerk saw cd_token_describe() and agreed to erase */
  gboolean        advance_state;   /* printed → issued when done (accept, the GUI); FALSE: `burn` alone */
  CdRevokeReason  reason;          /* revoke */
  char           *old_token_state; /* replace: "lost" (default) or "damaged" */
  /* Unlock of a key whose SO PIN this counter does not hold: asks the central escrow with the supervisor's
   * approval the caller collected (src/central/cd-central-escrow.c). Returns the SO PIN, or NULL without an
   * error when the centre holds none (a vendor key: the typed so_pin). Copied as a pointer: the data must
   * outlive the burn. */
  CdPin        *(*so_pin_release) (const char *token_serial, gpointer data, GError **error);
  gpointer        so_pin_release_data;
} CdBurnOptions;

CdBurnOptions *cd_burn_options_new  (gint64 application_id);
CdBurnOptions *cd_burn_options_copy (const CdBurnOptions *opts);
void           cd_burn_options_free (CdBurnOptions *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdBurnOptions, cd_burn_options_free)

typedef struct {
  char     *business;
  gint64    attempt;
  gboolean  resumed;              /* an interrupted attempt was completed */
  guint     leftovers_removed;    /* orphan key pairs of failed attempts */
  char     *certificate_serial;   /* NULL for unlock, app-open */
  char     *subject;
  char     *not_before;
  char     *not_after;
  char     *issuer;
  char     *token_serial;
  char     *token_label;
  gboolean  token_is_demo;
  CdPin    *pin_slip;             /* the new PIN when the profile's policy is random: print, then free */
  char     *warning;              /* done, but something needs a follow-up (one sentence) */
  gint64    keygen_us;            /* the key's own key generation (C_GenerateKeyPair alone); 0: none in this run */
} CdBurnResult;

void cd_burn_result_free (CdBurnResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdBurnResult, cd_burn_result_free)

/* @step: "init" … "verify" (or "unlock", "revoke" …), @label: the sentence for the progress bar. */
typedef void (*CdBurnProgressFunc) (const char *step, const char *label, double fraction, gpointer user_data);

/* Runs the application's business on the key, in the calling thread (a worker: it blocks on the key and
 * the issuer). Cancellable until the key pair generation starts. */
CdBurnResult *cd_burn_run        (CdContext *ctx, const CdBurnOptions *opts, CdBurnProgressFunc progress,
                                  gpointer progress_data, GCancellable *cancellable, GError **error);

/* The same on a GTask thread; @progress is called in the caller's thread-default main context, coalesced
 * (at most one pending update). */
void          cd_burn_run_async  (CdContext *ctx, const CdBurnOptions *opts, CdBurnProgressFunc progress,
                                  gpointer progress_data, GDestroyNotify progress_destroy, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
CdBurnResult *cd_burn_run_finish (GAsyncResult *result, GError **error);

/* Revokes (or, with CD_REVOKE_HOLD, suspends) a recorded certificate at its issuer and in the records;
 * the key holding it is retired (or suspended). The CLI's `revoke` and the revoke/suspend businesses. */
gboolean      cd_burn_revoke_certificate (CdContext *ctx, CdIssuer *issuer, const char *serial,
                                          CdRevokeReason reason, GError **error);

/* The embedded local CA (created under state_dir/ca at first use). */
CdIssuer     *cd_burn_default_issuer (CdContext *ctx, GError **error);

/* The outcome as JSON for the CLI (no PIN in it, ever). */
JsonNode     *cd_burn_result_to_json (const CdBurnResult *result);

G_END_DECLS
