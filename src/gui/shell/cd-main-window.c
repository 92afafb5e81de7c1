/* cd-main-window.c: the main window. Sections are created per role: a clerk has no Settings at all. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-key-status.h"
#include "cd-main-window.h"
#include "cd-reports-page.h"
#include "cd-print-queue-page.h"
#include "cd-settings-page.h"
#include "cd-today-page.h"
#ifdef CD_GUI_HAVE_CENTRAL
#include "cd-central.h"
#include "cd-sync-status.h"
#endif

struct _CdMainWindow {
  GtkApplicationWindow parent_instance;

  GtkHeaderBar *header;
  GtkBox       *key_slot;
  GtkListBox   *sidebar;
  GtkWidget    *accept_row;
  GtkWidget    *today_row;
  GtkWidget    *print_row;
  GtkWidget    *reports_row;
  GtkWidget    *settings_row;
  GtkStack     *stack;

  CdContext    *ctx;
  CdClerk      *clerk;
  CdWizard     *wizard;
  CdTodayPage  *today;
  GtkWidget    *settings;
  gboolean      close_confirmed;   /* the clerk closes with a paid application unfinished */
};

G_DEFINE_FINAL_TYPE (CdMainWindow, cd_main_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  SWITCH_CLERK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
row_section (CdMainWindow *self, GtkListBoxRow *row)
{
  GtkWidget *w = GTK_WIDGET (row);

  return w == self->accept_row ? "accept" : w == self->today_row ? "today" : w == self->print_row ? "print"
       : w == self->reports_row ? "reports" : "settings";
}

static GtkWidget *
section_row (CdMainWindow *self, const char *section)
{
  if (g_str_equal (section, "accept")) return self->accept_row;
  if (g_str_equal (section, "today")) return self->today_row;
  if (g_str_equal (section, "print")) return self->print_row;
  if (g_str_equal (section, "reports")) return self->reports_row;
  if (g_str_equal (section, "settings")) return self->settings_row;
  return NULL;
}

static gboolean
role_allows (CdRole role, const char *section)
{
  switch (role)
    {
    case CD_ROLE_SUPERVISOR:
      return TRUE;
    /* g_strcmp0, not g_str_equal: inlined with row_section()'s constants, GCC 12 warns (-Wstring-compare)
     * about the comparison of two different literals it could tell apart. */
    case CD_ROLE_CLERK:
      return g_strcmp0 (section, "settings") != 0 && g_strcmp0 (section, "reports") != 0;
    case CD_ROLE_PRINTER:
      return g_strcmp0 (section, "print") == 0 || g_strcmp0 (section, "today") == 0;
    /* The head office (issue 16 item 6): the reports over every outlet, nothing of the acceptance. */
    case CD_ROLE_HEAD_OFFICE:
      return g_strcmp0 (section, "reports") == 0;
    default:
      return FALSE;
    }
}

/* callbacks */

static void
on_sidebar_row_selected_cb (CdMainWindow *self, GtkListBoxRow *row)
{
  const char *section;

  if (!row)
    return;
  section = row_section (self, row);
  if (!role_allows (self->clerk->role, section))
    return;
  gtk_stack_set_visible_child_name (self->stack, section);
  if (g_str_equal (section, "today"))
    cd_today_page_refresh (self->today);
  if (g_str_equal (section, "print") && CD_IS_PRINT_QUEUE_PAGE (gtk_stack_get_child_by_name (self->stack, "print")))
    cd_print_queue_page_refresh (CD_PRINT_QUEUE_PAGE (gtk_stack_get_child_by_name (self->stack, "print")));
}

/* Tab leaves the sidebar for the section, Shift+Tab for what is before it; the arrow keys move between
 * sections. GtkListBox would walk Tab through every row, and with browse selection open each section on the
 * way: the clerk could never Tab from the sidebar into the section it shows. */
static gboolean
on_sidebar_focus_cb (CdMainWindow *self, GtkDirectionType direction, GtkWidget *sidebar)
{
  /* FALSE with the emission stopped: the focus moves on past the sidebar */
  if ((direction == GTK_DIR_TAB_FORWARD || direction == GTK_DIR_TAB_BACKWARD)
      && gtk_container_get_focus_child (GTK_CONTAINER (sidebar)) != NULL)
    g_signal_stop_emission_by_name (sidebar, "focus");
  return FALSE;
}

static void
on_open_application_cb (CdMainWindow *self, gint64 id)
{
  g_autoptr(GError) error = NULL;

  if (!cd_wizard_open (self->wizard, id, &error))
    {
      g_warning ("Opening application %" G_GINT64_FORMAT " failed: %s", id, error->message);
      return;
    }
  cd_main_window_show_section (self, "accept");
}

static void
switch_clerk_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  CdMainWindow *self = data;

  cd_wizard_flush (self->wizard);
  g_signal_emit (self, signals[SWITCH_CLERK], 0);
}

