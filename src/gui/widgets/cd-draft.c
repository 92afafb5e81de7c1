/* cd-draft.c: the application a wizard edits, with debounced saves through the core. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-draft.h"

struct _CdDraft {
  GObject        parent_instance;
  CdContext     *ctx;
  CdApplication *app;
  gint64         id;
  char          *number;
  CdState        state;
  char          *step;
  gboolean       dirty;
  guint          save_source;
  guint          delay_ms;
};

G_DEFINE_FINAL_TYPE (CdDraft, cd_draft, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_STATE,
  N_PROPS
};

enum {
  CHANGED,
  LOADED,
  SAVE_FAILED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_state (CdDraft *self, CdState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* Stores the application the first time it has a profile; later saves update it. */
static gboolean
save_now (CdDraft *self, const char *step, GError **error)
{
  g_autoptr(CdApplicationInfo) info = NULL;

  if (!self->app->profile)
    return TRUE;   /* nothing worth keeping before a profile is chosen */
  if (!cd_draft_is_editable (self))
    {
      self->dirty = FALSE;
      return TRUE;
    }
  if (self->id == 0)
    {
      if (!cd_application_store_create (self->ctx, self->app, FALSE, &self->id, error)
          || !cd_application_store_load (self->ctx, self->id, NULL, &info, error))
        return FALSE;
      g_free (self->number);
      self->number = g_strdup (info->number);
    }
  if (!cd_application_store_save (self->ctx, self->id, self->app, step ? step : self->step, error))
    return FALSE;
  self->dirty = FALSE;
  /* Editing a checked application sends it back to draft. */
  if (self->state == CD_STATE_CHECKED)
    set_state (self, CD_STATE_DRAFT);
  return TRUE;
}

static gboolean
on_save_timeout_cb (gpointer data)
{
  CdDraft *self = data;
  g_autoptr(GError) error = NULL;

  self->save_source = 0;
  if (!save_now (self, NULL, &error))
    {
      /* A signed-off day refuses autosaves by design: the changes wait for a supervisor's adjustment. */
      if (g_error_matches (error, CD_STATE_ERROR, CD_STATE_ERROR_DAY_SIGNED))
        g_debug ("Draft not saved: %s", error->message);
      else
        g_warning ("Saving draft failed: %s", error->message);
      g_signal_emit (self, signals[SAVE_FAILED], 0, error->message);
    }
  return G_SOURCE_REMOVE;
}

static void
cd_draft_dispose (GObject *object)
{
  CdDraft *self = CD_DRAFT (object);

  /* Closing the window must lose nothing. */
  if (self->dirty && self->ctx)
    {
      g_autoptr(GError) error = NULL;
      if (!cd_draft_flush (self, &error))
        g_warning ("Saving draft failed: %s", error->message);
    }
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->ctx);
  G_OBJECT_CLASS (cd_draft_parent_class)->dispose (object);
}

static void
cd_draft_finalize (GObject *object)
{
  CdDraft *self = CD_DRAFT (object);

  g_clear_pointer (&self->app, cd_application_free);
  g_free (self->number);
  g_free (self->step);
  G_OBJECT_CLASS (cd_draft_parent_class)->finalize (object);
}

static void
cd_draft_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CdDraft *self = CD_DRAFT (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->ctx);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_draft_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  CdDraft *self = CD_DRAFT (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->ctx = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cd_draft_class_init (CdDraftClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cd_draft_dispose;
  object_class->finalize = cd_draft_finalize;
  object_class->get_property = cd_draft_get_property;
  object_class->set_property = cd_draft_set_property;

  props[PROP_CONTEXT] = g_param_spec_object ("context", NULL, NULL, CD_TYPE_CONTEXT,
                                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, CD_N_STATES - 1, CD_STATE_DRAFT,
                                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /* A page edited the application. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  /* Another application was loaded, or the stored one re-read: pages refill their widgets. */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);
  signals[SAVE_FAILED] = g_signal_new ("save-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
cd_draft_init (CdDraft *self)
{
  self->app = cd_application_new ();
  self->step = g_strdup ("business");
  self->delay_ms = 400;
}

CdDraft *
cd_draft_new (CdContext *ctx)
{
  return g_object_new (CD_TYPE_DRAFT, "context", ctx, NULL);
}

gboolean
cd_draft_load (CdDraft *self, gint64 id, GError **error)
{
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;

  g_return_val_if_fail (CD_IS_DRAFT (self), FALSE);
  if (!cd_draft_flush (self, error) || !cd_application_store_load (self->ctx, id, &app, &info, error))
    return FALSE;
  cd_application_free (self->app);
  self->app = g_steal_pointer (&app);
  self->id = id;
  g_free (self->number);
  self->number = g_strdup (info->number);
  g_free (self->step);
  self->step = g_strdup (info->step);
  self->dirty = FALSE;
  set_state (self, info->state);
  g_signal_emit (self, signals[LOADED], 0);
  return TRUE;
}

gboolean
cd_draft_reload (CdDraft *self, GError **error)
{
  g_return_val_if_fail (self->id > 0, FALSE);
  return cd_draft_load (self, self->id, error);
}

CdContext *
cd_draft_get_context (CdDraft *self)
{
  return self->ctx;
}

CdApplication *
cd_draft_get_app (CdDraft *self)
{
  return self->app;
}

CdProfile *
cd_draft_get_profile (CdDraft *self)
{
  if (!self->app->profile)
    return NULL;
  return cd_context_lookup_profile (self->ctx, self->app->profile, NULL);
}

gint64
cd_draft_get_id (CdDraft *self)
{
  return self->id;
}

const char *
cd_draft_get_number (CdDraft *self)
{
  return self->number;
}

CdState
cd_draft_get_state (CdDraft *self)
{
  return self->state;
}

gboolean
cd_draft_is_editable (CdDraft *self)
{
  return self->state == CD_STATE_DRAFT || self->state == CD_STATE_CHECKED;
}

const char *
cd_draft_get_step (CdDraft *self)
{
  return self->step;
}

void
cd_draft_changed (CdDraft *self)
{
  g_return_if_fail (CD_IS_DRAFT (self));
  self->dirty = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (self->delay_ms, on_save_timeout_cb, self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
cd_draft_replace_app (CdDraft *self, CdApplication *app)
{
  cd_application_free (self->app);
  self->app = app;
  cd_draft_changed (self);
  g_signal_emit (self, signals[LOADED], 0);
}

gboolean
cd_draft_set_step (CdDraft *self, const char *step, GError **error)
{
  g_free (self->step);
  self->step = g_strdup (step);
  g_clear_handle_id (&self->save_source, g_source_remove);
  if (!self->app->profile || !cd_draft_is_editable (self))
    return TRUE;
  return save_now (self, step, error);
}

gboolean
cd_draft_flush (CdDraft *self, GError **error)
{
  g_clear_handle_id (&self->save_source, g_source_remove);
  if (!self->dirty)
    return TRUE;
  return save_now (self, NULL, error);
}

void
cd_draft_set_delay (CdDraft *self, guint msec)
{
  self->delay_ms = msec;
}
