/* test-main-window.c: roles, login and lock-out, Today's applications (resume, void). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cd-app.h"
#include "cd-application-store.h"
#include "cd-auth-dialog.h"
#include "cd-login-window.h"
#include "cd-main-window.h"
#include "cd-test-util.h"

static CdClerk *
signed_in (CdTestCounter *counter)
{
  return cd_clerk_store_lookup (counter->ctx, cd_context_get_clerk_id (counter->ctx), NULL);
}

static void
test_clerk_cannot_open_settings (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  CdMainWindow *win = cd_main_window_new (NULL, counter->ctx, clerk);
  GtkStack *stack;

  cd_test_window (GTK_WIDGET (win));
  g_assert_false (gtk_widget_get_visible (cd_test_find (GTK_WIDGET (win), "row_settings")));
  g_assert_false (cd_main_window_show_section (win, "settings"));
  g_assert_cmpstr (cd_main_window_get_section (win), ==, "accept");
  stack = GTK_STACK (cd_test_find (GTK_WIDGET (win), "main_stack"));
  g_assert_null (gtk_stack_get_child_by_name (stack, "settings"));
  /* Activating the hidden row does nothing either. */
  g_signal_emit_by_name (cd_test_find (GTK_WIDGET (win), "sidebar"), "row-selected",
                         cd_test_find (GTK_WIDGET (win), "row_settings"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), !=, "settings");
  gtk_widget_destroy (GTK_WIDGET (win));
}