static void
section_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  cd_main_window_show_section (CD_MAIN_WINDOW (data), g_variant_get_string (param, NULL));
}

static void
on_close_confirm_response_cb (CdMainWindow *self, int response, GtkDialog *dialog)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (response != GTK_RESPONSE_CLOSE)
    return;
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* The applicant has paid and the application is not finished: closing the window is asked first (the next
 * start offers to resume it). */
static gboolean
confirm_close (CdMainWindow *self)
{
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  if (self->close_confirmed || !cd_wizard_has_unfinished_paid (self->wizard))
    return TRUE;
  cd_main_window_show_section (self, "accept");
  text = cd_wizard_describe_unfinished (self->wizard);
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_WARNING, GTK_BUTTONS_NONE, "%s", _("Close with a paid application unfinished?"));
  gtk_widget_set_name (dialog, "close_confirm_dialog");
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s\n%s", text,
                                            _("It is kept; CertDesk offers to continue with it when it starts again."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Stay"), GTK_RESPONSE_CANCEL, _("Close _anyway"),
                          GTK_RESPONSE_CLOSE, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_confirm_response_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_show (dialog);
  return FALSE;
}

static gboolean
cd_main_window_delete_event (GtkWidget *widget, GdkEventAny *event)
{
  cd_wizard_flush (CD_MAIN_WINDOW (widget)->wizard);
  if (!confirm_close (CD_MAIN_WINDOW (widget)))
    return TRUE;
  return GTK_WIDGET_CLASS (cd_main_window_parent_class)->delete_event
           ? GTK_WIDGET_CLASS (cd_main_window_parent_class)->delete_event (widget, event) : FALSE;
}

static void
cd_main_window_finalize (GObject *object)
{
  CdMainWindow *self = CD_MAIN_WINDOW (object);

  g_clear_pointer (&self->clerk, cd_clerk_free);
  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_main_window_parent_class)->finalize (object);
}

static void
cd_main_window_class_init (CdMainWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cd_main_window_finalize;
  widget_class->delete_event = cd_main_window_delete_event;
  signals[SWITCH_CLERK] = g_signal_new ("switch-clerk", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-main-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdMainWindow, name)
  BIND (header); BIND (key_slot); BIND (sidebar); BIND (accept_row); BIND (today_row); BIND (print_row);
  BIND (reports_row); BIND (settings_row); BIND (stack);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_focus_cb);
}

static void
cd_main_window_init (CdMainWindow *self)
{
  static const GActionEntry actions[] = {
    { "switch-clerk", switch_clerk_activated, NULL, NULL, NULL, { 0 } },
    { "section", section_activated, "s", NULL, NULL, { 0 } },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
}

/* The sidebar's sections are Ctrl+1…5 rather than mnemonics: every letter stays with the fields. */
void
cd_main_window_add_accels (GtkApplication *app)
{
  static const char *const sections[] = { "accept", "today", "print", "reports", "settings" };

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *action = g_strdup_printf ("win.section('%s')", sections[i]);
      g_autofree char *accel = g_strdup_printf ("<Control>%u", i + 1);
      const char *const accels[] = { accel, NULL };

      gtk_application_set_accels_for_action (app, action, accels);
    }
}

