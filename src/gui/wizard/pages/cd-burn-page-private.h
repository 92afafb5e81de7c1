/* cd-burn-page-private.h: the burn page's state, shared by its files (cd-burn-page.c: the view and the burn;
 * cd-burn-page-ahead.c: the key pair generated ahead; cd-burn-page-confirm.c: the erase confirmation and the
 * supervisor's approvals; cd-burn-page-key.c: the inserted key; cd-burn-page-cmp.c: the issuer's secret;
 * cd-burn-page-outcome.c: the outcome and the PIN slip). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-burn-page.h"
#include "cd-burn.h"
#include "cd-keygen-ahead.h"
#include "cd-page-common.h"
#include "cd-token-watch.h"

G_BEGIN_DECLS

struct _CdBurnPage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  GtkLabel        *key_title;
  GtkLabel        *demo_badge;
  GtkLabel        *key_details;
  GtkLabel        *key_pin;
  GtkLabel        *key_note;
  GtkLabel        *owner_warning;
  GtkWidget       *erase_box;
  GtkLabel        *erase_label;
  GtkWidget       *pin_box;
  GtkLabel        *pin_caption;
  GtkEntry        *pin_entry;
  GtkLabel        *pin_hint;
  GtkLabel        *so_note;         /* the SO PIN is kept by this counter's escrow: nothing to type */
  GtkWidget       *cmp_box;
  GtkLabel        *cmp_caption;
  GtkEntry        *cmp_entry;
  GtkWidget       *burn_button;
  GtkWidget       *retry_button;
  GtkWidget       *cancel_button;
  GtkProgressBar  *progress;
  GtkLabel        *error_label;
  GtkWidget       *outcome_box;
  GtkLabel        *outcome_title;
  GtkGrid         *outcome_grid;
  GtkLabel        *warning_label;
  GtkWidget       *slip_box;
  GtkWidget       *print_slip_button;
  GtkToggleButton *show_pin_button;
  GtkLabel        *pin_label;

  GCancellable    *life;            /* cancelled when the page goes */
  CdTokenModule   *module;
  gboolean         module_loading;
  char            *module_error;
  CdTokenWatch    *watch;
  GtkStack        *stack;           /* the wizard's page stack: which step the clerk is on */

  /* The inserted key. */
  GCancellable    *inspect_cancel;  /* non-NULL while it is looked at */
  gboolean         inspect_again;
  CdTokenInfo     *key;
  GPtrArray       *contents;        /* what is on it (cd_token_describe) */
  char            *key_error;       /* none inserted, several … */
  char            *owner_text;      /* another customer's key */
  gboolean         needs_erase;
  char            *erase_serial;    /* the key whose erase the clerk confirmed in the dialog */
  gint64           adjust_supervisor; /* a signed-off day: the supervisor who approved this burn, or 0 */
  char            *adjust_reason;
  gint64           adjust_application;
  GtkWidget       *adjust_dialog;
  GtkWidget       *erase_dialog;    /* the confirmation being asked */
  gboolean         so_escrowed;     /* this counter's escrow holds the inserted key's SO PIN */
  gboolean         joined;          /* a counter joined to the central database (its escrow releases SO PINs) */

  /* An unlock of a key no escrow here holds: a supervisor's approval of the central release (login, reason). */
  char            *unlock_supervisor;
  char            *unlock_reason;
  gint64           unlock_application;
  char            *unlock_serial;
  GtkWidget       *unlock_dialog;
  gpointer         release;         /* the running burn's hook data (cd-burn-page.c), freed with the page */

  /* The key pair generated ahead. */
  GCancellable    *ahead_cancel;    /* non-NULL while it runs */
  CdKeygenAhead   *ahead;
  gint64           ahead_app;
  GHashTable      *ahead_tried;     /* "application:key serial" */

  /* The burn. */
  GCancellable    *burn_cancel;     /* non-NULL while it runs */
  gboolean         burn_pending;    /* waits for the key pair being generated ahead */
  char            *step;
  char            *error_text;
  CdBurnResult    *result;
  CdPin           *slip_pin;
  GBytes          *slip_pdf;
  GCancellable    *slip_cancel;
  GSettings       *settings;
  int              cmp_need;        /* CdCmpNeed: what the configured CMP issuer asks of the clerk */
  CdIssuer        *issuer;          /* of the burn running or last run */
  gint64           shown_app;       /* the application the page shows (a reload keeps what it shows) */
  gboolean         prepare_asked;   /* cd_burn_page_prepare_key() outside a wizard */
};

