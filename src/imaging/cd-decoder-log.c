/* cd-decoder-log.c: decoders' stderr lines into GLib's debug log (cd-decoder-log.h says why). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cd-decoder-log.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
/* A sanitizer's report during decoding must reach the real stderr, not the capture (it aborts before _end). */
#define set_sanitizer_report_fd(fd) __sanitizer_set_report_fd ((void *) (gintptr) (fd))
#else
#define set_sanitizer_report_fd(fd) ((void) (fd))
#endif

/* More than any decoder prints about one file; the rest is dropped, with a note. */
#define CD_DECODER_LOG_MAX_BYTES (64 * 1024)

static GMutex capture_lock;
static gboolean capture_enabled;

void
cd_decoder_log_capture_stderr (gboolean capture)
{
  g_mutex_lock (&capture_lock);
  capture_enabled = capture;
  g_mutex_unlock (&capture_lock);
}

void
cd_decoder_log_begin (CdDecoderLog *log)
{
  g_mutex_lock (&capture_lock);
  log->saved_fd = -1;
  log->capture_fd = capture_enabled ? memfd_create ("certdesk-decoder-log", MFD_CLOEXEC) : -1;
  if (log->capture_fd < 0)
    return;
  fflush (stderr);
  log->saved_fd = fcntl (STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (log->saved_fd < 0 || dup2 (log->capture_fd, STDERR_FILENO) < 0)
    {
      if (log->saved_fd >= 0)
        close (log->saved_fd);
      log->saved_fd = -1;
      return;
    }
  set_sanitizer_report_fd (log->saved_fd);
}

void
cd_decoder_log_end (CdDecoderLog *log, const char *domain)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  ssize_t n = 0;
  off_t size = 0;

  if (log->saved_fd >= 0)
    {
      fflush (stderr);
      dup2 (log->saved_fd, STDERR_FILENO);
      set_sanitizer_report_fd (STDERR_FILENO);
      close (log->saved_fd);
      size = lseek (log->capture_fd, 0, SEEK_END);
      if (size > 0)
        {
          text = g_malloc0 (MIN (size, CD_DECODER_LOG_MAX_BYTES) + 1);
          lseek (log->capture_fd, 0, SEEK_SET);
          do
            n = read (log->capture_fd, text, MIN (size, CD_DECODER_LOG_MAX_BYTES));
          while (n < 0 && errno == EINTR);
        }
    }
  if (log->capture_fd >= 0)
    close (log->capture_fd);
  log->saved_fd = log->capture_fd = -1;
  g_mutex_unlock (&capture_lock);

  /* Logged after the lock is released and stderr is back, so the lines can reach the terminal. */
  if (n <= 0)
    return;
  text[n] = '\0';
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]))
      g_log (domain, G_LOG_LEVEL_DEBUG, "%s", lines[i]);
  if (size > CD_DECODER_LOG_MAX_BYTES)
    g_log (domain, G_LOG_LEVEL_DEBUG, "(%lld more bytes of messages dropped)",
           (long long) (size - CD_DECODER_LOG_MAX_BYTES));
}
