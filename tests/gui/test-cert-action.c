/* test-cert-action.c: revocation, suspension and application activation done in the GUI, on their certificate
 * step after Print (cd-cert-action-page.c). Per project, in Chinese: a new certificate on the demo key, then
 * every one of these businesses the project offers, walked to the Done page; checked from outside — the local
 * CA's own ledger (`certdesk-cli ca list`), its CRL read by `openssl crl`, the activation's audit row. Over
 * CMP (tests/pki's responder): a CA that refuses, then a CA that is stopped, each said in a sentence on the
 * step, the application kept printed at this step (also when opened again), and the retry going through once
 * the CA takes it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sys/wait.h>

#include "cd-application-store.h"
#include "cd-cert-action-page.h"
#include "cd-profile.h"
#include "cd-test-util.h"
#include "cd-wizard-steps.h"
#include "cd-wizard.h"

#define CMP_SECRET "gui-cmp-secret"

/* `certdesk-cli ca list` on the counter's database: the state of @serial in the local CA's own ledger. */
static char *
ca_ledger_state (CdTestCounter *counter, const char *serial)
{
  g_autofree char *db = g_build_filename (counter->dir, "certdesk.db", NULL);
  const char *argv[] = { g_getenv ("CERTDESK_CLI"), "--db", db, "--data-dir", counter->dir, "ca", "list", NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *certs;
  int status = -1;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("certdesk-cli ca list failed: %s", err);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  certs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "certificates");
  for (guint i = 0; i < json_array_get_length (certs); i++)
    {
      JsonObject *o = json_array_get_object_element (certs, i);

      if (g_ascii_strcasecmp (json_object_get_string_member (o, "serial"), serial) == 0)
        return g_strdup (json_object_get_string_member (o, "state"));
    }
  return NULL;
}

/* The local CA's CRL as `openssl crl -text` prints it. */
static char *
crl_text (CdTestCounter *counter)
{
  g_autofree char *crl = g_build_filename (counter->dir, "ca", "crl.pem", NULL);
  const char *argv[] = { "openssl", "crl", "-in", crl, "-noout", "-text", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = -1;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static char *
db_text (CdTestCounter *counter, const char *sql, const char *arg)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cd_store_prepare (cd_context_get_store (counter->ctx), sql, &stmt, &error));
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static char *
cert_state (CdTestCounter *counter, const char *serial)
{
  return db_text (counter, "SELECT state FROM certificate WHERE serial = upper(?1)", serial);
}

static void
on_page_cb (GtkWidget *win, const char *where, const char *shot, gpointer data)
{
  g_autofree char *name = g_strdup_printf ("cert-action-%s", shot);

  /* The CA's shared secret, on the steps that ask for it (over CMP only). */
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *entry = cd_test_find_visible (win, i ? "action_cmp_secret" : "burn_cmp_secret");

      if (entry && gtk_widget_get_mapped (entry) && !*gtk_entry_get_text (GTK_ENTRY (entry)))
        gtk_entry_set_text (GTK_ENTRY (entry), CMP_SECRET);
    }
  if (strstr (shot, "action") || strstr (shot, "done"))
    cd_test_screenshot (win, name);
  /* the keyboard alone reaches the step's fields, and none takes a mnemonic of the window's */
  if (g_str_has_suffix (shot, "-action"))
    {
      GtkWidget *page = cd_test_find (win, "action");

      cd_test_assert_tab_round (win, page, where);
      cd_test_assert_mnemonics (win, page, where);
    }
}

typedef struct {
  const char *profile;
} Case;

static void
new_certificate (CdTestCounter *counter, CdWizard *wizard, GtkWidget *win, CdProfile *profile,
                 CdTestCustomer *customer)
{
  g_autofree char *reason = NULL;
  g_autofree char *ended = cd_test_walk_business (counter, wizard, win, profile, CD_BUSINESS_NEW, customer, TRUE,
                                                  on_page_cb, NULL, &reason);

  if (!g_str_equal (ended, "done"))
    g_error ("%s: the new certificate stopped at the %s step: %s", profile->id, ended, reason);
}

/* The serial of the customer's certificate that the application on screen worked on. */
static char *
worked_on (CdWizard *wizard)
{
  CdApplication *app = cd_draft_get_app (cd_wizard_get_draft (wizard));

  g_assert_nonnull (app->existing_serial);
  return g_ascii_strup (app->existing_serial, -1);
}

