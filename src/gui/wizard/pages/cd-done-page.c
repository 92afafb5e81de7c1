/* cd-done-page.c: the summary at the end of an acceptance. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-done-page.h"
#include "cd-gui-util.h"
#include "cd-page-common.h"

struct _CdDonePage {
  GtkBox    parent_instance;
  CD_PAGE_FIELDS;

  GtkLabel *summary_label;
};

static void cd_done_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdDonePage, cd_done_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_done_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdDonePage, cd_done_page)

static void
refresh (CdDonePage *self)
{
  CdApplication *app = cd_draft_get_app (self->draft);
  CdProfile *profile = cd_draft_get_profile (self->draft);
  g_autofree char *paid = cd_fen_to_yuan_string (app->payment.amount_fen);
  g_autofree char *markup = NULL;

  markup = g_markup_printf_escaped (_("<big><b>%s</b></big>\n\n"
                                      "Application number: %s\n"
                                      "Project / CA: %s\n"
                                      "Business: %s\n"
                                      "State: %s\n"
                                      "Paid: ¥%s"),
                                    cd_application_display_name (app),
                                    cd_draft_get_number (self->draft) ? cd_draft_get_number (self->draft) : "—",
                                    profile ? cd_profile_display_name (profile) : "—",
                                    cd_business_label (app->business),
                                    cd_gui_state_label (app->business, cd_draft_get_state (self->draft)),
                                    app->payment.has_payment ? paid : "0.00");
  gtk_label_set_markup (self->summary_label, markup);
}

static void
cd_done_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdDonePage *self = CD_DONE_PAGE (page);

  cd_page_take_draft (self, &self->draft, draft, NULL);
}

static void
cd_done_page_enter (CdWizardPage *page)
{
  refresh (CD_DONE_PAGE (page));
}

static void
cd_done_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_done_page_set_draft;
  iface->enter = cd_done_page_enter;
}

static void
cd_done_page_dispose (GObject *object)
{
  cd_done_page_release (CD_DONE_PAGE (object));
  G_OBJECT_CLASS (cd_done_page_parent_class)->dispose (object);
}

static void
cd_done_page_class_init (CdDonePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_done_page_get_property;
  object_class->set_property = cd_done_page_set_property;
  object_class->dispose = cd_done_page_dispose;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-done-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CdDonePage, summary_label);
}

static void
cd_done_page_init (CdDonePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->complete = TRUE;
}
