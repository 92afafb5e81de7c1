/* cd-seals-page.c: wizard step 4 (印章). One CdSealsPageForm per collection form the profile names
 * (CdProfile.collection_forms); complete when every one has a chosen sample in the draft's samples map. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-gui-util.h"
#include "cd-page-common.h"
#include "cd-seals-page-extract.h"
#include "cd-seals-page-form.h"
#include "cd-seals-page.h"

struct _CdSealsPage {
  GtkScrolledWindow parent_instance;
  CD_PAGE_FIELDS;

  char       *shown_for;    /* "profile-id|kind,kind…" the forms were built for */
  char       *intro;        /* the template's introduction, shown again after a project without forms */
  GtkLabel   *intro_label;
  GtkListBox *forms_list;
  /* The forms are built one per main-loop turn (each is a template with its own images), so that entering
   * the step never holds the window up for more than a frame. */
  GStrv       pending_kinds;
  guint       next_kind;
  guint       build_id;
};

static void cd_seals_page_iface_init (CdWizardPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CdSealsPage, cd_seals_page, GTK_TYPE_SCROLLED_WINDOW,
                               G_IMPLEMENT_INTERFACE (CD_TYPE_WIZARD_PAGE, cd_seals_page_iface_init))

CD_PAGE_DEFINE_PROPERTIES (CdSealsPage, cd_seals_page)