static void
test_local (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  CdProfile *profile = cd_context_lookup_profile (counter->ctx, c->profile, NULL);
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  CdTestCustomer customer = { 0, NULL, NULL, NULL };
  static const CdBusiness order[] = { CD_BUSINESS_APP_OPEN, CD_BUSINESS_SUSPEND, CD_BUSINESS_REVOKE };
  guint walked = 0;

  g_assert_nonnull (profile);
  cd_test_price_everything (counter->ctx, 5000);
  new_certificate (counter, wizard, win, profile, &customer);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      CdBusiness b = order[i];
      g_autofree char *reason = NULL;
      g_autofree char *ended = NULL;
      g_autofree char *serial = NULL;
      g_autofree char *state = NULL;
      g_autofree char *ledger = NULL;
      gint64 id;

      if (!cd_profile_offers_business (profile, b))
        continue;
      walked++;
      ended = cd_test_walk_business (counter, wizard, win, profile, b, &customer, TRUE, on_page_cb, NULL, &reason);
      if (!g_str_equal (ended, "done"))
        g_error ("%s/%s stopped at the %s step: %s", c->profile, cd_business_to_code (b), ended, reason);
      id = cd_draft_get_id (cd_wizard_get_draft (wizard));
      serial = worked_on (wizard);
      g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), ==, CD_STATE_ISSUED);
      state = cert_state (counter, serial);
      ledger = ca_ledger_state (counter, serial);
      g_test_message ("%s/%s: certificate %s is %s (CA ledger: %s); done page: %s", c->profile,
                      cd_business_to_code (b), serial, state, ledger, cd_test_label (win, "summary_label"));
      switch (b)
        {
        case CD_BUSINESS_APP_OPEN:
          g_assert_cmpstr (state, ==, "issued");
          g_assert_cmpstr (ledger, ==, "issued");
          {
            g_autofree char *cert_id = db_text (counter, "SELECT id FROM certificate WHERE serial = ?1", serial);
            g_assert_cmpint (cd_test_audit_count (counter->ctx, "certificate.app-open", g_ascii_strtoll (cert_id, NULL, 10)),
                             ==, 1);
          }
          g_assert_nonnull (strstr (cd_test_label (win, "summary_label"), "已开通"));
          break;
        case CD_BUSINESS_SUSPEND:
          {
            g_autofree char *crl = crl_text (counter);
            g_autofree char *line = g_strdup_printf ("Serial Number: %s", serial);

            g_assert_cmpstr (state, ==, "suspended");
            /* the CA's ledger has no separate hold: its CRL says it */
            g_assert_cmpstr (ledger, ==, "revoked");
            g_assert_nonnull (strstr (crl, line));
            g_assert_nonnull (strstr (crl, "Certificate Hold"));
          }
          g_assert_nonnull (strstr (cd_test_label (win, "summary_label"), "证书已冻结"));
          /* the step's certificate card was read again when the application's state changed */
          g_assert_cmpstr (cd_test_label (win, "action_cert_state"), ==, "已冻结");
          break;
        case CD_BUSINESS_REVOKE:
          {
            g_autofree char *crl = crl_text (counter);
            g_autofree char *line = g_strdup_printf ("Serial Number: %s", serial);

            g_assert_cmpstr (state, ==, "revoked");
            g_assert_cmpstr (ledger, ==, "revoked");
            g_assert_nonnull (strstr (crl, line));
          }
          g_assert_nonnull (strstr (cd_test_label (win, "summary_label"), "证书已吊销"));
          g_assert_cmpstr (cd_test_label (win, "action_cert_state"), ==, "已吊销");
          break;
        default:
          g_assert_not_reached ();
        }
      /* the step list and Today's list say the step in words; reopened, a done application opens at Done */
      g_assert_cmpstr (cd_wizard_step_to_resume (b, CD_STATE_ISSUED, "action"), ==, "done");
      (void) id;
    }
  g_assert_cmpuint (walked, >, 0);
  /* The certificate revoked, another revocation (or suspension) stops before any payment: the pre-flight on
   * the business step refuses it, so no fee is taken for a business that cannot go through. */
  if (cd_profile_offers_business (profile, CD_BUSINESS_REVOKE))
    {
      g_autofree char *payments = db_text (counter, "SELECT count(*) FROM payment", NULL);
      g_autofree char *after = NULL;
      g_autofree char *reason = NULL;
      g_autofree char *ended = cd_test_walk_business (counter, wizard, win, profile, CD_BUSINESS_REVOKE, &customer,
                                                      TRUE, NULL, NULL, &reason);

      g_test_message ("%s: a second revocation stops at the %s step: %s", c->profile, ended, reason);
      g_assert_cmpstr (ended, ==, "business");
      g_assert_cmpstr (reason, !=, "");
      after = db_text (counter, "SELECT count(*) FROM payment", NULL);
      g_assert_cmpstr (after, ==, payments);
      /* typed by hand, the revoked serial is refused on the business step with what is wrong with it */
      {
        g_autofree char *radio = g_strdup_printf ("profile_%s", c->profile);
        g_autofree char *revoked = db_text (counter, "SELECT serial FROM certificate WHERE state = 'revoked'", NULL);
        const char *why;

        g_assert_nonnull (revoked);
        cd_wizard_start_new (wizard);
        cd_test_iterate ();
        cd_test_toggle (win, radio, TRUE);
        cd_test_toggle (win, "business_revoke", TRUE);
        cd_test_set_text (win, "serial_entry", revoked);
        cd_test_iterate ();
        why = cd_test_label (win, "reason_label");
        g_test_message ("%s: revoked serial typed: %s", c->profile, why);
        g_assert_nonnull (strstr (why, revoked));
        g_assert_nonnull (strstr (why, "吊销"));
        g_assert_false (cd_test_sensitive (win, "next_button"));
        cd_test_screenshot (win, "cert-action-revoked-serial-refused");
      }
    }
  cd_test_customer_clear (&customer);
  gtk_widget_destroy (win);
}

