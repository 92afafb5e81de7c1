/* cd-placeholder-page.c: stands in for a step until its module's page lands. The step is passable, so the
 * rest of the acceptance can be done; the page says who provides it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-page-common.h"
#include "cd-placeholder-page.h"

struct _CdPlaceholderPage {
  GtkBox    parent_instance;
  CD_PAGE_FIELDS;
  GtkLabel *title_label;
  GtkLabel *body_label;
};

static void cd_placeholder_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdPlaceholderPage, cd_placeholder_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_placeholder_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdPlaceholderPage, cd_placeholder_page)

static void
cd_placeholder_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdPlaceholderPage *self = CD_PLACEHOLDER_PAGE (page);

  cd_page_take_draft (self, &self->draft, draft, NULL);
}

static void
cd_placeholder_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_placeholder_page_set_draft;
}

static void
cd_placeholder_page_dispose (GObject *object)
{
  cd_placeholder_page_release (CD_PLACEHOLDER_PAGE (object));
  G_OBJECT_CLASS (cd_placeholder_page_parent_class)->dispose (object);
}

static void
cd_placeholder_page_class_init (CdPlaceholderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_placeholder_page_get_property;
  object_class->set_property = cd_placeholder_page_set_property;
  object_class->dispose = cd_placeholder_page_dispose;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-placeholder-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CdPlaceholderPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CdPlaceholderPage, body_label);
}

static void
cd_placeholder_page_init (CdPlaceholderPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->complete = TRUE;
}

CdPlaceholderPage *
cd_placeholder_page_new (CdContext *ctx, const char *title, const char *provider)
{
  CdPlaceholderPage *self = g_object_new (CD_TYPE_PLACEHOLDER_PAGE, "context", ctx, NULL);
  g_autofree char *body = NULL;

  gtk_label_set_text (self->title_label, title);
  body = g_strdup_printf (_("This step is provided by the %s, which this build does not include yet. "
                            "Press Next to continue; the application keeps its place."), provider);
  gtk_label_set_text (self->body_label, body);
  return self;
}