static void
test_supervisor_opens_settings (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  CdMainWindow *win = cd_main_window_new (NULL, counter->ctx, clerk);

  cd_test_window (GTK_WIDGET (win));
  g_assert_true (gtk_widget_get_visible (cd_test_find (GTK_WIDGET (win), "row_settings")));
  g_assert_true (cd_main_window_show_section (win, "settings"));
  cd_test_iterate ();
  /* Add a clerk through the settings page. */
  cd_test_set_text (GTK_WIDGET (win), "login_entry", "li");
  cd_test_set_text (GTK_WIDGET (win), "name_entry", "李受理");
  cd_test_set_text (GTK_WIDGET (win), "password_entry", "another1");
  cd_test_click (GTK_WIDGET (win), "add_button");

  /* A name far longer than the list is wide (typed, pasted, or a mistake) is refused; the longest allowed leaves
   * the role and the state of every clerk on screen at 1366×768 (an ellipsis, not the columns after it). */
  {
    GtkTreeView *view = GTK_TREE_VIEW (cd_test_find (GTK_WIDGET (win), "clerks_view"));
    GtkTreeViewColumn *last;
    g_autoptr(GtkTreePath) path = gtk_tree_path_new_first ();
    g_autoptr(GString) name = g_string_new (NULL);
    GdkRectangle visible, cell;

    for (int i = 0; i < 60; i++)
      g_string_append (name, "欧阳");
    gtk_notebook_set_current_page (GTK_NOTEBOOK (cd_test_find (GTK_WIDGET (win), "settings_notebook")), 1);
    cd_test_set_text (GTK_WIDGET (win), "login_entry", "ouyang");
    cd_test_set_text (GTK_WIDGET (win), "name_entry", name->str);
    cd_test_set_text (GTK_WIDGET (win), "password_entry", "another1");
    cd_test_click (GTK_WIDGET (win), "add_button");
    /* 120 characters are refused with the limit said; the longest name allowed (20) keeps the columns */
    g_assert_nonnull (strstr (cd_test_label (GTK_WIDGET (win), "clerks_status"), "120"));
    g_assert_nonnull (strstr (cd_test_label (GTK_WIDGET (win), "clerks_status"), "20"));
    g_assert_false (cd_clerk_store_login (counter->ctx, "ouyang", "another1", NULL, NULL));
    g_string_truncate (name, strlen ("欧阳") * 10);
    cd_test_set_text (GTK_WIDGET (win), "login_entry", "ouyang");
    cd_test_set_text (GTK_WIDGET (win), "name_entry", name->str);
    cd_test_set_text (GTK_WIDGET (win), "password_entry", "another1");
    cd_test_click (GTK_WIDGET (win), "add_button");
    cd_test_screenshot (GTK_WIDGET (win), "settings-clerks-long-name");
    last = gtk_tree_view_get_column (view, (int) gtk_tree_view_get_n_columns (view) - 1);
    gtk_tree_view_get_visible_rect (view, &visible);
    gtk_tree_view_get_background_area (view, path, last, &cell);
    g_test_message ("state column at x %d..%d, list %d px wide", cell.x, cell.x + cell.width, visible.width);
    g_assert_cmpint (cell.width, >, 0);
    g_assert_cmpint (cell.x + cell.width, <=, visible.width);
  }

  /* A local price set, then set again and cleared: the item stays selected and the panel says what it did
   * (the list reloaded with the new price used to drop both, so the second click said "select an item"). */
  {
    GtkTreeView *view = GTK_TREE_VIEW (cd_test_find (GTK_WIDGET (win), "prices_view"));
    GtkTreeSelection *selection = gtk_tree_view_get_selection (view);
    g_autoptr(GtkTreePath) first = gtk_tree_path_new_first ();
    g_autofree char *local = NULL;
    GtkTreeModel *model;
    GtkTreeIter iter;

    gtk_notebook_set_current_page (GTK_NOTEBOOK (cd_test_find (GTK_WIDGET (win), "settings_notebook")), 2);
    cd_test_iterate ();
    gtk_tree_selection_select_path (selection, first);
    cd_test_set_text (GTK_WIDGET (win), "amount_entry", "188.50");
    cd_test_click (GTK_WIDGET (win), "set_button");
    g_assert_cmpstr (cd_test_label (GTK_WIDGET (win), "prices_status"), ==,
                     g_dgettext (GETTEXT_PACKAGE, "Local price set"));
    g_assert_true (gtk_tree_selection_get_selected (selection, &model, &iter));
    g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
    g_assert_true (gtk_tree_selection_iter_is_selected (selection, &iter));
    /* typed with the input method in full-width mode */
    cd_test_set_text (GTK_WIDGET (win), "amount_entry", "１９０．００");
    cd_test_click (GTK_WIDGET (win), "set_button");
    g_assert_cmpstr (cd_test_label (GTK_WIDGET (win), "prices_status"), ==,
                     g_dgettext (GETTEXT_PACKAGE, "Local price set"));
    g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
    gtk_tree_model_get (model, &iter, 6, &local, -1);   /* the local price column */
    g_assert_cmpstr (local, ==, "190.00");
    cd_test_click (GTK_WIDGET (win), "clear_button");
    g_assert_cmpstr (cd_test_label (GTK_WIDGET (win), "prices_status"), ==,
                     g_dgettext (GETTEXT_PACKAGE, "The shipped price applies again"));
    g_assert_true (gtk_tree_model_get_iter_first (model, &iter));
    g_assert_true (gtk_tree_selection_iter_is_selected (selection, &iter));
  }

  /* A file named on the key and issuer tab that is not there (a typo, a relative path) is said at once, with
   * the field and what is expected, not found out at the next burn. */
  {
    GtkWidget *w = GTK_WIDGET (win);
    GtkEntry *module = GTK_ENTRY (cd_test_find (w, "pkcs11_entry"));
    GtkEntry *ra_key = GTK_ENTRY (cd_test_find (w, "cmp_ra_key_entry"));
    const char *source = g_getenv ("CERTDESK_SOURCE_ROOT");
    g_autofree char *existing = g_build_filename (source ? source : ".", "meson.build", NULL);

    g_assert_true (g_file_test (existing, G_FILE_TEST_IS_REGULAR));
    gtk_notebook_set_current_page (GTK_NOTEBOOK (cd_test_find (w, "settings_notebook")), 4);
    cd_test_iterate ();
    g_assert_cmpstr (cd_test_label (w, "key_settings_error"), ==, "");
    cd_test_set_text (w, "pkcs11_entry", "/usr/lib/no-such-vendor/libp11-vendor.so");
    g_assert_nonnull (strstr (cd_test_label (w, "key_settings_error"), "/usr/lib/no-such-vendor/libp11-vendor.so"));
    g_assert_nonnull (gtk_entry_get_icon_name (module, GTK_ENTRY_ICON_SECONDARY));
    cd_test_screenshot (w, "settings-key-missing-module");
    cd_test_set_text (w, "pkcs11_entry", "libvendor.so");   /* not a full path */
    g_assert_cmpstr (cd_test_label (w, "key_settings_error"), !=, "");
    cd_test_set_text (w, "pkcs11_entry", existing);
    g_assert_cmpstr (cd_test_label (w, "key_settings_error"), ==, "");
    g_assert_null (gtk_entry_get_icon_name (module, GTK_ENTRY_ICON_SECONDARY));
    cd_test_set_text (w, "cmp_ra_key_entry", "/no/such/ra-key.pem");
    g_assert_nonnull (strstr (cd_test_label (w, "key_settings_error"), "/no/such/ra-key.pem"));
    g_assert_nonnull (gtk_entry_get_icon_name (ra_key, GTK_ENTRY_ICON_SECONDARY));
    cd_test_set_text (w, "cmp_ra_key_entry", "");
    cd_test_set_text (w, "pkcs11_entry", "");   /* empty: the demo key, no message */
    g_assert_cmpstr (cd_test_label (w, "key_settings_error"), ==, "");
  }
  g_assert_true (cd_clerk_store_login (counter->ctx, "li", "another1", NULL, NULL));
  g_assert_true (cd_clerk_store_login (counter->ctx, "ouyang", "another1", NULL, NULL));
  gtk_widget_destroy (GTK_WIDGET (win));
}

