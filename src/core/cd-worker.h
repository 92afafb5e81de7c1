/* cd-worker.h: how a background worker thread yields the processor to the window. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called first thing in a worker (a GTask thread function): lowers the calling thread's scheduling
 * priority, so that key generation, document rendering or seal extraction running beside the window
 * never take a frame away from it on a two-core counter PC. Idempotent; never fails visibly. */
void cd_worker_yield_to_ui (void);

G_END_DECLS
