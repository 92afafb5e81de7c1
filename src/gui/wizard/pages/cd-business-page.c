/* cd-business-page.c: wizard step 1. The profiles this outlet offers and their business types as large
 * choices; for follow-up business, finding the existing customer prefills the applicant. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-application-store.h"
#include "cd-business-page.h"
#include "cd-central-copy.h"
#include "cd-customer-store.h"
#include "cd-gui-util.h"
#include "cd-ident.h"
#include "cd-page-common.h"
#include "cd-preflight.h"

struct _CdBusinessPage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  GtkLabel       *profile_heading;
  GtkFlowBox     *profile_box;
  GtkLabel       *business_heading;
  GtkFlowBox     *business_box;
  GtkWidget      *existing_box;
  GtkSearchEntry *find_entry;
  GtkLabel       *find_label;
  GtkEntry       *serial_entry;
  GtkSpinButton  *years_spin;
  GtkSpinButton  *keys_main_spin;
  GtkSpinButton  *keys_secondary_spin;
  GtkSpinButton  *seals_spin;
  GtkToggleButton *zero_fee_check;
  GtkToggleButton *one_cert_check;

  GtkWidget      *profile_none;    /* hidden radio: active while no profile is chosen */
  GtkWidget      *business_none;
  /* What the choices on screen were built for: entering the step again only sets which one is active
   * (building them again cost a third of a frame on every return to the step). */
  char           *profiles_shown;  /* the profile ids, in order */
  char           *businesses_shown;/* the profile id the business choices are of */
  GtkWidget      *choices;         /* the lookup's list when several match (weak) */
};

static void cd_business_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdBusinessPage, cd_business_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_business_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdBusinessPage, cd_business_page)

static void on_profile_toggled_cb (CdBusinessPage *self, GtkToggleButton *button);
static void on_business_toggled_cb (CdBusinessPage *self, GtkToggleButton *button);

static gboolean
profile_offered_here (CdBusinessPage *self, const char *id)
{
  g_autoptr(GSettings) settings = g_settings_new ("org.certdesk.CertDesk");
  g_auto(GStrv) offered = g_settings_get_strv (settings, "offered-profiles");

  return offered[0] == NULL || g_strv_contains ((const char *const *) offered, id);
}

/* Activates the choice under @box whose @key data is @value (a string, or a GUINT_TO_POINTER when @is_uint),
 * or @none when there is none. */
static void
select_choice (GtkFlowBox *box, const char *key, gconstpointer value, gboolean is_uint, GtkWidget *none)
{
  g_autoptr(GList) children = gtk_container_get_children (GTK_CONTAINER (box));
  GtkWidget *chosen = none;

  for (GList *l = children; l; l = l->next)
    {
      GtkWidget *radio = gtk_bin_get_child (GTK_BIN (l->data));
      gpointer data = g_object_get_data (G_OBJECT (radio), key);

      if (is_uint ? data == value : g_strcmp0 (data, value) == 0)
        chosen = radio;
    }
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (chosen), TRUE);
}

static GtkWidget *
add_choice (GtkFlowBox *box, GtkWidget *group_member, const char *label, const char *name)
{
  GtkWidget *radio = gtk_radio_button_new_with_label_from_widget (GTK_RADIO_BUTTON (group_member), label);
  GtkWidget *child = gtk_flow_box_child_new ();

  gtk_toggle_button_set_mode (GTK_TOGGLE_BUTTON (radio), FALSE);
  gtk_widget_set_name (radio, name);
  gtk_style_context_add_class (gtk_widget_get_style_context (radio), "cd-choice");
  gtk_label_set_line_wrap (GTK_LABEL (gtk_bin_get_child (GTK_BIN (radio))), TRUE);
  cd_gui_focus_passes_through (child);
  gtk_container_add (GTK_CONTAINER (child), radio);
  gtk_widget_show_all (child);
  gtk_container_add (GTK_CONTAINER (box), child);
  return radio;
}

static void
update_complete (CdBusinessPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  CdProfile *profile = cd_draft_get_profile (self->draft);

  if (!profile)
    cd_page_set_complete (self, FALSE, _("Choose the project or CA the applicant comes for"));
  else if (!cd_profile_offers_business (profile, app->business))
    cd_page_set_complete (self, FALSE, _("Choose the business"));
  else if (cd_application_total_keys (app) == 0)
    cd_page_set_complete (self, FALSE, _("At least one key is needed"));
  else
    cd_page_set_complete (self, TRUE, NULL);
}