static gboolean
is_signed_in (gpointer data)
{
  return *(CdClerk **) data != NULL;
}

static void
on_signed_in_cb (CdLoginWindow *win, CdClerk *clerk, CdClerk **out)
{
  *out = cd_clerk_copy (clerk);
}

static gboolean
login_idle (gpointer data)
{
  return gtk_widget_is_sensitive (cd_test_find (data, "login_button"));
}

static void
test_first_run_and_lockout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("certdesk-first-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) ctx = cd_context_new (dir, NULL, &error);
  g_autoptr(CdClerk) clerk = NULL;
  GtkWidget *win;

  g_assert_no_error (error);
  win = GTK_WIDGET (cd_login_window_new (NULL, ctx));
  g_signal_connect (win, "signed-in", G_CALLBACK (on_signed_in_cb), &clerk);
  gtk_widget_show (win);
  cd_test_iterate ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_bin_get_child (GTK_BIN (win)))), ==, "setup");
  cd_test_set_text (win, "outlet_code_entry", "BT01");
  cd_test_set_text (win, "outlet_name_entry", "包头受理点");
  cd_test_set_text (win, "setup_login_entry", "boss");
  cd_test_set_text (win, "setup_name_entry", "赵主管");
  cd_test_set_text (win, "setup_password_entry", CD_TEST_PASSWORD);
  cd_test_set_text (win, "setup_repeat_entry", "different");
  cd_test_click (win, "setup_button");
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "setup_error")));
  cd_test_set_text (win, "setup_repeat_entry", CD_TEST_PASSWORD);
  cd_test_click (win, "setup_button");
  g_assert_true (cd_test_wait (is_signed_in, &clerk, 10000));
  g_assert_cmpint (clerk->role, ==, CD_ROLE_SUPERVISOR);
  g_assert_cmpstr (cd_context_get_actor (ctx), ==, "clerk:boss");
  g_assert_true (cd_clerk_store_logout (ctx, NULL));
  gtk_widget_destroy (win);

  /* Five wrong passwords lock the account, even for the right one afterwards. */
  g_clear_pointer (&clerk, cd_clerk_free);
  win = GTK_WIDGET (cd_login_window_new (NULL, ctx));
  g_signal_connect (win, "signed-in", G_CALLBACK (on_signed_in_cb), &clerk);
  gtk_widget_show (win);
  for (int i = 0; i < 5; i++)
    {
      cd_test_set_text (win, "login_entry", "boss");
      cd_test_set_text (win, "password_entry", "wrong-one");
      cd_test_click (win, "login_button");
      g_assert_true (cd_test_wait (login_idle, win, 10000));
    }
  cd_test_set_text (win, "password_entry", CD_TEST_PASSWORD);
  cd_test_click (win, "login_button");
  g_assert_true (cd_test_wait (login_idle, win, 10000));
  g_assert_null (clerk);
  g_test_message ("lock message: %s", cd_test_label (win, "login_error"));
  g_assert_true (gtk_widget_get_visible (cd_test_find (win, "login_error")));
  g_assert_cmpint (cd_test_audit_count (ctx, "clerk.login-failed", 1), ==, 5);
  g_assert_cmpint (cd_test_audit_count (ctx, "clerk.login", 1), ==, 1);
  gtk_widget_destroy (win);
}

