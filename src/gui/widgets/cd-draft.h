/* cd-draft.h: the application a wizard edits, saved to the database shortly after every change. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

#include "cd-application-store.h"
#include "cd-context.h"

G_BEGIN_DECLS

#define CD_TYPE_DRAFT (cd_draft_get_type ())
G_DECLARE_FINAL_TYPE (CdDraft, cd_draft, CD, DRAFT, GObject)

CdDraft       *cd_draft_new          (CdContext *ctx);
/* Replaces the edited application with stored application @id (its saved step included). */
gboolean       cd_draft_load         (CdDraft *self, gint64 id, GError **error);
/* Re-reads the stored application after a core action changed it (check, pay, waive). */
gboolean       cd_draft_reload       (CdDraft *self, GError **error);

CdContext     *cd_draft_get_context  (CdDraft *self);
CdApplication *cd_draft_get_app      (CdDraft *self);
CdProfile     *cd_draft_get_profile  (CdDraft *self);   /* NULL until a profile is chosen */
gint64         cd_draft_get_id       (CdDraft *self);   /* 0 until stored */
const char    *cd_draft_get_number   (CdDraft *self);
CdState        cd_draft_get_state    (CdDraft *self);
gboolean       cd_draft_is_editable  (CdDraft *self);   /* draft or checked */
const char    *cd_draft_get_step     (CdDraft *self);

/* A page edited the application: "changed" is emitted and a save is scheduled (debounced). */
void           cd_draft_changed      (CdDraft *self);
/* Replaces the edited application (takes @app), e.g. prefilled from a returning customer. */
void           cd_draft_replace_app  (CdDraft *self, CdApplication *app);
/* Records the wizard step and saves at once. */
gboolean       cd_draft_set_step     (CdDraft *self, const char *step, GError **error);
/* Saves now when there are unsaved edits (before a core action, or when the window closes). */
gboolean       cd_draft_flush        (CdDraft *self, GError **error);
void           cd_draft_set_delay    (CdDraft *self, guint msec);

G_END_DECLS
