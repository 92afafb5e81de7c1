/* cd-settings-page.c: the supervisor's settings. Outlet and clerks live in the database (audited by the
 * core); preferences of this workstation in GSettings. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-clerk-store.h"
#include "cd-clerks-panel.h"
#include "cd-gui-util.h"
#include "cd-prices-panel.h"
#include "cd-settings-page.h"

struct _CdSettingsPage {
  GtkBox           parent_instance;

  GtkNotebook     *notebook;
  GtkLabel        *outlet_code_label;
  GtkEntry        *outlet_name_entry;
  GtkEntry        *outlet_region_entry;
  GtkLabel        *outlet_status;
  GtkBox          *clerks_slot;
  GtkBox          *prices_slot;
  GtkBox          *profiles_box;
  GtkEntry        *pkcs11_entry;
  GtkEntry        *token_label_entry;
  GtkComboBoxText *issuer_combo;
  GtkEntry        *cmp_server_entry;
  GtkEntry        *cmp_reference_entry;
  GtkEntry        *cmp_trust_entry;
  GtkEntry        *cmp_ra_cert_entry;
  GtkEntry        *cmp_ra_key_entry;
  GtkLabel        *key_settings_error;

  CdContext       *ctx;
  GSettings       *settings;
  CdOutlet        *outlet;
};

G_DEFINE_FINAL_TYPE (CdSettingsPage, cd_settings_page, GTK_TYPE_BOX)

static void
on_outlet_save_cb (CdSettingsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->outlet)
    return;
  cd_gui_set_string (&self->outlet->name, gtk_entry_get_text (self->outlet_name_entry));
  cd_gui_set_string (&self->outlet->region, gtk_entry_get_text (self->outlet_region_entry));
  if (!cd_clerk_store_update_outlet (self->ctx, self->outlet, &error))
    gtk_label_set_text (self->outlet_status, error->message);
  else
    gtk_label_set_text (self->outlet_status, _("Saved"));
}

/* What is wrong with the file @path named in the @i-th file field of the key and issuer tab, and what it should
 * be; NULL when it is empty (not used) or there. */
static char *
missing_file_message (guint i, const char *path)
{
  /* a relative path would be looked up in whatever folder the counter was started from */
  if (!*path || (g_path_is_absolute (path) && g_file_test (path, G_FILE_TEST_IS_REGULAR)))
    return NULL;
  switch (i)
    {
    case 0:
      return g_strdup_printf (_("PKCS#11 module: there is no file “%s”; enter the full path of the key vendor’s "
                                "module (a .so file), or leave it empty for the demo key"), path);
    case 1:
      return g_strdup_printf (_("CMP trust anchor: there is no file “%s”; enter the full path of the CA’s root "
                                "certificate (a PEM file)"), path);
    case 2:
      return g_strdup_printf (_("RA certificate: there is no file “%s”; enter the full path of a PEM file, or "
                                "leave it empty to use the shared secret"), path);
    default:
      return g_strdup_printf (_("RA key: there is no file “%s”; enter the full path of the PEM file of the "
                                "RA certificate’s key"), path);
    }
}

/* The files named on the key and issuer tab are read only at the next key detection or burn: a typo would be
 * found out there, in front of an applicant. Each is checked as it is typed; the first fault is said in words. */
static void
on_key_file_changed_cb (CdSettingsPage *self)
{
  GtkEntry *files[] = { self->pkcs11_entry, self->cmp_trust_entry, self->cmp_ra_cert_entry, self->cmp_ra_key_entry };
  g_autofree char *first = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *message = missing_file_message (i, gtk_entry_get_text (files[i]));

      cd_gui_mark_entry (files[i], message);
      if (message && !first)
        first = g_steal_pointer (&message);
    }
  cd_gui_label_set_text (self->key_settings_error, first);
}

static void
on_profile_toggled_cb (GtkToggleButton *check, CdSettingsPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (self->profiles_box));
  g_auto(GStrv) ids = NULL;

  for (GList *l = children; l; l = l->next)
    {
      const char *id = g_object_get_data (l->data, "profile");
      if (id && gtk_toggle_button_get_active (l->data))
        g_strv_builder_add (builder, id);
    }
  ids = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "offered-profiles", (const char *const *) ids);
}

