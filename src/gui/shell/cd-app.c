/* cd-app.c: application start-up: context, CSS, accelerators, login → main window, switch clerk. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "cd-app.h"
#include "cd-clerk-store.h"
#include "cd-login-window.h"
#include "cd-main-window.h"
#include "cd-open-progress.h"
#include "cd-paths.h"
#include "cd-preflight.h"
#include "cd-forms-fontset.h"
#include "cd-store-crypt.h"
#include "cd-worker.h"

struct _CdApp {
  GtkApplication parent_instance;

  CdContext     *ctx;
  char          *state_dir;
  char          *db_path;
  char          *head_office;   /* --head-office URL: the reports page shows every outlet (central database) */
  GtkWidget     *login;
  GtkWidget     *main;
  char          *open_error;    /* why the database did not open: shown in a dialog, not only on stderr */

  /* The database opens in a worker thread (an older one is sealed in place first: seconds over thousands of
   * applications); the sealing's progress, written by the worker, shown by the main loop in a dialog. */
  gboolean       opening;
  gboolean       activate_pending;
  GMutex         progress_lock;
  guint64        progress_done;
  guint64        progress_total;
  guint          progress_source;
  GtkWidget     *progress_dialog;   /* a CdOpenProgress */
};

G_DEFINE_FINAL_TYPE (CdApp, cd_app, GTK_TYPE_APPLICATION)

static void show_login (CdApp *self);

static void
on_main_switch_clerk_cb (CdApp *self)
{
  g_autoptr(GError) error = NULL;

  if (!cd_clerk_store_logout (self->ctx, &error))
    g_warning ("Logout not recorded: %s", error->message);
  show_login (self);
  g_clear_pointer (&self->main, gtk_widget_destroy);
}

static void
on_signed_in_cb (CdApp *self, CdClerk *clerk)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
  CdMainWindow *win = cd_main_window_new (GTK_APPLICATION (self), self->ctx, clerk);

  self->main = GTK_WIDGET (win);
  g_object_add_weak_pointer (G_OBJECT (win), (gpointer *) &self->main);
  g_signal_connect_object (win, "switch-clerk", G_CALLBACK (on_main_switch_clerk_cb), self, G_CONNECT_SWAPPED);
  if (self->head_office)
    cd_main_window_set_head_office (win, self->head_office);
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (win));
  gtk_window_present (GTK_WINDOW (win));
  g_clear_pointer (&self->login, gtk_widget_destroy);
}

static gboolean
quit_idle_cb (gpointer app)
{
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

/* The cold-start benchmark: quit as soon as the login window has drawn its first frame. */
static gboolean
on_login_drawn_cb (GtkWidget *widget, cairo_t *cr, gpointer data)
{
  static gboolean once;

  if (!once)
    {
      once = TRUE;
      g_idle_add_full (G_PRIORITY_HIGH, quit_idle_cb, data, NULL);
    }
  return FALSE;
}

/* Ctrl+Q closes the main window as its close button does (it asks first when a paid application is
 * unfinished); the application ends with its last window. */
static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer app)
{
  CdApp *self = CD_APP (app);

  if (self->main)
    gtk_window_close (GTK_WINDOW (self->main));
  else
    g_application_quit (G_APPLICATION (app));
}

static void
show_login (CdApp *self)
{
  CdLoginWindow *login = cd_login_window_new (GTK_APPLICATION (self), self->ctx);

  self->login = GTK_WIDGET (login);
  g_object_add_weak_pointer (G_OBJECT (login), (gpointer *) &self->login);
  g_signal_connect_object (login, "signed-in", G_CALLBACK (on_signed_in_cb), self, G_CONNECT_SWAPPED);
  if (g_getenv ("CERTDESK_EXIT_AFTER_FIRST_FRAME"))
    g_signal_connect_after (login, "draw", G_CALLBACK (on_login_drawn_cb), self);
  gtk_window_present (GTK_WINDOW (login));
}