static void
fill_businesses (CdBusinessPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  CdProfile *profile = cd_draft_get_profile (self->draft);
  GtkWidget *first = NULL;

  if (profile && g_strcmp0 (self->businesses_shown, profile->id) == 0)
    {
      select_choice (self->business_box, "business", GUINT_TO_POINTER (app->business), TRUE, self->business_none);
      gtk_widget_set_visible (self->existing_box, app->business != CD_BUSINESS_NEW);
      return;
    }
  g_free (self->businesses_shown);
  self->businesses_shown = profile ? g_strdup (profile->id) : NULL;
  cd_gui_container_clear (GTK_CONTAINER (self->business_box));
  g_clear_object (&self->business_none);
  self->business_none = g_object_ref_sink (gtk_radio_button_new (NULL));
  for (guint b = 0; profile && b < CD_N_BUSINESSES; b++)
    if (cd_profile_offers_business (profile, b))
      {
        g_autofree char *name = g_strdup_printf ("business_%s", cd_business_to_code (b));
        GtkWidget *radio = add_choice (self->business_box, self->business_none, cd_business_label (b), name);

        g_object_set_data (G_OBJECT (radio), "business", GUINT_TO_POINTER (b));
        if (b == app->business)
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (radio), TRUE);
        g_signal_connect_swapped (radio, "toggled", G_CALLBACK (on_business_toggled_cb), self);
        if (!first)
          first = radio;
      }
  gtk_label_set_mnemonic_widget (self->business_heading, first);
  gtk_widget_set_visible (self->existing_box, app->business != CD_BUSINESS_NEW);
}

/* The projects this outlet offers (and the application's own, if no longer offered), as choices. */
static void
fill_profiles (CdBusinessPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  g_autoptr(GPtrArray) profiles = cd_profile_set_list (cd_context_get_profiles (self->ctx));
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autoptr(GString) key = g_string_new (NULL);
  GtkWidget *first = NULL;

  for (guint i = 0; i < profiles->len; i++)
    {
      CdProfile *p = profiles->pdata[i];

      if (profile_offered_here (self, p->id) || g_strcmp0 (p->id, app->profile) == 0)
        {
          g_ptr_array_add (shown, p);
          g_string_append_printf (key, "%s\n", p->id);
        }
    }
  if (g_strcmp0 (key->str, self->profiles_shown) == 0)
    {
      select_choice (self->profile_box, "profile", app->profile, FALSE, self->profile_none);
      return;
    }
  g_free (self->profiles_shown);
  self->profiles_shown = g_string_free (g_steal_pointer (&key), FALSE);
  cd_gui_container_clear (GTK_CONTAINER (self->profile_box));
  g_clear_object (&self->profile_none);
  self->profile_none = g_object_ref_sink (gtk_radio_button_new (NULL));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->profile_none), TRUE);
  for (guint i = 0; i < shown->len; i++)
    {
      CdProfile *p = shown->pdata[i];
      g_autofree char *name = g_strdup_printf ("profile_%s", p->id);
      GtkWidget *radio = add_choice (self->profile_box, self->profile_none, cd_profile_display_name (p), name);

      gtk_widget_set_tooltip_text (radio, p->ca_name);
      g_object_set_data_full (G_OBJECT (radio), "profile", g_strdup (p->id), g_free);
      if (g_strcmp0 (p->id, app->profile) == 0)
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (radio), TRUE);
      g_signal_connect_swapped (radio, "toggled", G_CALLBACK (on_profile_toggled_cb), self);
      if (!first)
        first = radio;
    }
  gtk_label_set_mnemonic_widget (self->profile_heading, first);
}

/* "Default (2 years)" for the term 0 (the profile's own term, cd-fee.c), so the field reads like a form, not
 * like a programmer's note "0 = default". */
static char *
default_term_text (CdBusinessPage *self)
{
  CdProfile *profile = self->draft ? cd_draft_get_profile (self->draft) : NULL;

  if (profile == NULL || profile->validity_years == 0)
    return g_strdup (_("Default"));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Default (%u year)", "Default (%u years)",
                                       profile->validity_years), profile->validity_years);
}

