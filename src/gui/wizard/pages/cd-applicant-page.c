/* cd-applicant-page.c: wizard step 2. Field values go straight into the draft; the page is complete when
 * the core's cd_application_validate() has nothing to say about the applicant's part. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-applicant-page.h"
#include "cd-customer-completion.h"
#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-preflight.h"

struct _CdApplicantPage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  GtkComboBoxText *type_combo;
  GtkLabel        *role_label;
  GtkComboBoxText *role_combo;
  GtkLabel        *returning_label;
  GtkWidget       *unit_section;
  GtkWidget       *legal_section;
  GtkWidget       *person_section;
  GtkWidget       *agent_section;
  GtkWidget       *invoice_section;
  GtkToggleButton *has_uscc;
  GtkToggleButton *legal_present;

  GtkEntry *unit_name, *unit_uscc, *unit_address, *unit_postcode, *unit_phone, *unit_email;
  GtkEntry *legal_name, *legal_id_number, *legal_mobile;
  GtkEntry *person_name, *person_id_number, *person_mobile, *person_email;
  GtkEntry *agent_name, *agent_id_number, *agent_mobile, *agent_email;
  GtkEntry *invoice_title, *invoice_taxpayer, *invoice_email;
  GtkLabel *unit_uscc_error, *unit_postcode_error, *unit_email_error;
  GtkLabel *legal_id_number_error, *legal_mobile_error;
  GtkLabel *person_id_number_error, *person_mobile_error, *person_email_error;
  GtkLabel *agent_id_number_error, *agent_mobile_error, *agent_email_error;
  GtkLabel *invoice_taxpayer_error, *invoice_email_error;

  /* Returning customers offered under the unit name / USCC and the person's name / ID number. */
  CdCustomerCompletion *completions[4];
  /* The project the type and role choices were made for: entering the step again only sets the active ones
   * (rebuilding two combo boxes relaid the page out on every return to the step). */
  char *choices_profile;
};

static void cd_applicant_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdApplicantPage, cd_applicant_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_applicant_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdApplicantPage, cd_applicant_page)

typedef enum { REC_UNIT, REC_LEGAL, REC_AGENT, REC_PERSON, REC_INVOICE } Record;

/* Each entry, the JSON path the core checks it under, and its error label (-1: none). */
static const struct {
  gsize       entry;
  gssize      error;
  Record      record;
  const char *path;
} fields[] = {
#define F(e, r, p) { G_STRUCT_OFFSET (CdApplicantPage, e), -1, r, p }
#define FE(e, r, p) { G_STRUCT_OFFSET (CdApplicantPage, e), G_STRUCT_OFFSET (CdApplicantPage, e##_error), r, p }
  F (unit_name, REC_UNIT, "$.unit.name"),
  FE (unit_uscc, REC_UNIT, "$.unit.uscc"),
  F (unit_address, REC_UNIT, "$.unit.address"),
  FE (unit_postcode, REC_UNIT, "$.unit.postcode"),
  F (unit_phone, REC_UNIT, "$.unit.phone"),
  FE (unit_email, REC_UNIT, "$.unit.email"),
  F (legal_name, REC_LEGAL, "$.legal_person.name"),
  FE (legal_id_number, REC_LEGAL, "$.legal_person.id_number"),
  FE (legal_mobile, REC_LEGAL, "$.legal_person.mobile"),
  F (person_name, REC_PERSON, "$.person.name"),
  FE (person_id_number, REC_PERSON, "$.person.id_number"),
  FE (person_mobile, REC_PERSON, "$.person.mobile"),
  FE (person_email, REC_PERSON, "$.person.email"),
  F (agent_name, REC_AGENT, "$.agent.name"),
  FE (agent_id_number, REC_AGENT, "$.agent.id_number"),
  FE (agent_mobile, REC_AGENT, "$.agent.mobile"),
  FE (agent_email, REC_AGENT, "$.agent.email"),
  F (invoice_title, REC_INVOICE, "$.invoice.title"),
  FE (invoice_taxpayer, REC_INVOICE, "$.invoice.taxpayer_id"),
  FE (invoice_email, REC_INVOICE, "$.invoice.email"),
#undef F
#undef FE
};

