/* cd-preflight.h: the one pre-flight of an application. It evaluates, before money is taken or a key is
 * touched, every rule that a later step would enforce, and says for each fault which wizard step and which
 * field can fix it.
 *
 * Who calls it:
 *   - the wizard: on each step, cd_preflight_run (ctx, app, id, <the step shown>, &faults, &error) and show
 *     the faults whose ->step is the step shown (Next disabled with the first error's message, the field at
 *     ->path marked). Faults of earlier steps mean the clerk must go back; warnings never disable Next.
 *   - `certdesk-cli application check` (up to CD_PREFLIGHT_SEALS: everything entered before the fee step) and
 *     `pay` (up to CD_PREFLIGHT_FEE, with the payment being recorded): refuse on an error (exit 1, one line
 *     "$.unit.name: …" on stderr, {"id","faults":[…]} on stdout); warnings are listed and do not refuse;
 *     `import` lists the draft's faults without refusing.
 *   - cd_application_store_pay (up to CD_PREFLIGHT_FEE, with the payment): refuses with CD_PREFLIGHT_ERROR; the
 *     day lock there stays the store guard's CD_STATE_ERROR_DAY_SIGNED (answered with an adjustment).
 *   - cd_burn_run (up to CD_PREFLIGHT_BURN), before the key is touched: an error refuses the burn
 *     (CD_PKI_ERROR_REFUSED). A signed-off day ("day-lock") needs the supervisor's adjustment on the context
 *     for the whole burn (cd_context_set_adjustment, or cd_report_signoff_adjust around a synchronous run;
 *     `certdesk-cli burn --supervisor NAME --reason TEXT`).
 *
 * @up_to is the step the clerk has reached: the rules whose fields are entered on that step or earlier are
 * evaluated, including every rule a LATER step enforces on them (a unit name too long for the certificate's
 * CN is an applicant-step fault; a renewal outside its window is a business-step fault). Rules about fields
 * of later steps (the payment, the invoice) are skipped until @up_to reaches that step, so an unpaid draft is
 * not reported as unpaid.
 *
 * Faults are data, not failures: cd_preflight_run returns FALSE (with @error) only when the rules cannot be
 * evaluated (the database cannot be read, the profile is unknown). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-application.h"
#include "cd-context.h"

G_BEGIN_DECLS

#define CD_PREFLIGHT_ERROR (cd_preflight_error_quark ())

/* Cash received more than this above the fee is a mistyped amount (100000 for 100), not change a counter hands
 * out: refused with the change named, so the cashier checks the amount. */
#define CD_CASH_MAX_CHANGE_FEN ((gint64) 1000 * 100)
GQuark cd_preflight_error_quark (void);

typedef enum {
  CD_PREFLIGHT_ERROR_REFUSED,   /* cd_preflight_check: an error fault; the message is "$.path: sentence" */
} CdPreflightError;

/* The wizard's steps, in order: both the step a fault is fixed on and how far the clerk has come. */
typedef enum {
  CD_PREFLIGHT_BUSINESS,
  CD_PREFLIGHT_APPLICANT,
  CD_PREFLIGHT_MATERIALS,
  CD_PREFLIGHT_SEALS,
  CD_PREFLIGHT_FEE,
  CD_PREFLIGHT_PRINT,
  CD_PREFLIGHT_BURN,
  CD_PREFLIGHT_N_STEPS
} CdPreflightStep;

typedef CdPreflightStep CdPreflightStage;

typedef enum {
  CD_PREFLIGHT_FAULT_ERROR,     /* the step that enforces it would refuse */
  CD_PREFLIGHT_FAULT_WARNING,   /* worth a look; never refuses */
} CdPreflightSeverity;

typedef struct {
  CdPreflightStep     step;       /* the step where the clerk can fix it */
  CdPreflightSeverity severity;
  char               *rule;       /* stable rule name, never shown: "price", "subject", "certificate",
                                   * "day-lock", "invoice", "payment", "applicant", "materials",
                                   * "signed-scans", "identifier" (validation), "business" */
  char               *path;       /* the field's JSON path: "$.unit.name", "$.existing_certificate.serial" */
  char               *message;    /* translated: which field, what is wrong, what is expected */
} CdPreflightFault;

void cd_preflight_fault_free (CdPreflightFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPreflightFault, cd_preflight_fault_free)

/* Evaluates @app (stored as @application_id, or 0 for an unsaved draft) up to the step @up_to; *out_faults
 * receives the faults (CdPreflightFault, owned), errors first, each in the order of the steps. The day lock
 * needs @application_id (or today's lock for a draft) and is reported at the fee and burn stages with rule
 * "day-lock": the GUI then offers the supervisor's approval (cd_report_signoff_adjust). */
gboolean          cd_preflight_run          (CdContext *ctx, const CdApplication *app, gint64 application_id,
                                             CdPreflightStage up_to, GPtrArray **out_faults, GError **error);

/* The same as one GError for callers that only refuse: FALSE with CD_PREFLIGHT_ERROR_REFUSED and the first
 * error fault as "$.path: message" (or the evaluation's own error). Warnings are ignored. */
gboolean          cd_preflight_check        (CdContext *ctx, const CdApplication *app, gint64 application_id,
                                             CdPreflightStage up_to, GError **error);

/* The first error fault of @faults (optionally only those of @step; CD_PREFLIGHT_N_STEPS = any), or NULL. */
const CdPreflightFault *cd_preflight_first_error (GPtrArray *faults, CdPreflightStep step);
gboolean          cd_preflight_has_errors   (GPtrArray *faults);

/* [{"step":"applicant","severity":"error","rule":"subject","path":"$.unit.name","message":"…"}] */
JsonNode         *cd_preflight_faults_to_json (GPtrArray *faults);

/* One certificate issued at this counter to the applicant, for the business step's customer lookup: it fills
 * $.existing_certificate.serial and, when there are several, shows the list to choose from. */
typedef struct {
  char *serial;      /* upper-case hex, as in the certificate table */
  char *state;       /* "issued", "suspended", "revoked" */
  char *not_after;   /* ISO 8601 UTC */
  char *problem;     /* translated: why @app's business cannot use it (the pre-flight's sentence), NULL if it can */
  char *outlet;      /* NULL: issued at this counter; else the name of the outlet that issued it (pulled by sync,
                      * cd-central-copy.h) */
} CdPreflightCertificate;

void       cd_preflight_certificate_free  (CdPreflightCertificate *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPreflightCertificate, cd_preflight_certificate_free)

/* The certificates of @app's applicant (the returning customer of the same USCC or ID number), newest first,
 * each judged for @app's business and the store's clock; empty when the applicant is not entered or new. This
 * counter's own first, then those other outlets issued (as last pulled by sync; ->outlet names the outlet). */
GPtrArray *cd_preflight_list_certificates (CdContext *ctx, const CdApplication *app, GError **error);

/* The printed forms' own check (src/forms: cd_forms_font_missing_chars): the first character of @text no
 * embedded font covers, or 0. The core does not link the forms, so the GUI and the CLI install it at start;
 * with it, a name with a character that cannot be printed is an applicant-step fault (rule "text") before
 * anything is printed or paid. Without it only the text rules of cd-input.h apply. */
typedef gunichar (*CdPreflightGlyphCheck) (const char *text);
void              cd_preflight_set_glyph_check (CdPreflightGlyphCheck check);

/* "business", "applicant", "materials", "seals", "fee", "print", "burn" (the wizard's step names). */
const char       *cd_preflight_step_to_code  (CdPreflightStep step);
gboolean          cd_preflight_step_from_code (const char *code, CdPreflightStep *out);

G_END_DECLS