typedef struct {
  char *dir;
  GPid  pid;
} Responder;

static void
responder_start (Responder *r)
{
  g_autofree char *port_file = g_build_filename (r->dir, "port", NULL);
  const char *argv[] = { CD_TEST_CMP_RESPONDER, r->dir, CMP_SECRET, NULL };
  g_autoptr(GError) error = NULL;
  gint64 limit = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* a restart keeps its port (DIR/port): the file is there already, the answer tells it is up */
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &r->pid, &error));
  g_assert_no_error (error);
  while (!g_file_test (port_file, G_FILE_TEST_EXISTS) && g_get_monotonic_time () < limit)
    g_usleep (10000);
  g_assert_true (g_file_test (port_file, G_FILE_TEST_EXISTS));
}

static gboolean
responder_listens (gpointer data)
{
  Responder *r = data;
  g_autofree char *port_file = g_build_filename (r->dir, "port", NULL);
  g_autofree char *port = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;

  if (!g_file_get_contents (port_file, &port, NULL, NULL))
    return FALSE;
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) g_ascii_strtoull (g_strstrip (port), NULL, 10),
                                          NULL, NULL);
  return conn != NULL;
}

static void
responder_stop (Responder *r)
{
  kill (r->pid, SIGTERM);
  waitpid (r->pid, NULL, 0);
  g_spawn_close_pid (r->pid);
  r->pid = 0;
}

static gboolean
action_failed (gpointer win)
{
  GtkWidget *error = cd_test_find_visible (win, "action_error");

  return error && gtk_widget_get_mapped (error) && *gtk_label_get_text (GTK_LABEL (error));
}

/* The step on screen is the certificate step, stopped with the CA's sentence; nothing changed. */
static void
assert_stopped (CdTestCounter *counter, CdWizard *wizard, GtkWidget *win, CdBusiness b, const char *serial,
                const char *shot)
{
  gint64 id = cd_draft_get_id (cd_wizard_get_draft (wizard));
  g_autoptr(GError) error = NULL;
  g_autofree char *state = cert_state (counter, serial);
  const char *text;

  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "action");
  g_assert_true (cd_test_wait (action_failed, win, 60000));
  text = cd_test_label (win, "action_error");
  g_test_message ("%s: %s", cd_business_to_code (b), text);
  g_assert_null (strchr (text, '\n'));
  g_assert_false (cd_test_sensitive (win, "next_button"));
  g_assert_true (cd_test_sensitive (win, "action_button"));
  g_assert_cmpstr (state, ==, "issued");
  g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), ==, CD_STATE_PRINTED);
  cd_test_screenshot (win, shot);
  /* after a restart (or from Today's list) the application opens at this step again */
  g_assert_cmpstr (cd_wizard_step_to_resume (b, CD_STATE_PRINTED, "print"), ==, "action");
  g_assert_true (cd_wizard_is_unfinished_paid (b, CD_STATE_PRINTED));
  cd_wizard_start_new (wizard);
  cd_test_iterate ();
  g_assert_true (cd_wizard_open (wizard, id, &error));
  g_assert_no_error (error);
  cd_test_iterate ();
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "action");
  g_assert_cmpstr (cd_test_label (win, "action_serial"), ==, serial);
}