static gboolean
on_years_output_cb (CdBusinessPage *self)
{
  int years = gtk_spin_button_get_value_as_int (self->years_spin);
  g_autofree char *text = years == 0 ? default_term_text (self) : g_strdup_printf ("%d", years);

  if (g_strcmp0 (gtk_entry_get_text (GTK_ENTRY (self->years_spin)), text) != 0)
    gtk_entry_set_text (GTK_ENTRY (self->years_spin), text);
  return TRUE;
}

/* The shown "Default (…)" reads back as 0; a number typed as itself. */
static int
on_years_input_cb (CdBusinessPage *self, double *new_value)
{
  const char *text = gtk_entry_get_text (GTK_ENTRY (self->years_spin));
  g_autofree char *def = default_term_text (self);
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  guint64 n;

  if (g_str_equal (text, def) || *trimmed == '\0')
    {
      *new_value = 0;
      return TRUE;
    }
  if (g_ascii_string_to_unsigned (trimmed, 10, 0, 10, &n, NULL))
    {
      *new_value = (double) n;
      return TRUE;
    }
  return GTK_INPUT_ERROR;
}

static void
load_from_draft (CdBusinessPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);

  self->loading = TRUE;
  fill_profiles (self);
  fill_businesses (self);
  gtk_entry_set_text (self->serial_entry, app->existing_serial ? app->existing_serial : "");
  gtk_spin_button_set_value (self->years_spin, app->years);
  on_years_output_cb (self);          /* the profile's default term named, even when the value stayed 0 */
  gtk_spin_button_set_value (self->keys_main_spin, app->keys_main);
  gtk_spin_button_set_value (self->keys_secondary_spin, app->keys_secondary);
  gtk_spin_button_set_value (self->seals_spin, app->seals);
  gtk_toggle_button_set_active (self->zero_fee_check, app->zero_fee);
  gtk_toggle_button_set_active (self->one_cert_check, app->one_cert);
  gtk_widget_set_sensitive (GTK_WIDGET (self), cd_draft_is_editable (self->draft));
  self->loading = FALSE;
  update_complete (self);
}

/* The applicant type and party role must be ones the new profile offers. */
static void
fit_to_profile (CdApplication *app, CdProfile *profile)
{
  if (!cd_profile_offers_business (profile, app->business))
    for (guint b = 0; b < CD_N_BUSINESSES; b++)
      if (cd_profile_offers_business (profile, b))
        {
          app->business = b;
          break;
        }
  if (!cd_profile_offers_applicant (profile, app->applicant_type))
    for (guint t = 0; t < CD_N_APPLICANTS; t++)
      if (cd_profile_offers_applicant (profile, t))
        {
          app->applicant_type = t;
          break;
        }
  if (app->has_party_role && !((profile->party_roles >> app->party_role) & 1))
    app->has_party_role = FALSE;
  app->years = 0;
}

/* callbacks */

static void
on_profile_toggled_cb (CdBusinessPage *self, GtkToggleButton *button)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  const char *id = g_object_get_data (G_OBJECT (button), "profile");
  CdProfile *profile;

  if (self->loading || !gtk_toggle_button_get_active (button) || g_strcmp0 (id, app->profile) == 0)
    return;
  profile = cd_context_lookup_profile (self->ctx, id, NULL);
  g_return_if_fail (profile != NULL);
  cd_gui_set_string (&app->profile, id);
  fit_to_profile (app, profile);
  self->loading = TRUE;
  fill_businesses (self);
  gtk_spin_button_set_value (self->years_spin, 0);
  on_years_output_cb (self);
  self->loading = FALSE;
  update_complete (self);
  cd_draft_changed (self->draft);
}

static void
on_business_toggled_cb (CdBusinessPage *self, GtkToggleButton *button)
{
  CdApplication *app = cd_draft_get_app (self->draft);

  if (self->loading || !gtk_toggle_button_get_active (button))
    return;
  app->business = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "business"));
  gtk_widget_set_visible (self->existing_box, app->business != CD_BUSINESS_NEW);
  update_complete (self);
  cd_draft_changed (self->draft);
}

