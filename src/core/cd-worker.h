/* cd-worker.h: how a background worker thread yields the processor to the window and hands its results
 * back to the window's thread. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called first thing in a worker (a GTask thread function): lowers the calling thread's scheduling
 * priority, so that key generation, document rendering or seal extraction running beside the window
 * never take a frame away from it on a two-core counter PC. Idempotent; never fails visibly. */
void cd_worker_yield_to_ui (void);

/* Runs func (data) later in context's own loop, from any thread, and frees data with destroy there.
 * Unlike g_main_context_invoke(), it never runs func in the calling thread, even when that thread could
 * acquire the context (a worker can whenever the main thread is between iterations): results and
 * progress reach widgets only on the main thread. */
void cd_worker_dispatch (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy);

G_END_DECLS