static CdAuthDialog *
find_auth_dialog (void)
{
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (CD_IS_AUTH_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static void
test_today_resume_and_void (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  g_autoptr(CdApplication) app = cd_application_new ();
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  CdMainWindow *win;
  GtkTreeView *view;
  GtkWidget *dialog;
  gint64 id;

  app->profile = g_strdup ("xj-ggzy");
  app->unit = g_new0 (CdUnit, 1);
  app->unit->name = g_strdup ("新疆某某公司");
  g_assert_true (cd_application_store_create (counter->ctx, app, FALSE, &id, &error));
  g_assert_true (cd_application_store_save (counter->ctx, id, app, "applicant", &error));

  win = cd_main_window_new (NULL, counter->ctx, clerk);
  cd_test_window (GTK_WIDGET (win));
  g_assert_true (cd_main_window_show_section (win, "today"));
  cd_test_iterate ();
  view = GTK_TREE_VIEW (cd_test_find (GTK_WIDGET (win), "today_view"));
  g_assert_cmpint (gtk_tree_model_iter_n_children (gtk_tree_view_get_model (view), NULL), ==, 1);
  cd_test_set_text (GTK_WIDGET (win), "today_search", "新疆某某");
  cd_test_wait_ms (300);   /* search-changed is debounced by GtkSearchEntry */
  g_assert_cmpint (gtk_tree_model_iter_n_children (gtk_tree_view_get_model (view), NULL), ==, 1);
  gtk_tree_selection_select_path (gtk_tree_view_get_selection (view), gtk_tree_path_new_first ());
  cd_test_click (GTK_WIDGET (win), "open_button");
  g_assert_cmpstr (cd_main_window_get_section (win), ==, "accept");
  g_assert_cmpstr (cd_wizard_get_current_step (cd_main_window_get_wizard (win)), ==, "applicant");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (cd_test_find (GTK_WIDGET (win), "unit_name"))), ==, "新疆某某公司");

  g_assert_true (cd_main_window_show_section (win, "today"));
  cd_test_iterate ();
  gtk_tree_selection_select_path (gtk_tree_view_get_selection (view), gtk_tree_path_new_first ());
  cd_test_click (GTK_WIDGET (win), "void_button");
  dialog = GTK_WIDGET (find_auth_dialog ());
  g_assert_nonnull (dialog);
  /* the approval names the application it voids */
  {
    GtkTreeModel *model = gtk_tree_view_get_model (view);
    GtkTreeIter first;
    g_autofree char *number = NULL;

    g_assert_true (gtk_tree_model_get_iter_first (model, &first));
    gtk_tree_model_get (model, &first, 1, &number, -1);   /* the number column */
    g_assert_nonnull (strstr (cd_test_label (dialog, "auth_message"), number));
    g_assert_nonnull (strstr (cd_test_label (dialog, "auth_message"), "新疆某某公司"));
  }
  cd_test_set_text (dialog, "auth_login", "wang");
  cd_test_set_text (dialog, "auth_password", CD_TEST_PASSWORD);
  cd_test_set_text (dialog, "auth_reason", "申请人放弃办理");
  cd_test_click (dialog, "auth_ok");
  g_assert_nonnull (find_auth_dialog ());
  cd_test_set_text (dialog, "auth_login", "boss");
  cd_test_set_text (dialog, "auth_password", CD_TEST_PASSWORD);
  cd_test_click (dialog, "auth_ok");
  g_assert_null (find_auth_dialog ());
  g_assert_true (cd_application_store_load (counter->ctx, id, NULL, &info, &error));
  g_assert_cmpint (info->state, ==, CD_STATE_VOIDED);
  gtk_widget_destroy (GTK_WIDGET (win));
}