CdMainWindow *
cd_main_window_new (GtkApplication *app, CdContext *ctx, const CdClerk *clerk)
{
  CdMainWindow *self = g_object_new (CD_TYPE_MAIN_WINDOW, "application", app, NULL);
  g_autoptr(CdOutlet) outlet = cd_clerk_store_get_outlet (ctx, NULL);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  self->ctx = g_object_ref (ctx);
  self->clerk = cd_clerk_copy (clerk);
  title = outlet ? g_strdup_printf (_("CertDesk · %s"), outlet->name) : g_strdup (_("CertDesk"));
  subtitle = g_strdup_printf (_("%s (%s) · %s"), clerk->name, clerk->login, cd_role_label (clerk->role));
  gtk_header_bar_set_title (self->header, title);
  gtk_header_bar_set_subtitle (self->header, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);

  /* The USB key's status, everywhere in the app (key module); not for the head office, which does no key work:
   * it would load the key module and list its slots every few seconds behind a hidden slot. */
  if (clerk->role != CD_ROLE_HEAD_OFFICE)
    cd_key_status_install (self->key_slot, ctx);
#ifdef CD_GUI_HAVE_CENTRAL
  /* Joined to a central database: its sync state beside the clerk switch (hidden on a counter on its own). */
  gtk_header_bar_pack_start (self->header, GTK_WIDGET (cd_sync_status_new (ctx)));
#endif
  self->wizard = cd_wizard_new (ctx);
  gtk_widget_show (GTK_WIDGET (self->wizard));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->wizard), "accept");
  self->today = cd_today_page_new (ctx);
  gtk_widget_show (GTK_WIDGET (self->today));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->today), "today");
  g_signal_connect_object (self->today, "open-application", G_CALLBACK (on_open_application_cb), self,
                           G_CONNECT_SWAPPED);
  /* The print queue (forms module) replaces the template's placeholder. */
  if (role_allows (clerk->role, "print"))
    {
      GtkWidget *queue = GTK_WIDGET (cd_print_queue_page_new (ctx));
      GtkWidget *placeholder = gtk_stack_get_child_by_name (self->stack, "print");

      if (placeholder)
        gtk_widget_destroy (placeholder);
      gtk_widget_show (queue);
      gtk_stack_add_named (self->stack, queue, "print");
    }
  /* A clerk's window has no settings page at all, not merely a hidden one. */
  if (role_allows (clerk->role, "settings"))
    {
      self->settings = GTK_WIDGET (cd_settings_page_new (ctx));
      gtk_widget_show (self->settings);
      gtk_stack_add_named (self->stack, self->settings, "settings");
    }
  /* The supervisor's reports page takes the place of the template's placeholder. */
  if (role_allows (clerk->role, "reports"))
    {
      GtkWidget *reports = GTK_WIDGET (cd_reports_page_new (ctx));
      GtkWidget *placeholder = gtk_stack_get_child_by_name (self->stack, "reports");

      if (placeholder)
        gtk_container_remove (GTK_CONTAINER (self->stack), placeholder);
      gtk_widget_show (reports);
      gtk_stack_add_named (self->stack, reports, "reports");
    }
  for (const char *const *s = (const char *const[]) { "accept", "today", "print", "reports", "settings", NULL }; *s; s++)
    gtk_widget_set_visible (section_row (self, *s), role_allows (clerk->role, *s));
  if (clerk->role == CD_ROLE_HEAD_OFFICE)
    {
      /* Its reports page reads the central database as the database user of the account's own name (a role the
       * administrator grants certdesk_head_office, its password in this machine's ~/.pgpass or a client
       * certificate): the counter's own login reads only its outlet. certdesk --head-office URL overrides it. */
#ifdef CD_GUI_HAVE_CENTRAL
      g_autofree char *joined = cd_store_setting_dup (cd_context_get_store (ctx), "central.url");
      g_autofree char *url = joined ? cd_central_url_as_user (joined, clerk->login) : NULL;

      if (url)
        cd_main_window_set_head_office (self, url);
#endif
      /* no key work in this role: no USB key status in the header (its room stays, the title where it is) */
      gtk_widget_hide (GTK_WIDGET (self->key_slot));
      cd_main_window_show_section (self, "reports");
      return self;
    }
  cd_main_window_show_section (self, clerk->role == CD_ROLE_PRINTER ? "print" : "accept");
  if (clerk->role != CD_ROLE_PRINTER)
    cd_wizard_offer_resume (self->wizard);
  return self;
}

gboolean
cd_main_window_set_head_office (CdMainWindow *self, const char *url)
{
  GtkWidget *reports = gtk_stack_get_child_by_name (self->stack, "reports");

  if (!reports || !CD_IS_REPORTS_PAGE (reports))
    return FALSE;
  cd_reports_page_set_central (CD_REPORTS_PAGE (reports), url);
  return cd_main_window_show_section (self, "reports");
}

CdWizard *
cd_main_window_get_wizard (CdMainWindow *self)
{
  return self->wizard;
}

gboolean
cd_main_window_show_section (CdMainWindow *self, const char *section)
{
  GtkWidget *row = section_row (self, section);

  if (!row || !role_allows (self->clerk->role, section))
    return FALSE;
  gtk_list_box_select_row (self->sidebar, GTK_LIST_BOX_ROW (row));
  gtk_stack_set_visible_child_name (self->stack, section);
  return TRUE;
}

const char *
cd_main_window_get_section (CdMainWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

GtkBox *
cd_main_window_get_key_slot (CdMainWindow *self)
{
  return self->key_slot;
}