/* Which entries offer returning customers, looking them up by what. */
static const struct {
  gsize           entry;
  CdCustomerField field;
} completed[] = {
  { G_STRUCT_OFFSET (CdApplicantPage, unit_name), CD_CUSTOMER_BY_NAME },
  { G_STRUCT_OFFSET (CdApplicantPage, unit_uscc), CD_CUSTOMER_BY_USCC },
  { G_STRUCT_OFFSET (CdApplicantPage, person_name), CD_CUSTOMER_BY_NAME },
  { G_STRUCT_OFFSET (CdApplicantPage, person_id_number), CD_CUSTOMER_BY_ID_NUMBER },
};

#define MEMBER(self, off, T) (*(T *) G_STRUCT_MEMBER_P ((self), (off)))

/* The string field of the draft behind @path; @create makes the record when missing. */
static char **
field_slot (CdApplication *app, Record rec, const char *path, gboolean create)
{
  const char *leaf = strrchr (path, '.') + 1;

  switch (rec)
    {
    case REC_UNIT:
      if (!app->unit && !create)
        return NULL;
      if (!app->unit)
        app->unit = g_new0 (CdUnit, 1);
      if (g_str_equal (leaf, "name")) return &app->unit->name;
      if (g_str_equal (leaf, "uscc")) return &app->unit->uscc;
      if (g_str_equal (leaf, "address")) return &app->unit->address;
      if (g_str_equal (leaf, "postcode")) return &app->unit->postcode;
      if (g_str_equal (leaf, "phone")) return &app->unit->phone;
      return &app->unit->email;
    case REC_INVOICE:
      if (!app->invoice && !create)
        return NULL;
      if (!app->invoice)
        app->invoice = g_new0 (CdInvoice, 1);
      if (g_str_equal (leaf, "title")) return &app->invoice->title;
      if (g_str_equal (leaf, "taxpayer_id")) return &app->invoice->taxpayer_id;
      return &app->invoice->email;
    default:
      {
        CdPerson **p = rec == REC_LEGAL ? &app->legal_person : rec == REC_AGENT ? &app->agent : &app->person;
        if (!*p && !create)
          return NULL;
        if (!*p)
          *p = g_new0 (CdPerson, 1);
        if (g_str_equal (leaf, "name")) return &(*p)->name;
        if (g_str_equal (leaf, "id_number")) return &(*p)->id_number;
        if (g_str_equal (leaf, "mobile")) return &(*p)->mobile;
        return &(*p)->email;
      }
    }
}

static gboolean
is_person (CdApplicantPage *self)
{
  return cd_applicant_type_is_person (cd_draft_get_app (self->draft)->applicant_type);
}

static gboolean
applicant_path (const char *path)
{
  static const char *const prefixes[] = { "$.unit", "$.legal_person", "$.agent", "$.person", "$.invoice",
                                          "$.party_role", "$.applicant_type", NULL };

  for (guint i = 0; prefixes[i]; i++)
    if (g_str_has_prefix (path, prefixes[i]))
      return TRUE;
  return FALSE;
}

static void
update_complete (CdApplicantPage *self)
{
  CdProfile *profile = cd_draft_get_profile (self->draft);
  CdApplication *app = cd_draft_get_app (self->draft);
  g_autoptr(GError) error = NULL;
  const char *field = NULL;
  g_autofree char *reason = NULL;

  if (!profile)
    {
      cd_page_set_complete (self, FALSE, _("Choose the project or CA first"));
      return;
    }
  if (cd_application_validate (app, profile, &error) || !applicant_path (error->message))
    {
      cd_page_set_complete (self, TRUE, NULL);
      return;
    }
  {
    g_autofree char *path = g_strndup (error->message, strcspn (error->message, ": "));

    /* the core names the roles by their codes: here they are the choices on screen */
    if (g_str_equal (path, "$.party_role") && !app->has_party_role)
      {
        g_autoptr(GString) roles = g_string_new (NULL);

        for (guint r = 0; r < CD_N_PARTY_ROLES; r++)
          if ((profile->party_roles >> r) & 1)
            g_string_append_printf (roles, "%s%s", roles->len ? C_("list", ", ") : "", cd_party_role_label (r));
        reason = g_strdup_printf (_("Choose the party role: %s"), roles->str);
        cd_page_set_complete (self, FALSE, reason);
        return;
      }
    field = cd_gui_path_section (path);
  }
  /* TRANSLATORS: "Unit: <what is wrong>" */
  reason = field ? g_strdup_printf (_("%s: %s"), field, cd_gui_error_text (error)) : g_strdup (cd_gui_error_text (error));
  cd_page_set_complete (self, FALSE, reason);
}