/* The keyboard alone reaches every field of every section, of the sign-in and of the first run's setup. */
static void
test_tab_reaches_every_field (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("boss");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  g_autoptr(GtkApplication) app = gtk_application_new ("org.certdesk.CertDesk.TabTest", G_APPLICATION_NON_UNIQUE);
  CdMainWindow *win;
  GtkStack *stack = NULL;
  static const char *const sections[] = { "accept", "today", "print", "reports", "settings" };
  g_autofree char *dir = g_dir_make_tmp ("certdesk-tab-XXXXXX", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) fresh = NULL;
  GtkWidget *login;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  cd_main_window_add_accels (app);
  win = cd_main_window_new (app, counter->ctx, clerk);
  cd_test_window (GTK_WIDGET (win));
  stack = GTK_STACK (cd_test_find (GTK_WIDGET (win), "main_stack"));
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      /* Ctrl+1…5 open the sections */
      cd_test_key (GTK_WIDGET (win), GDK_KEY_1 + i, GDK_CONTROL_MASK);
      g_assert_cmpstr (cd_main_window_get_section (win), ==, sections[i]);
      cd_test_wait_ms (200);   /* lists filled after the section is shown */
      cd_test_assert_tab_round (GTK_WIDGET (win), gtk_stack_get_visible_child (stack), sections[i]);
    }
  /* every tab of the settings */
  {
    GtkNotebook *notebook = GTK_NOTEBOOK (cd_test_find (GTK_WIDGET (win), "settings_notebook"));

    for (int p = 1; p < gtk_notebook_get_n_pages (notebook); p++)
      {
        g_autofree char *what = NULL;

        gtk_notebook_set_current_page (notebook, p);
        cd_test_wait_ms (100);
        what = g_strdup_printf ("settings tab %d", p + 1);
        cd_test_assert_tab_round (GTK_WIDGET (win), gtk_notebook_get_nth_page (notebook, p), what);
      }
  }
  gtk_widget_destroy (GTK_WIDGET (win));

  g_assert_true (cd_clerk_store_logout (counter->ctx, NULL));
  login = cd_test_window (GTK_WIDGET (cd_login_window_new (NULL, counter->ctx)));
  cd_test_assert_tab_round (login, gtk_bin_get_child (GTK_BIN (login)), "sign-in");
  gtk_widget_destroy (login);

  fresh = cd_context_new (dir, NULL, &error);
  g_assert_no_error (error);
  login = cd_test_window (GTK_WIDGET (cd_login_window_new (NULL, fresh)));
  cd_test_assert_tab_round (login, gtk_bin_get_child (GTK_BIN (login)), "first-run setup");
  gtk_widget_destroy (login);
}

/* However long the key's status grows, its room in the header bar keeps its width: the title does not move. */
static void
test_title_stays_when_key_status_grows (void)
{
  g_autoptr(CdTestCounter) counter = cd_test_counter_new ("wang");
  g_autoptr(CdClerk) clerk = signed_in (counter);
  CdMainWindow *win = cd_main_window_new (NULL, counter->ctx, clerk);
  GtkWidget *room, *longer;
  int before, after;

  cd_test_window (GTK_WIDGET (win));
  room = cd_test_find (GTK_WIDGET (win), "key_room");
  cd_test_wait_ms (100);
  before = gtk_widget_get_allocated_width (room);
  longer = gtk_label_new ("USB Key：内蒙古某某建设有限公司 · 证书有效期至 2027-12-06 · PIN 还可尝试 3 次 · DEMO");
  gtk_widget_show (longer);
  gtk_box_pack_start (cd_main_window_get_key_slot (win), longer, FALSE, FALSE, 0);
  cd_test_wait_ms (100);
  after = gtk_widget_get_allocated_width (room);
  g_assert_cmpint (before, >, 0);
  g_assert_cmpint (after, ==, before);
  gtk_widget_destroy (GTK_WIDGET (win));
}

