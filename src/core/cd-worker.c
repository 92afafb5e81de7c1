/* cd-worker.c: background threads run niced, the window's thread does not.
 *
 * On Linux the nice value belongs to the thread (the task id), not to the process, so setpriority() on
 * gettid() lowers only the worker. GLib has no call for this (GThread has no priority since 2.32), hence
 * the system call. Pool threads are reused for other background tasks only, so the lowered priority can
 * stay with the thread. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-worker.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/* Ten steps below the window's thread, about a tenth of its weight under the Linux scheduler: the worker still gets every idle cycle. */
#define CD_WORKER_NICE 10

void
cd_worker_yield_to_ui (void)
{
#ifdef __linux__
  static GPrivate lowered;
  pid_t tid;

  if (g_private_get (&lowered))
    return;
  tid = (pid_t) syscall (SYS_gettid);
  /* Relative to what the thread started with (the counter may run niced already), at most 19. */
  if (setpriority (PRIO_PROCESS, (id_t) tid, MIN (19, getpriority (PRIO_PROCESS, (id_t) tid) + CD_WORKER_NICE)) != 0)
    g_debug ("Could not lower the priority of worker %d", (int) tid);
  g_private_set (&lowered, GINT_TO_POINTER (1));
#endif
}

void
cd_worker_dispatch (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "cd_worker_dispatch");
  g_source_attach (source, context);
}