static void
test_cmp_refused_unreachable (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  CdProfile *profile = cd_context_lookup_profile (counter->ctx, "nmg-zfcg-cfca", NULL);
  CdWizard *wizard = cd_wizard_new (counter->ctx);
  GtkWidget *win = cd_test_window (GTK_WIDGET (wizard));
  CdTestCustomer customer = { 0, NULL, NULL, NULL };
  g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
  Responder r = { g_build_filename (counter->dir, "cmp", NULL), 0 };
  g_autofree char *port_file = g_build_filename (r.dir, "port", NULL);
  g_autofree char *refuse = g_build_filename (r.dir, "refuse", NULL);
  g_autofree char *revoked_file = g_build_filename (r.dir, "revoked.txt", NULL);
  g_autofree char *ca = g_build_filename (r.dir, "ca.pem", NULL);
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *ended = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *state = NULL;
  g_autofree char *revoked = NULL;

  g_assert_nonnull (profile);
  cd_test_price_everything (counter->ctx, 5000);
  g_assert_cmpint (g_mkdir_with_parents (r.dir, 0700), ==, 0);
  responder_start (&r);
  g_assert_true (cd_test_wait (responder_listens, &r, 30000));
  g_assert_true (g_file_get_contents (port_file, &port, NULL, NULL));
  url = g_strdup_printf ("http://127.0.0.1:%s/pkix/", g_strstrip (port));
  g_settings_set_string (settings, "issuer", "cmp");
  g_settings_set_string (settings, "cmp-server", url);
  g_settings_set_string (settings, "cmp-trust-anchor", ca);

  new_certificate (counter, wizard, win, profile, &customer);

  /* The CA refuses the suspension: said on the step, nothing changed; the retry goes through once it takes it. */
  g_assert_true (g_file_set_contents (refuse, "the certificate is under investigation", -1, NULL));
  ended = cd_test_walk_business (counter, wizard, win, profile, CD_BUSINESS_SUSPEND, &customer, TRUE, on_page_cb, NULL,
                                 &reason);
  g_assert_cmpstr (ended, ==, "action");
  serial = worked_on (wizard);
  /* the shared secret typed on the Issue step is remembered for the clerk's session: not asked again */
  g_assert_false (gtk_widget_get_visible (cd_test_find (win, "action_cmp_box")));
  assert_stopped (counter, wizard, win, CD_BUSINESS_SUSPEND, serial, "cert-action-cmp-refused");
  g_assert_cmpint (g_unlink (refuse), ==, 0);
  on_page_cb (win, "retry", "retry", NULL);
  g_assert_true (cd_test_cert_action (win, 60000));
  state = cert_state (counter, serial);
  g_assert_cmpstr (state, ==, "suspended");
  g_assert_true (g_file_get_contents (revoked_file, &revoked, NULL, NULL));
  g_assert_nonnull (strcasestr (revoked, serial));
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "done");

  /* The CA stopped: the revocation says it cannot reach it; restarted, the retry revokes. */
  responder_stop (&r);
  g_clear_pointer (&ended, g_free);
  g_clear_pointer (&reason, g_free);
  ended = cd_test_walk_business (counter, wizard, win, profile, CD_BUSINESS_REVOKE, &customer, TRUE, on_page_cb, NULL,
                                 &reason);
  g_assert_cmpstr (ended, ==, "action");
  {
    g_autofree char *again = worked_on (wizard);
    g_assert_cmpstr (again, ==, serial);
  }
  g_clear_pointer (&state, g_free);
  state = cert_state (counter, serial);
  g_assert_cmpstr (state, ==, "suspended");
  g_assert_true (cd_test_wait (action_failed, win, 60000));
  cd_test_screenshot (win, "cert-action-cmp-unreachable");
  g_test_message ("unreachable: %s", cd_test_label (win, "action_error"));
  g_assert_cmpint (cd_draft_get_state (cd_wizard_get_draft (wizard)), ==, CD_STATE_PRINTED);
  responder_start (&r);
  g_assert_true (cd_test_wait (responder_listens, &r, 30000));
  on_page_cb (win, "retry", "retry", NULL);
  g_assert_true (cd_test_cert_action (win, 60000));
  g_clear_pointer (&state, g_free);
  state = cert_state (counter, serial);
  g_assert_cmpstr (state, ==, "revoked");
  g_assert_true (cd_test_next (win, wizard));
  g_assert_cmpstr (cd_wizard_get_current_step (wizard), ==, "done");
  g_assert_nonnull (strstr (cd_test_label (win, "summary_label"), "证书已吊销"));
  cd_test_screenshot (win, "cert-action-cmp-done");

  responder_stop (&r);
  g_settings_reset (settings, "issuer");
  g_settings_reset (settings, "cmp-server");
  g_settings_reset (settings, "cmp-trust-anchor");
  cd_test_customer_clear (&customer);
  gtk_widget_destroy (win);
  g_free (r.dir);
}

int
main (int argc, char *argv[])
{
  /* revocation and suspension (Inner Mongolia), activation (the housing fund) */
  static const Case cases[] = { { "nmg-zfcg-cfca" }, { "xjbt-hpf" } };

  cd_test_init (&argc, &argv, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/gui/cert-action/local/%s", cases[i].profile);
      g_test_add_data_func (path, &cases[i], test_local);
    }
  g_test_add_func ("/gui/cert-action/cmp-refused-then-unreachable", test_cmp_refused_unreachable);
  return g_test_run ();
}