/* Loads the forms' fonts' character maps off the main loop, so the wizard's first pre-flight finds them
 * loaded (the first call reads the fonts: tens of milliseconds). */
static gpointer
load_font_maps (gpointer data)
{
  cd_worker_yield_to_ui ();
  cd_forms_font_missing_chars ("");
  return NULL;
}

/* Worker thread: the store's sealing migration reports its rows here (cd_store_crypt_set_progress). */
static void
on_open_progress (guint64 done, guint64 total, gpointer data)
{
  CdApp *self = data;

  g_mutex_lock (&self->progress_lock);
  self->progress_done = done;
  self->progress_total = total;
  g_mutex_unlock (&self->progress_lock);
}

/* Main loop, every 50 ms while the database opens: the dialog once a sealing runs, its bar from the worker's
 * figures. */
static gboolean
update_progress_cb (gpointer data)
{
  CdApp *self = data;
  guint64 done, total;

  g_mutex_lock (&self->progress_lock);
  done = self->progress_done;
  total = self->progress_total;
  g_mutex_unlock (&self->progress_lock);
  if (total == 0)
    return G_SOURCE_CONTINUE;
  if (!self->progress_dialog)
    {
      /* no buttons: the sealing cannot be cancelled (see CdOpenProgress) */
      self->progress_dialog = GTK_WIDGET (cd_open_progress_new (GTK_APPLICATION (self)));
      g_object_add_weak_pointer (G_OBJECT (self->progress_dialog), (gpointer *) &self->progress_dialog);
      gtk_widget_show (self->progress_dialog);
    }
  cd_open_progress_set_progress (CD_OPEN_PROGRESS (self->progress_dialog), done, total);
  return G_SOURCE_CONTINUE;
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CdApp *self = source;
  GError *error = NULL;
  CdContext *ctx = cd_context_new (self->state_dir, self->db_path, &error);

  if (ctx)
    g_task_return_pointer (task, ctx, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void cd_app_activate (GApplication *app);

static void
on_opened_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  CdApp *self = CD_APP (source);
  g_autoptr(GError) error = NULL;

  cd_store_crypt_set_progress (NULL, NULL);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  self->opening = FALSE;
  self->ctx = g_task_propagate_pointer (G_TASK (result), &error);
  if (!self->ctx)
    {
      g_printerr (_("CertDesk cannot open its database: %s\n"), error->message);
      self->open_error = g_strdup (error->message);
    }
  /* the next window first, then the dialog goes: the application never runs out of windows on the way */
  if (self->activate_pending)
    cd_app_activate (G_APPLICATION (self));
  if (self->progress_dialog)
    gtk_widget_destroy (self->progress_dialog);
  g_application_release (G_APPLICATION (self));
}

static void
cd_app_startup (GApplication *app)
{
  CdApp *self = CD_APP (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const GActionEntry entries[] = {
    { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  };
  static const char *const sw[] = { "<Control><Shift>l", NULL };
  static const char *const quit[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (cd_app_parent_class)->startup (app);
  /* A name the forms cannot print is an applicant-step fault, before anything is printed or paid. */
  cd_preflight_set_glyph_check (cd_forms_font_missing_chars);
  g_thread_unref (g_thread_new ("font-maps", load_font_maps, NULL));
  gtk_css_provider_load_from_resource (css, "/org/certdesk/CertDesk/ui/style.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.switch-clerk", sw);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit);
  cd_main_window_add_accels (GTK_APPLICATION (app));
  /* Alt+Left (Back) and Enter (Next) are handled by the wizard itself, where the focus is. */
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  /* Off the main loop: the login window (or the reason the database did not open) follows in on_opened_cb. */
  {
    g_autoptr(GTask) task = g_task_new (self, NULL, on_opened_cb, NULL);

    self->opening = TRUE;
    g_application_hold (app);
    cd_store_crypt_set_progress (on_open_progress, self);
    self->progress_source = g_timeout_add (50, update_progress_cb, self);
    g_task_run_in_thread (task, open_thread);
  }
}

/* A clerk starts the counter from the desktop and sees no terminal: the reason the database did not open (a
 * database copied without its key, a full disk, a newer schema) is a dialog; closing it ends the application. */
static void
show_open_error (CdApp *self)
{
  GtkWidget *dialog = gtk_message_dialog_new (NULL, GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              "%s", _("CertDesk cannot open its database"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", self->open_error);
  gtk_window_set_title (GTK_WINDOW (dialog), _("CertDesk"));
  gtk_application_add_window (GTK_APPLICATION (self), GTK_WINDOW (dialog));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static void
cd_app_activate (GApplication *app)
{
  CdApp *self = CD_APP (app);

  if (self->opening)
    {
      self->activate_pending = TRUE;
      return;
    }
  if (!self->ctx)
    {
      if (self->open_error && !gtk_application_get_windows (GTK_APPLICATION (app)))
        show_open_error (self);
      return;
    }
  if (self->main)
    gtk_window_present (GTK_WINDOW (self->main));
  else if (self->login)
    gtk_window_present (GTK_WINDOW (self->login));
  else
    show_login (self);
}

static int
cd_app_handle_local_options (GApplication *app, GVariantDict *options)
{
  CdApp *self = CD_APP (app);

  g_variant_dict_lookup (options, "state-dir", "^ay", &self->state_dir);
  g_variant_dict_lookup (options, "db", "^ay", &self->db_path);
  g_variant_dict_lookup (options, "head-office", "s", &self->head_office);
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("certdesk %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
cd_app_shutdown (GApplication *app)
{
  CdApp *self = CD_APP (app);

  if (self->main)
    gtk_widget_destroy (self->main);
  if (self->ctx && cd_context_get_clerk_id (self->ctx) > 0)
    {
      g_autoptr(GError) error = NULL;
      if (!cd_clerk_store_logout (self->ctx, &error))
        g_warning ("Logout not recorded: %s", error->message);
    }
  G_APPLICATION_CLASS (cd_app_parent_class)->shutdown (app);
}

static void
cd_app_finalize (GObject *object)
{
  CdApp *self = CD_APP (object);

  g_clear_object (&self->ctx);
  g_mutex_clear (&self->progress_lock);
  g_free (self->state_dir);
  g_free (self->db_path);
  g_free (self->head_office);
  g_free (self->open_error);
  G_OBJECT_CLASS (cd_app_parent_class)->finalize (object);
}

static void
cd_app_class_init (CdAppClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = cd_app_finalize;
  app_class->startup = cd_app_startup;
  app_class->activate = cd_app_activate;
  app_class->shutdown = cd_app_shutdown;
  app_class->handle_local_options = cd_app_handle_local_options;
}

static void
cd_app_init (CdApp *self)
{
  static const GOptionEntry options[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Folder of the counter's database and files"), N_("DIR") },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Database file"), N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { "head-office", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("The head office's reports: every outlet's, from the central database at URL (a libpq URI)"), N_("URL") },
    { NULL }
  };

  g_mutex_init (&self->progress_lock);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

CdApp *
cd_app_new (void)
{
  return g_object_new (CD_TYPE_APP, "application-id", CD_APP_ID, "flags", G_APPLICATION_NON_UNIQUE, NULL);
}

CdContext *
cd_app_get_context (CdApp *self)
{
  return self->ctx;
}

void
cd_app_setup_environment (void)
{
  const char *build = cd_paths_build_dir ();

  setlocale (LC_ALL, "");
  if (build && !g_getenv ("GSETTINGS_SCHEMA_DIR"))
    {
      g_autofree char *schemas = g_build_filename (build, "data", NULL);
      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, TRUE);
    }
  bindtextdomain (GETTEXT_PACKAGE, build ? CD_BUILD_LOCALEDIR : CD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
