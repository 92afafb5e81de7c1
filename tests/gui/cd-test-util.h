/* cd-test-util.h: helpers for the GUI tests: a temporary counter, widget lookup by name, screenshots. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-clerk-store.h"
#include "cd-context.h"
#include "cd-wizard.h"

G_BEGIN_DECLS

/* Call first in main(): skips (77) without a display, points HOME/XDG at a temp folder, sets the language
 * (@chinese) and initialises GTK, the resources' CSS and GTest. */
void        cd_test_init          (int *argc, char ***argv, gboolean chinese);

typedef struct {
  char      *dir;
  CdContext *ctx;
} CdTestCounter;

/* A fresh state folder and database with outlet "HHHT01", supervisor "boss" and clerk "wang"
 * (password "secret1"); signed in as @login. */
CdTestCounter *cd_test_counter_new  (const char *login);
void           cd_test_counter_free (CdTestCounter *counter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTestCounter, cd_test_counter_free)

#define CD_TEST_PASSWORD "secret1"

GtkWidget  *cd_test_find          (GtkWidget *root, const char *name);   /* by gtk_widget_get_name */
/* A visible toplevel (a dialog) of @type, and with @name unless NULL; NULL when none is shown. */
GtkWidget  *cd_test_find_toplevel (GType type, const char *name);
GtkWidget  *cd_test_find_visible  (GtkWidget *root, const char *name);
void        cd_test_iterate       (void);
/* On the certificate step (revoke, suspend, app-open): presses its button, accepts the revocation's
 * confirmation and waits for the end; TRUE when Next is then allowed. */
gboolean    cd_test_cert_action   (GtkWidget *win, guint timeout_ms);
gboolean    cd_test_wait          (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms);
void        cd_test_wait_ms       (guint ms);
void        cd_test_set_text      (GtkWidget *root, const char *name, const char *text);
void        cd_test_click         (GtkWidget *root, const char *name);
void        cd_test_toggle        (GtkWidget *root, const char *name, gboolean active);
/* Clicks the fee step's "Record payment" and waits until the payment, recorded in a thread, is back. */
void        cd_test_pay           (GtkWidget *root);
/* A key press (and release) as the keyboard would deliver it to @window's focus widget. */
void        cd_test_key           (GtkWidget *window, guint keyval, GdkModifierType state);
/* Keyboard alone: Tab goes round @window without getting stuck or losing the focus, and reaches every field
 * under @root that can take the focus (of a radio group, or of a list whose rows take it, one member: the
 * arrow keys reach the others, as everywhere in GTK). Enters @root with Tab first if the focus is elsewhere.
 * @what names the view in the messages. */
void        cd_test_assert_tab_round (GtkWidget *window, GtkWidget *root, const char *what);
/* The mnemonics of the window's own controls around @root (Back and Next, the sidebar…) work wherever the
 * focus is: no label under @root takes one of them. Labels under @root sharing a key (Alt+key then goes round
 * them, as GTK does for a list's repeated rows) are reported in the test log. */
void        cd_test_assert_mnemonics (GtkWidget *window, GtkWidget *root, const char *what);
const char *cd_test_label         (GtkWidget *root, const char *name);
gboolean    cd_test_sensitive     (GtkWidget *root, const char *name);

/* A toplevel at 1366×768 holding @child (or the window itself when @child is a window). */
GtkWidget  *cd_test_window        (GtkWidget *child);
/* Saves the window as CD_SCREENSHOT_DIR/@name.png. */
void        cd_test_screenshot    (GtkWidget *window, const char *name);

/* How long the main loop is held up: a 1 ms high-priority timer notes the longest gap between its runs. */
typedef struct _CdTestProbe CdTestProbe;
CdTestProbe *cd_test_probe_new     (void);
/* Lets the loop run for @settle_ms, then forgets the gaps seen so far. */
void         cd_test_probe_reset   (CdTestProbe *probe, guint settle_ms);
/* The longest gap since the last reset, in microseconds, after letting the loop run for @settle_ms. */
gint64       cd_test_probe_max_gap (CdTestProbe *probe, guint settle_ms);
/* the main thread's CPU time in its longest stretch between two ticks since the reset, µs */
gint64       cd_test_probe_max_cpu (CdTestProbe *probe);
void         cd_test_probe_free    (CdTestProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTestProbe, cd_test_probe_free)

/* The acceptance wizard, step by step, as a clerk fills it in (the pages' own tests check each step):
 * every shown applicant field with a valid value (the party role, when asked, the first one offered); every
 * material of the checklist seen, copied, stamped and scanned (a file reference stands in for a scan); a sample
 * image per collection form; the documents "printed" to @name.pdf in the counter's folder. Those that can
 * fail report it (the reason line says why). */
void        cd_test_fill_applicant  (GtkWidget *win);
void        cd_test_tick_materials  (GtkWidget *win, CdWizard *wizard);
void        cd_test_choose_samples  (CdTestCounter *counter, CdWizard *wizard);
gboolean    cd_test_print_documents (CdTestCounter *counter, GtkWidget *win, CdWizard *wizard, const char *name);
/* The Issue step on the counter's demo key: confirms the erase when the key holds something, burns, and waits
 * for the outcome; FALSE when it did not come within @timeout_ms (the page says why). */
gboolean    cd_test_burn            (GtkWidget *win, guint timeout_ms);
/* Every fee item of every project that ships without a price gets a local one (the supervisor's Settings →
 * Prices), so that every business can be paid. */
void        cd_test_price_everything (CdContext *ctx, gint64 amount_fen);
/* The customer of a project's new certificate, whom its follow-up businesses are for. */
typedef struct {
  gint64  id;
  char   *number;
  char   *query;   /* what the clerk types to find the customer */
  char   *pin;     /* the key's PIN from the new certificate's slip */
} CdTestCustomer;

void        cd_test_customer_clear  (CdTestCustomer *customer);

/* Called on every page the walk shows: @where names it ("bj-gov/new fee step"), @shot is a screenshot name. */
typedef void (*CdTestPageFunc) (GtkWidget *win, const char *where, const char *shot, gpointer data);

/* One business of @profile from the business step on, as a clerk does it: the applicant step with every
 * applicant type offered (read each), then the first; every material; a sample per form; paid; printed. A
 * new certificate is burnt on the demo key and its customer kept in @customer; a follow-up business finds
 * that customer with the business step's lookup (a renewal needs the clock in its window: the caller moves
 * it). With @burn_all every business with an Issue step is burnt too (the slip's PIN typed when asked),
 * otherwise its Issue step is read before the key is touched. Returns the step it ended on ("done" when
 * the business completed); *out_reason says why it stopped elsewhere. */
char       *cd_test_walk_business   (CdTestCounter *counter, CdWizard *wizard, GtkWidget *win, CdProfile *profile,
                                     CdBusiness business, CdTestCustomer *customer, gboolean burn_all,
                                     CdTestPageFunc on_page, gpointer data, char **out_reason);

/* Next, and whether the wizard went on to another step. */
gboolean    cd_test_next            (GtkWidget *win, CdWizard *wizard);

/* Rows of the audit log with @action for @entity_id. */
gint64      cd_test_audit_count   (CdContext *ctx, const char *action, gint64 entity_id);

G_END_DECLS