static void
on_field_changed_cb (CdBusinessPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);

  if (self->loading || !self->draft)
    return;
  cd_gui_set_string (&app->existing_serial, gtk_entry_get_text (self->serial_entry));
  app->years = gtk_spin_button_get_value_as_int (self->years_spin);
  app->keys_main = gtk_spin_button_get_value_as_int (self->keys_main_spin);
  app->keys_secondary = gtk_spin_button_get_value_as_int (self->keys_secondary_spin);
  app->seals = gtk_spin_button_get_value_as_int (self->seals_spin);
  app->zero_fee = gtk_toggle_button_get_active (self->zero_fee_check);
  app->one_cert = gtk_toggle_button_get_active (self->one_cert_check);
  update_complete (self);
  cd_draft_changed (self->draft);
}

/* One certificate a returning customer holds, as the lookup offers it. */
typedef struct {
  gint64  app_id;
  char   *number;
  char   *name;
  char   *serial;      /* NULL: the customer, without a certificate to work on */
  char   *not_after;
  char   *outlet;      /* another outlet's customer (pulled by sync): that outlet's name; NULL for this counter's */
  char   *data;        /* another outlet's customer: its applicant JSON (app_id is 0) */
} Candidate;

static void
candidate_free (Candidate *c)
{
  g_free (c->number);
  g_free (c->name);
  g_free (c->serial);
  g_free (c->not_after);
  g_free (c->outlet);
  g_free (c->data);
  g_free (c);
}

/* The returning customer's applicant data replace this draft's (JSON members, so the core owns them), and
 * the certificate's serial is the one the business works on. */
static void
fill_from (CdBusinessPage *self, const Candidate *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdApplication) previous = NULL;
  g_autoptr(JsonNode) from = NULL;
  g_autofree char *text = NULL;
  CdApplication *merged;

  if (c->outlet)
    {
      /* Another outlet's customer: its applicant as that counter last saved it. */
      if (!(from = json_from_string (c->data ? c->data : "{}", &error)) || !JSON_NODE_HOLDS_OBJECT (from))
        {
          gtk_label_set_text (self->find_label, error ? error->message
                                                      : _("The other outlet's customer record cannot be read"));
          return;
        }
    }
  else if (!cd_application_store_load (self->ctx, c->app_id, &previous, NULL, &error))
    {
      gtk_label_set_text (self->find_label, error->message);
      return;
    }
  else
    from = cd_application_to_json (previous);
  if (!(merged = cd_application_with_applicant_of (cd_draft_get_app (self->draft), json_node_get_object (from),
                                                    &error)))
    {
      gtk_label_set_text (self->find_label, error->message);
      return;
    }
  if (c->serial && c->outlet)
    {
      g_free (merged->existing_serial);
      merged->existing_serial = g_strdup (c->serial);
      /* TRANSLATORS: the other outlet's name, the customer, the certificate serial */
      text = g_strdup_printf (_("Filled in from %s's customer %s, certificate %s (issued at that outlet)"), c->outlet,
                              c->name, c->serial);
    }
  else if (c->serial)
    {
      g_free (merged->existing_serial);
      merged->existing_serial = g_strdup (c->serial);
      text = g_strdup_printf (_("Filled in from application %s (%s), certificate %s"), c->number, c->name, c->serial);
    }
  else if (c->outlet)
    text = g_strdup_printf (_("Filled in from %s's customer %s; no valid certificate of this customer is known: type "
                              "its serial"), c->outlet, c->name);
  else
    text = g_strdup_printf (_("Filled in from application %s (%s); no certificate of this customer is known here: "
                              "type its serial"), c->number, c->name);
  cd_draft_replace_app (self->draft, merged);
  gtk_label_set_text (self->find_label, text);
}

static void
on_choice_activated_cb (CdBusinessPage *self, GtkListBoxRow *row)
{
  const Candidate *c = g_object_get_data (G_OBJECT (row), "candidate");

  if (c)
    fill_from (self, c);
  if (self->choices)
    gtk_popover_popdown (GTK_POPOVER (self->choices));
}

