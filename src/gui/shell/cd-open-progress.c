/* cd-open-progress.c: the dialog shown while an older database's personal data is encrypted as it opens. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-open-progress.h"

/* It cannot be cancelled (one transaction; stopping it would only start it again at the next start), so it
 * has no buttons and is not deletable. */
struct _CdOpenProgress {
  GtkWindow       parent_instance;

  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (CdOpenProgress, cd_open_progress, GTK_TYPE_WINDOW)

static void
cd_open_progress_class_init (CdOpenProgressClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/certdesk/CertDesk/ui/cd-open-progress.ui");
  gtk_widget_class_bind_template_child (widget_class, CdOpenProgress, progress_bar);
}

static void
cd_open_progress_init (CdOpenProgress *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CdOpenProgress *
cd_open_progress_new (GtkApplication *app)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  return g_object_new (CD_TYPE_OPEN_PROGRESS, "application", app, NULL);
}

void
cd_open_progress_set_progress (CdOpenProgress *self, guint64 done, guint64 total)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CD_IS_OPEN_PROGRESS (self));
  g_return_if_fail (total > 0);
  /* TRANSLATORS: the progress bar of encrypting an older database's personal data */
  text = g_strdup_printf (_("%llu of %llu records"), (unsigned long long) done, (unsigned long long) total);
  gtk_progress_bar_set_fraction (self->progress_bar, (double) MIN (done, total) / total);
  gtk_progress_bar_set_text (self->progress_bar, text);
}