/* A database copied to another computer without its key: the counter says so in a dialog (a clerk starts it from
 * the desktop and sees no terminal), changes nothing, and ends when the dialog is closed. */
typedef struct {
  gboolean seen;
  char    *text;
} OpenError;

static gboolean
close_open_error_cb (gpointer data)
{
  OpenError *oe = data;
  g_autoptr(GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (GTK_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      {
        g_autofree char *secondary = NULL;

        g_object_get (l->data, "secondary-text", &secondary, NULL);
        oe->seen = TRUE;
        oe->text = g_strdup (secondary);
        cd_test_screenshot (l->data, "app-database-without-key");
        gtk_dialog_response (GTK_DIALOG (l->data), GTK_RESPONSE_CLOSE);
        return G_SOURCE_REMOVE;
      }
  return G_SOURCE_CONTINUE;
}

static void
test_database_without_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cd-nokey-XXXXXX", &error);
  g_autofree char *kek1 = g_build_filename (dir, "kek-here", NULL);
  g_autofree char *kek2 = g_build_filename (dir, "kek-elsewhere", NULL);
  g_autofree char *db = g_build_filename (dir, "certdesk.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *old_kek = g_strdup (g_getenv ("CERTDESK_KEK_FILE"));
  g_autoptr(CdApp) app = NULL;
  OpenError oe = { FALSE, NULL };
  char *argv[] = { (char *) "certdesk", (char *) "--state-dir", dir, NULL };
  gsize len = 0;
  guint watch;

  /* its own process: a GApplication registers once per process, and the other tests' windows share this one */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDOUT);
      g_test_trap_assert_passed ();
      g_rmdir (dir);
      return;
    }
  g_assert_no_error (error);
  g_setenv ("CERTDESK_KEK_FILE", kek1, TRUE);
  {
    g_autoptr(CdContext) ctx = cd_context_new (dir, NULL, &error);

    g_assert_no_error (error);
  }
  g_assert_true (g_file_get_contents (db, &before, &len, NULL));
  /* the same database on a computer whose key file is another one */
  g_setenv ("CERTDESK_KEK_FILE", kek2, TRUE);
  app = cd_app_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  watch = g_timeout_add (100, close_open_error_cb, &oe);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, argv), ==, 0);
  if (!oe.seen)
    g_source_remove (watch);
  g_assert_true (oe.seen);
  g_assert_nonnull (strstr (oe.text, kek2));          /* where the key file goes */
  g_assert_nonnull (strstr (oe.text, "certdesk.db"));  /* which database */
  g_assert_true (g_file_get_contents (db, &after, &len, NULL));
  g_assert_cmpstr (before, ==, after);                 /* nothing in it changed */
  if (old_kek)
    g_setenv ("CERTDESK_KEK_FILE", old_kek, TRUE);
  else
    g_unsetenv ("CERTDESK_KEK_FILE");
  g_free (oe.text);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  cd_test_init (&argc, &argv, FALSE);
  g_test_add_func ("/gui/main/clerk-cannot-open-settings", test_clerk_cannot_open_settings);
  g_test_add_func ("/gui/main/supervisor-opens-settings", test_supervisor_opens_settings);
  g_test_add_func ("/gui/login/first-run-and-lockout", test_first_run_and_lockout);
  g_test_add_func ("/gui/today/resume-and-void", test_today_resume_and_void);
  g_test_add_func ("/gui/main/tab-reaches-every-field", test_tab_reaches_every_field);
  g_test_add_func ("/gui/main/title-stays-when-key-status-grows", test_title_stays_when_key_status_grows);
  g_test_add_func ("/gui/app/database-without-key", test_database_without_key);
  return g_test_run ();
}