/* What the configured issuer needs from the clerk before a burn: nothing, the CA's CMP shared secret (PBM),
 * or the passphrase of the encrypted RA key. Asked on the page, remembered in memory for the clerk's
 * session (cd-burn-page-cmp.c). */
typedef enum {
  CD_CMP_NEED_NONE,
  CD_CMP_NEED_SECRET,
  CD_CMP_NEED_RA_PASS,
} CdCmpNeed;

/* cd-burn-page-cmp.c */
void      cd_burn_page_cmp_refresh    (CdBurnPage *self);
/* The issuer the settings choose, with the secret remembered or typed; NULL with @error. */
CdIssuer *cd_burn_page_cmp_issuer     (CdBurnPage *self, GError **error);
/* The remembered secret (NULL: the clerk has to type it). */
gboolean  cd_burn_page_cmp_has_secret (CdBurnPage *self);
/* After a failed burn: a refused secret is forgotten so the clerk types it again. */
void      cd_burn_page_cmp_failed     (CdBurnPage *self, const GError *error);

/* cd-burn-page.c */
void                 cd_burn_page_update_view       (CdBurnPage *self);
gboolean             cd_burn_page_initialises       (CdBurnPage *self);   /* new, replace */
gboolean             cd_burn_page_is_burning        (CdBurnPage *self);
/* An unlock that takes the key's SO PIN from the central escrow when the field is left empty (joined counter,
 * no copy in this counter's escrow). */
gboolean             cd_burn_page_offers_release    (CdBurnPage *self);
/* Starts the burn, or first asks for what it waits on (cd-burn-page-confirm.c, cd-burn-page-ahead.c). */
void                 cd_burn_page_start_burn        (CdBurnPage *self);

/* cd-burn-page-ahead.c */
/* The key pair generated ahead for this application, still waiting on the inserted key, or NULL. */
const CdKeygenAhead *cd_burn_page_usable_ahead      (CdBurnPage *self);
void                 cd_burn_page_maybe_start_ahead (CdBurnPage *self);

/* cd-burn-page-confirm.c: the erase confirmation and the supervisor's approvals; each dialog, once answered,
 * starts the burn again. */
void     cd_burn_page_ask_erase           (CdBurnPage *self);
/* The clerk confirmed the erase of the key inserted now. */
gboolean cd_burn_page_erase_confirmed     (CdBurnPage *self);
/* The pre-flight's day-lock fault of this application at the burn (owned), or NULL. */
char    *cd_burn_page_day_lock_refusal    (CdBurnPage *self);
gboolean cd_burn_page_adjust_approved     (CdBurnPage *self);
void     cd_burn_page_ask_adjustment      (CdBurnPage *self, const char *refusal);
gboolean cd_burn_page_unlock_approved     (CdBurnPage *self);
void     cd_burn_page_ask_unlock_approval (CdBurnPage *self);

/* The burn's hook (CdBurnOptions.so_pin_release), run on the burn's worker with the worker's own database
 * connection: the supervisor's password was checked by the approval dialog, the central database checks that
 * they supervise this outlet and audits the release (the same as `certdesk-cli burn --unlock-supervisor`). */
typedef struct {
  CdContext *worker;
  char      *supervisor;
  char      *reason;
} UnlockRelease;

void     cd_burn_page_unlock_release_free (gpointer data);
#ifdef CD_GUI_HAVE_CENTRAL
CdPin   *cd_burn_page_release_so_pin      (const char *token_serial, gpointer data, GError **error);
#endif

/* cd-burn-page-key.c: the module loaded, watched, and the inserted key looked at. */
void cd_burn_page_ensure_module (CdBurnPage *self);
void cd_burn_page_inspect       (CdBurnPage *self);

/* cd-burn-page-outcome.c: what was issued (from the burn, or the record of a reopened application), and the
 * PIN slip of a random PIN rendered by the forms module, in memory only. */
void cd_burn_page_show_outcome  (CdBurnPage *self);
void cd_burn_page_render_slip   (CdBurnPage *self);
void on_show_pin_toggled_cb     (CdBurnPage *self);
void on_print_slip_clicked_cb   (CdBurnPage *self);

G_END_DECLS