static void
fill_profiles (CdSettingsPage *self)
{
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (self->ctx));
  g_auto(GStrv) offered = g_settings_get_strv (self->settings, "offered-profiles");

  for (guint i = 0; i < profiles->len; i++)
    {
      CdProfile *p = profiles->pdata[i];
      g_autofree char *label = g_strdup_printf ("%s — %s", cd_profile_display_name (p), p->ca_name ? p->ca_name : "");
      GtkWidget *check = gtk_check_button_new_with_label (label);
      g_autofree char *name = g_strdup_printf ("offer_%s", p->id);

      gtk_widget_set_name (check, name);
      g_object_set_data_full (G_OBJECT (check), "profile", g_strdup (p->id), g_free);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), g_strv_contains ((const char *const *) offered, p->id));
      g_signal_connect (check, "toggled", G_CALLBACK (on_profile_toggled_cb), self);
      gtk_widget_show (check);
      gtk_box_pack_start (self->profiles_box, check, FALSE, FALSE, 0);
    }
}

static void
cd_settings_page_finalize (GObject *object)
{
  CdSettingsPage *self = CD_SETTINGS_PAGE (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->ctx);
  g_clear_pointer (&self->outlet, cd_outlet_free);
  G_OBJECT_CLASS (cd_settings_page_parent_class)->finalize (object);
}

static void
cd_settings_page_class_init (CdSettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cd_settings_page_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-settings-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdSettingsPage, name)
  BIND (notebook); BIND (outlet_code_label); BIND (outlet_name_entry); BIND (outlet_region_entry);
  BIND (outlet_status); BIND (clerks_slot); BIND (prices_slot); BIND (profiles_box); BIND (pkcs11_entry);
  BIND (token_label_entry); BIND (issuer_combo); BIND (cmp_server_entry); BIND (cmp_reference_entry);
  BIND (cmp_trust_entry); BIND (cmp_ra_cert_entry); BIND (cmp_ra_key_entry); BIND (key_settings_error);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_outlet_save_cb);
}

static void
cd_settings_page_init (CdSettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new ("org.certdesk.CertDesk");
  g_settings_bind (self->settings, "pkcs11-module", self->pkcs11_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "token-label", self->token_label_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "issuer", self->issuer_combo, "active-id", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cmp-server", self->cmp_server_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cmp-reference", self->cmp_reference_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cmp-trust-anchor", self->cmp_trust_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cmp-ra-certificate", self->cmp_ra_cert_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cmp-ra-key", self->cmp_ra_key_entry, "text", G_SETTINGS_BIND_DEFAULT);
  for (GtkEntry **e = (GtkEntry *[]) { self->pkcs11_entry, self->cmp_trust_entry, self->cmp_ra_cert_entry,
                                       self->cmp_ra_key_entry, NULL }; *e; e++)
    g_signal_connect_swapped (*e, "changed", G_CALLBACK (on_key_file_changed_cb), self);
  on_key_file_changed_cb (self);
}

CdSettingsPage *
cd_settings_page_new (CdContext *ctx)
{
  CdSettingsPage *self = g_object_new (CD_TYPE_SETTINGS_PAGE, NULL);
  GtkWidget *clerks, *prices;

  self->ctx = g_object_ref (ctx);
  self->outlet = cd_clerk_store_get_outlet (ctx, NULL);
  if (self->outlet)
    {
      gtk_label_set_text (self->outlet_code_label, self->outlet->code);
      gtk_entry_set_text (self->outlet_name_entry, self->outlet->name);
      gtk_entry_set_text (self->outlet_region_entry, self->outlet->region ? self->outlet->region : "");
    }
  fill_profiles (self);
  clerks = GTK_WIDGET (cd_clerks_panel_new (ctx));
  gtk_widget_show (clerks);
  gtk_box_pack_start (self->clerks_slot, clerks, TRUE, TRUE, 0);
  prices = GTK_WIDGET (cd_prices_panel_new (ctx));
  gtk_widget_show (prices);
  gtk_box_pack_start (self->prices_slot, prices, TRUE, TRUE, 0);
  return self;
}
