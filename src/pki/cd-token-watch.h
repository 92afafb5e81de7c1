/* cd-token-watch.h: USB keys inserted and removed, watched off the main thread (C_WaitForSlotEvent where
 * the module supports it, polling otherwise) and signalled in the main context that started the watch. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib-object.h>

#include "cd-token-module.h"

G_BEGIN_DECLS

#define CD_TYPE_TOKEN_WATCH (cd_token_watch_get_type ())
G_DECLARE_FINAL_TYPE (CdTokenWatch, cd_token_watch, CD, TOKEN_WATCH, GObject)

/* Signals: "token-added" (serial, label, is_demo), "token-removed" (serial, label). A blank key has the
 * serial "" until it is initialised. */
CdTokenWatch *cd_token_watch_new        (CdTokenModule *module, guint poll_ms);
void          cd_token_watch_stop       (CdTokenWatch *self);
/* TRUE when the module reports events itself (C_WaitForSlotEvent), FALSE when polled. */
gboolean      cd_token_watch_uses_events (CdTokenWatch *self);

G_END_DECLS