/* The core's word on one identifier, next to its field. */
static void
check_field (CdApplicantPage *self, guint i)
{
  GtkEntry *entry = MEMBER (self, fields[i].entry, GtkEntry *);
  g_autoptr(GError) error = NULL;

  if (fields[i].error < 0)
    return;
  cd_application_check_identifier (fields[i].path, gtk_entry_get_text (entry), NULL, &error);
  cd_gui_show_field_error (MEMBER (self, fields[i].error, GtkLabel *), error ? cd_gui_error_text (error) : NULL);
}

/* The pre-flight's faults of this step: each at its field (marked, and its message on the field's error line
 * when the field's own check has nothing to say); faults of no field are in the wizard's reason line. */
static void
cd_applicant_page_show_faults (CdWizardPage *page, GPtrArray *faults)
{
  CdApplicantPage *self = CD_APPLICANT_PAGE (page);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *message = NULL;

      for (guint j = 0; j < faults->len && !message; j++)
        {
          const CdPreflightFault *f = faults->pdata[j];

          if (g_strcmp0 (f->path, fields[i].path) == 0)
            message = f->message;
        }
      cd_gui_mark_entry (MEMBER (self, fields[i].entry, GtkEntry *), message);
      if (fields[i].error >= 0)
        {
          GtkLabel *label = MEMBER (self, fields[i].error, GtkLabel *);

          check_field (self, i);
          if (message && !*gtk_label_get_text (label))
            cd_gui_show_field_error (label, message);
        }
    }
}

static void
update_sections (CdApplicantPage *self)
{
  CdProfile *profile = cd_draft_get_profile (self->draft);
  gboolean person = is_person (self);
  gboolean roles = profile && cd_profile_has_party_roles (profile);

  gtk_widget_set_visible (self->unit_section, !person);
  gtk_widget_set_visible (self->legal_section, !person);
  gtk_widget_set_visible (self->person_section, person);
  gtk_widget_set_visible (GTK_WIDGET (self->role_label), roles);
  gtk_widget_set_visible (GTK_WIDGET (self->role_combo), roles);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unit_uscc), gtk_toggle_button_get_active (self->has_uscc));
}

/* Set only on a change: a combo box given its row again, or a label its text again, is measured and laid out
 * again, and with it the page around it, in the frame of the switch. */
static void
set_active_id (GtkComboBox *combo, const char *id)
{
  if (g_strcmp0 (gtk_combo_box_get_active_id (combo), id) != 0)
    gtk_combo_box_set_active_id (combo, id);
}

static void
load_from_draft (CdApplicantPage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  CdProfile *profile = cd_draft_get_profile (self->draft);

  self->loading = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->completions); i++)
    cd_customer_completion_clear (self->completions[i]);
  if (!profile || g_strcmp0 (self->choices_profile, profile->id) != 0)
    {
      g_free (self->choices_profile);
      self->choices_profile = profile ? g_strdup (profile->id) : NULL;
      gtk_combo_box_text_remove_all (self->type_combo);
      gtk_combo_box_text_remove_all (self->role_combo);
      for (guint t = 0; profile && t < CD_N_APPLICANTS; t++)
        if (cd_profile_offers_applicant (profile, t))
          gtk_combo_box_text_append (self->type_combo, cd_applicant_type_to_code (t), cd_applicant_type_label (t));
      for (guint r = 0; profile && r < CD_N_PARTY_ROLES; r++)
        if ((profile->party_roles >> r) & 1)
          gtk_combo_box_text_append (self->role_combo, cd_party_role_to_code (r), cd_party_role_label (r));
    }
  set_active_id (GTK_COMBO_BOX (self->type_combo), cd_applicant_type_to_code (app->applicant_type));
  set_active_id (GTK_COMBO_BOX (self->role_combo), app->has_party_role ? cd_party_role_to_code (app->party_role) : NULL);
  gtk_toggle_button_set_active (self->has_uscc, app->has_uscc);
  gtk_toggle_button_set_active (self->legal_present, app->legal_person_present);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      char **slot = field_slot (app, fields[i].record, fields[i].path, FALSE);
      GtkEntry *entry = MEMBER (self, fields[i].entry, GtkEntry *);

      gtk_entry_set_text (entry, slot && *slot ? *slot : "");
      check_field (self, i);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self), cd_draft_is_editable (self->draft));
  update_sections (self);
  self->loading = FALSE;
  update_complete (self);
}

