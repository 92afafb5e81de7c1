/* cd-page-common.h: the boilerplate every wizard page shares: a construct-only "context", the draft, and
 * the `complete`/`reason` properties. Each page declares CD_PAGE_FIELDS first in its struct. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-wizard-page.h"

G_BEGIN_DECLS

#define CD_PAGE_FIELDS \
  CdContext *ctx;      \
  CdDraft   *draft;    \
  gboolean   complete; \
  char      *reason;   \
  gboolean   loading   /* TRUE while widgets are filled from the draft: no edits are recorded */

enum {
  CD_PAGE_PROP_0,
  CD_PAGE_PROP_CONTEXT,
  CD_PAGE_PROP_COMPLETE,
  CD_PAGE_PROP_REASON,
  CD_PAGE_N_PROPS
};

/* Defines get_property/set_property/finalize helpers for page type @Name (struct with CD_PAGE_FIELDS). */
#define CD_PAGE_DEFINE_PROPERTIES(Name, name)                                                              \
  static void name##_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)         \
  {                                                                                                          \
    Name *self = (Name *) object;                                                                            \
    switch (prop_id)                                                                                         \
      {                                                                                                      \
      case CD_PAGE_PROP_CONTEXT: g_value_set_object (value, self->ctx); break;                               \
      case CD_PAGE_PROP_COMPLETE: g_value_set_boolean (value, self->complete); break;                        \
      case CD_PAGE_PROP_REASON: g_value_set_string (value, self->reason); break;                             \
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);                                   \
      }                                                                                                      \
  }                                                                                                          \
  static void name##_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)   \
  {                                                                                                          \
    Name *self = (Name *) object;                                                                            \
    switch (prop_id)                                                                                         \
      {                                                                                                      \
      case CD_PAGE_PROP_CONTEXT: self->ctx = g_value_dup_object (value); break;                              \
      default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);                                   \
      }                                                                                                      \
  }                                                                                                          \
  static void name##_release (Name *self)                                                                    \
  {                                                                                                          \
    if (self->draft)                                                                                         \
      g_signal_handlers_disconnect_by_data (self->draft, self);                                              \
    g_clear_object (&self->draft);                                                                           \
    g_clear_object (&self->ctx);                                                                             \
    g_clear_pointer (&self->reason, g_free);                                                                 \
  }

/* In class_init: installs "context", "complete" and "reason". */
void cd_page_class_install (GObjectClass *klass);

/* The page's new completeness; notifies only on change. */
#define cd_page_set_complete(self, is_complete, why) \
  cd_wizard_page_update (CD_WIZARD_PAGE (self), &(self)->complete, &(self)->reason, (is_complete), (why))

/* Keeps @draft in *field and connects "loaded" to @on_loaded(self). */
void cd_page_take_draft (gpointer self, CdDraft **field, CdDraft *draft, GCallback on_loaded);
/* The same, for a page whose enter() loads it from the draft again: while another step is on screen the
 * draft's reloads (the payment) leave it alone, and it catches up when it is entered. */
void cd_page_take_draft_when_shown (gpointer self, CdDraft **field, CdDraft *draft, GCallback on_loaded);
/* @page is a step in the wizard's stack, and another step is the one on screen. */
gboolean cd_page_hidden_in_stack (gpointer page);

/* The first field of @page takes the keyboard focus unless the clerk has put it somewhere that can be seen:
 * for a page that builds its fields after it is shown (a frame's worth at a time), once they are there, and
 * for the wizard when it is shown. */
void cd_page_focus_if_lost (gpointer page);

G_END_DECLS