/* Several customers or certificates match: the clerk chooses, from a list under the search field. */
static void
offer_choices (CdBusinessPage *self, GPtrArray *candidates)
{
  GtkWidget *list = gtk_list_box_new ();

  if (self->choices)
    gtk_widget_destroy (self->choices);
  self->choices = gtk_popover_new (GTK_WIDGET (self->find_entry));
  g_object_add_weak_pointer (G_OBJECT (self->choices), (gpointer *) &self->choices);
  gtk_widget_set_name (self->choices, "find_choices");
  gtk_widget_set_name (list, "find_choices_list");
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (list), TRUE);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = candidates->pdata[i];
      g_autofree char *day = c->not_after ? g_strndup (c->not_after, 10) : NULL;
      /* TRANSLATORS: applicant, application number, certificate serial, last day of validity */
      g_autofree char *text = NULL;

      if (c->outlet)
        /* TRANSLATORS: applicant, the outlet that issued the certificate, its serial, last day of validity */
        text = c->serial ? g_strdup_printf (_("%s · issued at %s · certificate %s, valid until %s"), c->name, c->outlet,
                                            c->serial, day ? day : "—")
                         : g_strdup_printf (_("%s · customer of %s · no valid certificate"), c->name, c->outlet);
      else
        text = c->serial ? g_strdup_printf (_("%s · application %s · certificate %s, valid until %s"), c->name,
                                            c->number, c->serial, day ? day : "—")
                         : g_strdup_printf (_("%s · application %s · no certificate"), c->name, c->number);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      g_object_set (label, "margin", 6, NULL);
      gtk_container_add (GTK_CONTAINER (row), label);
      g_object_set_data_full (G_OBJECT (row), "candidate", g_ptr_array_steal_index (candidates, i--),
                              (GDestroyNotify) candidate_free);
      gtk_container_add (GTK_CONTAINER (list), row);
    }
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_choice_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_container_add (GTK_CONTAINER (self->choices), list);
  gtk_widget_show_all (list);
  gtk_popover_popup (GTK_POPOVER (self->choices));
  gtk_label_set_text (self->find_label, _("Several customers or certificates match: choose one from the list"));
}

/* The customers other outlets served and their valid certificates, as sync last pulled them (cd-central-copy.h),
 * after this counter's own: each certificate once, named with the outlet that issued it. */
static gboolean
other_outlets_candidates (CdBusinessPage *self, const char *query, GPtrArray *candidates, Candidate **first_customer,
                          GError **error)
{
  CdStore *store = cd_context_get_store (self->ctx);
  g_autofree char *ident = cd_ident_normalize (query);
  g_autoptr(GPtrArray) customers = cd_central_copy_find_customers (store, query, ident, 20, error);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDateTime) now = cd_store_now (store);

  if (!customers)
    return FALSE;
  for (guint i = 0; i < candidates->len; i++)
    if (((Candidate *) candidates->pdata[i])->serial)
      g_hash_table_add (seen, g_strdup (((Candidate *) candidates->pdata[i])->serial));
  for (guint i = 0; i < customers->len; i++)
    {
      const CdCentralCustomer *cu = customers->pdata[i];
      gboolean unit = g_strcmp0 (cu->kind, "unit") == 0;
      g_autoptr(GPtrArray) certs = cd_central_copy_certificates_of (store, unit, unit ? cu->uscc : cu->id_number, error);

      if (!certs)
        return FALSE;
      for (guint j = 0; j < certs->len; j++)
        {
          const CdCentralCertificate *cc = certs->pdata[j];
          g_autoptr(GDateTime) end = cc->not_after ? g_date_time_new_from_iso8601 (cc->not_after, NULL) : NULL;
          Candidate *c;

          if (g_strcmp0 (cc->state, "issued") != 0 || (end && g_date_time_compare (end, now) <= 0)
              || g_hash_table_contains (seen, cc->serial))
            continue;
          g_hash_table_add (seen, g_strdup (cc->serial));
          c = g_new0 (Candidate, 1);
          c->name = g_strdup (cu->name);
          c->serial = g_strdup (cc->serial);
          c->not_after = g_strdup (cc->not_after);
          c->outlet = cd_central_copy_outlet_name (store, cc->outlet);
          c->data = g_strdup (cu->data);
          g_ptr_array_add (candidates, c);
        }
      if (!*first_customer)
        {
          *first_customer = g_new0 (Candidate, 1);
          (*first_customer)->name = g_strdup (cu->name);
          (*first_customer)->outlet = cd_central_copy_outlet_name (store, cu->outlet);
          (*first_customer)->data = g_strdup (cu->data);
        }
    }
  return TRUE;
}