/* Empty records are dropped so the core does not see half a person. */
static void
drop_empty_records (CdApplication *app, gboolean person)
{
  if (person)
    {
      g_clear_pointer (&app->unit, cd_unit_free);
      g_clear_pointer (&app->legal_person, cd_person_free);
    }
  else
    g_clear_pointer (&app->person, cd_person_free);
#define EMPTY_PERSON(p) (!(p)->name && !(p)->id_number && !(p)->mobile && !(p)->email)
  if (app->agent && EMPTY_PERSON (app->agent))
    g_clear_pointer (&app->agent, cd_person_free);
  if (app->invoice && !app->invoice->title && !app->invoice->taxpayer_id && !app->invoice->email
      && !app->invoice->address && !app->invoice->phone && !app->invoice->bank && !app->invoice->account)
    g_clear_pointer (&app->invoice, cd_invoice_free);
#undef EMPTY_PERSON
}

/* callbacks */

static void
on_field_changed_cb (CdApplicantPage *self, GtkWidget *widget)
{
  CdApplication *app;
  const char *type_id, *role_id;
  CdApplicantType type;
  CdPartyRole role;

  if (self->loading || !self->draft || !cd_draft_is_editable (self->draft))
    return;
  app = cd_draft_get_app (self->draft);
  type_id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->type_combo));
  role_id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->role_combo));
  if (type_id && cd_applicant_type_from_code (type_id, &type))
    app->applicant_type = type;
  app->has_party_role = role_id && cd_party_role_from_code (role_id, &role);
  if (app->has_party_role)
    app->party_role = role;
  app->has_uscc = gtk_toggle_button_get_active (self->has_uscc);
  app->legal_person_present = gtk_toggle_button_get_active (self->legal_present);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkEntry *entry = MEMBER (self, fields[i].entry, GtkEntry *);
      const char *text = gtk_entry_get_text (entry);
      char **slot = field_slot (app, fields[i].record, fields[i].path, *text != '\0');

      if (slot)
        cd_gui_set_string (slot, text);
      if ((GtkWidget *) entry == widget)
        check_field (self, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (completed); i++)
    if (MEMBER (self, completed[i].entry, GtkWidget *) == widget)
      cd_customer_completion_refresh (self->completions[i], i < 2);
  drop_empty_records (app, cd_applicant_type_is_person (app->applicant_type));
  update_sections (self);
  update_complete (self);
  cd_draft_changed (self->draft);
}

/* The clerk picked a returning customer: the applicant part of the draft becomes theirs. */
static void
on_customer_chosen_cb (CdApplicantPage *self, gint64 customer_id)
{
  g_autoptr(GError) error = NULL;
  CdApplication *merged;
  g_autofree char *text = NULL;

  if (!self->draft || !cd_draft_is_editable (self->draft))
    return;
  if (!(merged = cd_customer_store_apply (self->ctx, customer_id, cd_draft_get_app (self->draft), &error)))
    {
      gtk_label_set_text (self->returning_label, error->message);
      return;
    }
  cd_draft_replace_app (self->draft, merged);   /* reloads this page through "loaded" */
  /* TRANSLATORS: shown next to the applicant type after a returning customer was chosen */
  text = g_strdup_printf (_("Returning customer: filled in from the last application of %s"),
                          cd_application_display_name (merged));
  gtk_label_set_text (self->returning_label, text);
}

/* vfuncs */

static void
on_draft_loaded_cb (CdApplicantPage *self)
{
  load_from_draft (self);
}

static void
cd_applicant_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdApplicantPage *self = CD_APPLICANT_PAGE (page);

  cd_page_take_draft_when_shown (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "changed", G_CALLBACK (update_complete), self, G_CONNECT_SWAPPED);
  cd_gui_label_set_text (self->returning_label, "");
  load_from_draft (self);
}