static void
update_complete (CdSealsPage *self)
{
  CdProfile *profile = self->draft ? cd_draft_get_profile (self->draft) : NULL;
  CdApplication *app;
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autofree char *list = NULL;
  g_autofree char *reason = NULL;

  if (!profile)
    {
      cd_page_set_complete (self, FALSE, _("Choose the project or CA first"));
      return;
    }
  app = cd_draft_get_app (self->draft);
  for (guint i = 0; profile->collection_forms && profile->collection_forms[i]; i++)
    {
      const char *kind = profile->collection_forms[i];
      const char *path = g_hash_table_lookup (app->samples, kind);

      if (!path || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (missing, (gpointer) cd_seals_kind_label (kind));
    }
  if (missing->len == 0)
    {
      cd_page_set_complete (self, TRUE, NULL);
      return;
    }
  g_ptr_array_add (missing, NULL);
  /* TRANSLATORS: the separator between the names of collection forms in "No sample yet: …" */
  list = g_strjoinv (_(", "), (char **) missing->pdata);
  reason = g_strdup_printf (_("No acceptable sample yet: %s"), list);
  cd_page_set_complete (self, FALSE, reason);
}

static void
on_form_changed_cb (CdSealsPage *self)
{
  update_complete (self);
}

static gboolean
on_build_idle_cb (gpointer data)
{
  CdSealsPage *self = data;
  const char *kind = self->pending_kinds[self->next_kind++];
  GtkWidget *row = cd_gui_frame_row_new ();
  GtkWidget *form = cd_seals_page_form_new (self->draft, kind, cd_draft_is_editable (self->draft));

  g_signal_connect_object (form, "changed", G_CALLBACK (on_form_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_container_add (GTK_CONTAINER (row), form);
  gtk_widget_show (row);   /* the form shows its own parts: show_all would reveal its hidden spinner and result area */
  gtk_container_add (GTK_CONTAINER (self->forms_list), row);
  if (self->pending_kinds[self->next_kind])
    return G_SOURCE_CONTINUE;
  self->build_id = 0;
  cd_page_focus_if_lost (self);
  return G_SOURCE_REMOVE;
}

/* The forms on the page, in order. */
static GPtrArray *
current_forms (CdSealsPage *self)
{
  g_autoptr(GList) rows = gtk_container_get_children (GTK_CONTAINER (self->forms_list));
  GPtrArray *forms = g_ptr_array_new ();

  for (GList *l = rows; l; l = l->next)
    if (CD_IS_SEALS_PAGE_FORM (gtk_bin_get_child (GTK_BIN (l->data))))
      g_ptr_array_add (forms, gtk_bin_get_child (GTK_BIN (l->data)));
  return forms;
}

/* Whether @forms are those of @kinds, in that order. */
static gboolean
forms_match (GPtrArray *forms, GStrv kinds)
{
  if (!kinds || forms->len == 0 || forms->len != g_strv_length (kinds))
    return FALSE;
  for (guint i = 0; i < forms->len; i++)
    if (g_strcmp0 (cd_seals_page_form_get_kind (forms->pdata[i]), kinds[i]) != 0)
      return FALSE;
  return TRUE;
}

static void
rebuild (CdSealsPage *self)
{
  CdProfile *profile = cd_draft_get_profile (self->draft);
  g_autofree char *key = NULL;
  g_autofree char *kinds = NULL;
  g_autoptr(GPtrArray) reusable = NULL;
  gboolean editable = cd_draft_is_editable (self->draft);

  kinds = profile && profile->collection_forms ? g_strjoinv (",", profile->collection_forms) : g_strdup ("");
  /* Not the application's id: it is given when the draft is first stored, and the forms read it when they
   * store a choice. Another draft or a reload clears shown_for (set_draft, on_draft_loaded_cb). */
  key = g_strdup_printf ("%s|%s|%d", profile ? profile->id : "", kinds, editable);
  /* Keep the forms (and an extraction under way) while the application and its forms stay the same. */
  if (g_strcmp0 (key, self->shown_for) == 0)
    {
      update_complete (self);
      return;
    }
  g_free (self->shown_for);
  self->shown_for = g_steal_pointer (&key);
  /* No project chosen yet (the next applicant) keeps the forms, emptied, for when it is. */
  if (!self->build_id)
    {
      reusable = current_forms (self);
      if (profile && !forms_match (reusable, profile->collection_forms))
        g_clear_pointer (&reusable, g_ptr_array_unref);
    }
  if (reusable)
    {
      /* The next applicant of the same project: the forms are emptied, not built again (a new form costs
       * its templates and styles, a frame's worth on a counter PC). */
      for (guint i = 0; i < reusable->len; i++)
        cd_seals_page_form_set_draft (reusable->pdata[i], self->draft, editable);
      update_complete (self);
      return;
    }
  g_clear_handle_id (&self->build_id, g_source_remove);
  cd_gui_container_clear (GTK_CONTAINER (self->forms_list));
  if (profile && (!profile->collection_forms || !profile->collection_forms[0]))
    gtk_label_set_text (self->intro_label, _("This project collects no seal or signature samples."));
  else
    gtk_label_set_text (self->intro_label, self->intro);
  g_strfreev (self->pending_kinds);
  self->pending_kinds = profile && profile->collection_forms ? g_strdupv (profile->collection_forms) : NULL;
  self->next_kind = 0;
  if (self->pending_kinds && self->pending_kinds[0])
    self->build_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, on_build_idle_cb, self, NULL);
  update_complete (self);
}

/* vfuncs */

static void
on_draft_loaded_cb (CdSealsPage *self)
{
  g_clear_pointer (&self->shown_for, g_free);
  rebuild (self);
}

static void
cd_seals_page_set_draft (CdWizardPage *page, CdDraft *draft)
{
  CdSealsPage *self = CD_SEALS_PAGE (page);

  cd_page_take_draft (self, &self->draft, draft, G_CALLBACK (on_draft_loaded_cb));
  g_signal_connect_object (draft, "changed", G_CALLBACK (update_complete), self, G_CONNECT_SWAPPED);
  g_clear_pointer (&self->shown_for, g_free);
  rebuild (self);
}

static void
cd_seals_page_enter (CdWizardPage *page)
{
  rebuild (CD_SEALS_PAGE (page));
}

static void
cd_seals_page_iface_init (CdWizardPageInterface *iface)
{
  iface->set_draft = cd_seals_page_set_draft;
  iface->enter = cd_seals_page_enter;
}

static void
cd_seals_page_dispose (GObject *object)
{
  CdSealsPage *self = CD_SEALS_PAGE (object);

  cd_seals_page_release (self);
  g_clear_handle_id (&self->build_id, g_source_remove);
  g_clear_pointer (&self->pending_kinds, g_strfreev);
  g_clear_pointer (&self->shown_for, g_free);
  g_clear_pointer (&self->intro, g_free);
  G_OBJECT_CLASS (cd_seals_page_parent_class)->dispose (object);
}

static void
cd_seals_page_class_init (CdSealsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = cd_seals_page_get_property;
  object_class->set_property = cd_seals_page_set_property;
  object_class->dispose = cd_seals_page_dispose;
  cd_page_class_install (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-seals-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CdSealsPage, intro_label);
  gtk_widget_class_bind_template_child (widget_class, CdSealsPage, forms_list);
}

static void
cd_seals_page_init (CdSealsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->intro = g_strdup (gtk_label_get_text (self->intro_label));
}

GtkWidget *
cd_seals_page_get_form (CdSealsPage *self, const char *kind)
{
  g_autofree char *name = g_strdup_printf ("seal_form_%s", kind);
  g_autoptr(GList) rows = NULL;

  g_return_val_if_fail (CD_IS_SEALS_PAGE (self), NULL);

  rows = gtk_container_get_children (GTK_CONTAINER (self->forms_list));
  for (GList *l = rows; l; l = l->next)
    {
      GtkWidget *child = gtk_bin_get_child (GTK_BIN (l->data));
      if (child && g_str_equal (gtk_widget_get_name (child), name))
        return child;
    }
  return NULL;
}
