/* cd-key-status.h: the USB key status in the main window's header, everywhere in the app: no key, the key's
 * label with a DEMO badge for the software token, a locked PIN. Fed by a CdTokenWatch; the token work runs
 * on worker threads, the main loop only updates labels. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"
#include "cd-token-module.h"
#include "cd-token.h"

G_BEGIN_DECLS

#define CD_TYPE_KEY_STATUS (cd_key_status_get_type ())
G_DECLARE_FINAL_TYPE (CdKeyStatus, cd_key_status, CD, KEY_STATUS, GtkBox)

CdKeyStatus *cd_key_status_new      (CdContext *ctx);
/* Replaces what the header's key slot holds with a new key status (cd_main_window_get_key_slot()). */
CdKeyStatus *cd_key_status_install  (GtkBox *slot, CdContext *ctx);
/* Looks at the keys again (after a burn or an unlock: the PIN state changes without an insertion). */
void         cd_key_status_refresh  (CdKeyStatus *self);
/* What is shown: "starting", "none", "blank", "key", "locked", "several" or "error". */
const char  *cd_key_status_get_state (CdKeyStatus *self);
/* The longest time one of its main-loop callbacks took, in µs (the budget is a frame, 16 ms). */
gint64       cd_key_status_get_max_main_us (CdKeyStatus *self);

/* What the key says of its PIN, in words (PKCS#11 tells no number, only COUNT_LOW, FINAL_TRY and LOCKED):
 * "PIN 已输错，剩余次数不多", "PIN 已输错多次，再错 1 次将锁定", and for a locked PIN the business that
 * unlocks it; NULL while the key reports none of these. The header and the burn page say the same. */
const char  *cd_key_status_pin_warning (const CdTokenInfo *info);

/* The counter's PKCS#11 module (setting, else the DEMO token), loaded on a worker thread: the module's
 * C_Initialize can take longer than a frame. Shared by the key status and the burn page. */
void           cd_key_module_open_async  (CdContext *ctx, GCancellable *cancellable, GAsyncReadyCallback callback,
                                          gpointer user_data);
CdTokenModule *cd_key_module_open_finish (GAsyncResult *result, GError **error);

G_END_DECLS
