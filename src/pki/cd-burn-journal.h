/* cd-burn-journal.h: each burn step written before and after it runs, so that an interrupted burn is
 * resumed or rolled back at the next start. Details never hold a PIN. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-store.h"

G_BEGIN_DECLS

typedef enum {
  CD_BURN_STEP_INIT,
  CD_BURN_STEP_KEYGEN,
  CD_BURN_STEP_CSR,
  CD_BURN_STEP_ISSUE,
  CD_BURN_STEP_WRITE,
  CD_BURN_STEP_VERIFY,
  CD_BURN_N_STEPS
} CdBurnStep;

const char *cd_burn_step_code  (CdBurnStep step);   /* "init" … "verify" */
const char *cd_burn_step_label (CdBurnStep step);   /* for the progress bar */

/* What one attempt left behind, collected from its rows. */
typedef struct {
  gint64  application_id;
  gint64  attempt;
  char   *business;
  char   *token_serial;
  char   *last_step;
  char   *last_phase;     /* start done failed rolled-back */
  char   *cka_id;         /* hex, once keygen started */
  char   *cert_pem;       /* once issue is done */
  char   *issuer;
  char   *csr_pem;        /* the request the issue step's start row holds */
  gboolean confirmed;     /* a CA over CMP answered our positive certConf (a second issue done row) */
  gboolean finished;      /* verify done, or rolled back */
} CdBurnAttempt;

void cd_burn_attempt_free (CdBurnAttempt *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdBurnAttempt, cd_burn_attempt_free)

gint64   cd_burn_journal_next_attempt (CdStore *store, gint64 application_id, GError **error);

/* One row; commits on its own unless a transaction is open (the final row goes with the records). */
gboolean cd_burn_journal_add     (CdStore *store, gint64 application_id, gint64 attempt, const char *step,
                                  const char *phase, const char *token_serial, JsonNode *detail, GError **error);

/* The newest attempt of an application, NULL when it never burned. */
gboolean cd_burn_journal_last    (CdStore *store, gint64 application_id, CdBurnAttempt **out, GError **error);

/* Attempts that stopped midway (a crash, a pulled key): what the GUI shows at start. */
GPtrArray *cd_burn_journal_pending (CdStore *store, GError **error);

/* CKA_IDs of rolled-back attempts on the key @token_serial: leftovers to clean. */
GPtrArray *cd_burn_journal_leftover_ids (CdStore *store, const char *token_serial, GError **error);

/* Test-only (src/pki/README.md, "Crash hooks"): with CERTDESK_TEST_CRASH_AT=step:phase in the environment
 * the process SIGKILLs itself when it reaches that point, with CERTDESK_TEST_PAUSE_AT=step:phase it stops
 * itself (SIGSTOP) there until continued, and CERTDESK_TEST_CRASH_AFTER_MS=N kills it N ms after the first
 * point. Every journal row is a point (right after it is written); the burn and the CLI add a few more
 * ("slip:saved", "ca:signed" in the local CA, "issue:confirmed" (CMP), "record:done", "state:start", "slip:start",
 * "slip:done"). Read once; without them this does nothing. */
void cd_burn_test_point (const char *step, const char *phase);

G_END_DECLS