static void
cd_applicant_page_enter (CdWizardPage *page)
{
  load_from_draft (CD_APPLICANT_PAGE (page));
}

static void
cd_applicant_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_applicant_page_set_draft;
  iface->enter = cd_applicant_page_enter;
  iface->show_faults = cd_applicant_page_show_faults;
}

static void
cd_applicant_page_dispose (GObject *object)
{
  g_clear_pointer (&CD_APPLICANT_PAGE (object)->choices_profile, g_free);
  cd_applicant_page_release (CD_APPLICANT_PAGE (object));
  G_OBJECT_CLASS (cd_applicant_page_parent_class)->dispose (object);
}

static void
cd_applicant_page_constructed (GObject *object)
{
  CdApplicantPage *self = CD_APPLICANT_PAGE (object);

  G_OBJECT_CLASS (cd_applicant_page_parent_class)->constructed (object);
  g_return_if_fail (self->ctx != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (completed); i++)
    {
      self->completions[i] = cd_customer_completion_attach (MEMBER (self, completed[i].entry, GtkEntry *), self->ctx,
                                                            completed[i].field);
      g_signal_connect_object (self->completions[i], "customer-chosen", G_CALLBACK (on_customer_chosen_cb), self,
                               G_CONNECT_SWAPPED);
    }
}

static void
cd_applicant_page_class_init (CdApplicantPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_applicant_page_get_property;
  object_class->set_property = cd_applicant_page_set_property;
  object_class->dispose = cd_applicant_page_dispose;
  object_class->constructed = cd_applicant_page_constructed;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-applicant-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CdApplicantPage, name)
  BIND (type_combo); BIND (role_label); BIND (role_combo); BIND (returning_label);
  BIND (unit_section); BIND (legal_section); BIND (person_section); BIND (agent_section); BIND (invoice_section);
  BIND (has_uscc); BIND (legal_present);
  BIND (unit_name); BIND (unit_uscc); BIND (unit_address); BIND (unit_postcode); BIND (unit_phone);
  BIND (unit_email); BIND (legal_name); BIND (legal_id_number); BIND (legal_mobile);
  BIND (person_name); BIND (person_id_number); BIND (person_mobile); BIND (person_email);
  BIND (agent_name); BIND (agent_id_number); BIND (agent_mobile); BIND (agent_email);
  BIND (invoice_title); BIND (invoice_taxpayer); BIND (invoice_email);
  BIND (unit_uscc_error); BIND (unit_postcode_error); BIND (unit_email_error);
  BIND (legal_id_number_error); BIND (legal_mobile_error);
  BIND (person_id_number_error); BIND (person_mobile_error); BIND (person_email_error);
  BIND (agent_id_number_error); BIND (agent_mobile_error); BIND (agent_email_error);
  BIND (invoice_taxpayer_error); BIND (invoice_email_error);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed_cb);
}

/* Two lines' height for @label in its own font, so that a second line never moves what is below it. */
static void
reserve_two_lines (GtkLabel *label)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (label), "国\n国");
  int height = 0;

  pango_layout_get_pixel_size (layout, NULL, &height);
  gtk_widget_set_size_request (GTK_WIDGET (label), -1, height);
}

/* The USCC's line says the longest sentence of the page (a code whose registration authority does not fit the
 * applicant type names both, about 60 characters in Chinese): it wraps onto a second line, reserved like the
 * first, instead of being cut off at 1366×768. */
static void
init_uscc_error (GtkLabel *label)
{
  cd_gui_field_error_init (label);
  gtk_label_set_single_line_mode (label, FALSE);
  gtk_label_set_line_wrap (label, TRUE);
  gtk_label_set_line_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (label, 2);   /* with the ellipsis: never a third line */
  /* its natural width no wider than the entry above it: the wrap, not the page, takes a long sentence */
  gtk_label_set_max_width_chars (label, 30);
  reserve_two_lines (label);
  g_signal_connect (label, "style-updated", G_CALLBACK (reserve_two_lines), NULL);
}

static void
cd_applicant_page_init (CdApplicantPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* every field's error line is reserved: an error never moves the fields below it */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].error >= 0)
      cd_gui_field_error_init (MEMBER (self, fields[i].error, GtkLabel *));
  init_uscc_error (self->unit_uscc_error);
}