static void
on_find_activate_cb (CdBusinessPage *self)
{
  const char *query = gtk_entry_get_text (GTK_ENTRY (self->find_entry));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  Candidate *first_customer = NULL;

  if (!*query)
    return;
  if (!(found = cd_application_store_search (self->ctx, query, FALSE, &error)))
    {
      gtk_label_set_text (self->find_label, error->message);
      return;
    }
  for (guint i = 0; i < found->len; i++)
    {
      CdApplicationInfo *hit = found->pdata[i];
      g_autoptr(GPtrArray) certs = NULL;

      if (hit->id == cd_draft_get_id (self->draft))
        continue;
      if (!(certs = cd_application_store_certificates (self->ctx, hit->id, &error)))
        {
          gtk_label_set_text (self->find_label, error->message);
          return;
        }
      for (guint j = 0; j < certs->len; j++)
        {
          CdCertificateInfo *cert = certs->pdata[j];
          Candidate *c;

          if (!cert->usable)
            continue;
          c = g_new0 (Candidate, 1);
          c->app_id = hit->id;
          c->number = g_strdup (hit->number);
          c->name = g_strdup (hit->name);
          c->serial = g_strdup (cert->serial);
          c->not_after = g_strdup (cert->not_after);
          g_ptr_array_add (candidates, c);
        }
      if (!first_customer)
        {
          first_customer = g_new0 (Candidate, 1);
          first_customer->app_id = hit->id;
          first_customer->number = g_strdup (hit->number);
          first_customer->name = g_strdup (hit->name);
        }
    }
  if (!other_outlets_candidates (self, query, candidates, &first_customer, &error))
    {
      gtk_label_set_text (self->find_label, error->message);
      g_clear_pointer (&first_customer, candidate_free);
      return;
    }
  if (!first_customer)
    gtk_label_set_text (self->find_label, _("No earlier application matches"));
  else if (candidates->len == 1)
    fill_from (self, candidates->pdata[0]);
  else if (candidates->len > 1)
    offer_choices (self, candidates);
  else
    fill_from (self, first_customer);
  g_clear_pointer (&first_customer, candidate_free);
}

/* vfuncs */

static void
on_draft_loaded_cb (CdBusinessPage *self)
{
  load_from_draft (self);
}

static void
cd_business_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdBusinessPage *self = CD_BUSINESS_PAGE (page);

  cd_page_take_draft_when_shown (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  gtk_label_set_text (self->find_label, "");
  load_from_draft (self);
}

static void
cd_business_page_enter (CdWizardPage *page)
{
  load_from_draft (CD_BUSINESS_PAGE (page));
}

/* The existing certificate's faults (unknown, another customer's, outside its renewal window…) mark the
 * serial; the message is in the wizard's reason line. */
static void
cd_business_page_show_faults (CdWizardPage *page, GPtrArray *faults)
{
  CdBusinessPage *self = CD_BUSINESS_PAGE (page);
  const char *message = NULL;

  for (guint j = 0; j < faults->len && !message; j++)
    {
      const CdPreflightFault *f = faults->pdata[j];

      if (f->path && g_str_has_prefix (f->path, "$.existing_certificate"))
        message = f->message;
    }
  cd_gui_mark_entry (self->serial_entry, message);
}

static void
cd_business_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_business_page_set_draft;
  iface->enter = cd_business_page_enter;
  iface->show_faults = cd_business_page_show_faults;
}

static void
cd_business_page_dispose (GObject *object)
{
  CdBusinessPage *self = CD_BUSINESS_PAGE (object);

  g_clear_object (&self->profile_none);
  g_clear_object (&self->business_none);
  g_clear_pointer (&self->profiles_shown, g_free);
  g_clear_pointer (&self->businesses_shown, g_free);
  cd_business_page_release (self);
  G_OBJECT_CLASS (cd_business_page_parent_class)->dispose (object);
}

static void
cd_business_page_class_init (CdBusinessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_business_page_get_property;
  object_class->set_property = cd_business_page_set_property;
  object_class->dispose = cd_business_page_dispose;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-business-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, profile_heading);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, profile_box);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, business_heading);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, business_box);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, existing_box);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, find_entry);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, find_label);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, serial_entry);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, years_spin);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, keys_main_spin);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, keys_secondary_spin);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, seals_spin);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, zero_fee_check);
  gtk_widget_class_bind_template_child (widget_class, CdBusinessPage, one_cert_check);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_years_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_years_input_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_find_activate_cb);
}

static void
cd_business_page_init (CdBusinessPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
