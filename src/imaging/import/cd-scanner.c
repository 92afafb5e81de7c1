/* cd-scanner.c: every SANE call happens on one thread owned by the CdScanner (as simple-scan's scanner.vala
 * does): SANE backends are not required to be thread-safe, so requests are queued to that thread and the
 * results come back through GTask in the caller's main context. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include "cd-import.h"
#include "cd-scanner.h"
#include "cd-worker.h"

G_DEFINE_QUARK (cd-scanner-error-quark, cd_scanner_error)

typedef enum {
  REQUEST_LIST,
  REQUEST_SCAN,
  REQUEST_QUIT,
} RequestKind;

/* Shared by the SANE thread and the main context: at most one update is queued (coalesced). */
typedef struct {
  GMainContext      *context;
  CdScanProgressFunc func;
  gpointer           data;
  GDestroyNotify     notify;
  gint               pending;
  gint               permille;
} Progress;

typedef struct {
  RequestKind     kind;
  GTask          *task;
  char           *device;
  CdScanSettings  settings;
  Progress       *progress;
} Request;

typedef struct {
  GdkPixbuf *pixbuf;
  double     dpi;
} ScanResult;

struct _CdScanner {
  GObject      parent_instance;
  GThread     *thread;
  GAsyncQueue *requests;
};

G_DEFINE_FINAL_TYPE (CdScanner, cd_scanner, G_TYPE_OBJECT)

static void
progress_clear (Progress *p)
{
  if (p->notify)
    p->notify (p->data);
  g_main_context_unref (p->context);
}

static void
progress_unref (gpointer p)
{
  g_atomic_rc_box_release_full (p, (GDestroyNotify) progress_clear);
}

static gboolean
progress_dispatch (gpointer data)
{
  Progress *p = data;

  g_atomic_int_set (&p->pending, 0);
  p->func (g_atomic_int_get (&p->permille) / 1000.0, p->data);
  return G_SOURCE_REMOVE;
}

static void
progress_report (Progress *p, double fraction)
{
  if (!p)
    return;
  g_atomic_int_set (&p->permille, (gint) (CLAMP (fraction, 0.0, 1.0) * 1000));
  if (g_atomic_int_compare_and_exchange (&p->pending, 0, 1))
    cd_worker_dispatch (p->context, progress_dispatch, g_atomic_rc_box_acquire (p), progress_unref);
}

static void
request_free (Request *r)
{
  g_clear_object (&r->task);
  g_free (r->device);
  g_clear_pointer (&r->progress, progress_unref);
  g_free (r);
}

static void
scan_result_free (ScanResult *r)
{
  g_clear_object (&r->pixbuf);
  g_free (r);
}

static GError *
sane_error (SANE_Status status, const char *device)
{
  switch (status)
    {
    case SANE_STATUS_CANCELLED:
      return g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was cancelled."));
    case SANE_STATUS_DEVICE_BUSY:
      return g_error_new (CD_SCANNER_ERROR, CD_SCANNER_ERROR_BUSY,
                          _("The scanner “%s” is in use by another program. Close it and try again."), device);
    case SANE_STATUS_NO_DOCS:
      return g_error_new (CD_SCANNER_ERROR, CD_SCANNER_ERROR_NO_DOCS,
                          _("The scanner “%s” has no document in its feeder."), device);
    case SANE_STATUS_JAMMED:
      return g_error_new (CD_SCANNER_ERROR, CD_SCANNER_ERROR_JAMMED,
                          _("The paper is jammed in the scanner “%s”. Clear it and scan again."), device);
    case SANE_STATUS_COVER_OPEN:
      return g_error_new (CD_SCANNER_ERROR, CD_SCANNER_ERROR_COVER_OPEN,
                          _("The cover of the scanner “%s” is open. Close it and scan again."), device);
    case SANE_STATUS_INVAL:
      return g_error_new (CD_SCANNER_ERROR, CD_SCANNER_ERROR_NO_DEVICE,
                          _("There is no scanner “%s”. Check it is plugged in and switched on."), device);
    default:
      return g_error_new (CD_SCANNER_ERROR, CD_SCANNER_ERROR_FAILED, _("The scanner “%s” failed: %s."), device,
                          sane_strstatus (status));
    }
}

static SANE_Int
find_option (SANE_Handle h, const char *name, const SANE_Option_Descriptor **out)
{
  for (SANE_Int i = 1;; i++)
    {
      const SANE_Option_Descriptor *d = sane_get_option_descriptor (h, i);

      if (!d)
        return -1;
      if (d->name && strcmp (d->name, name) == 0 && SANE_OPTION_IS_ACTIVE (d->cap)
          && SANE_OPTION_IS_SETTABLE (d->cap))
        {
          *out = d;
          return i;
        }
    }
}

static void
set_mode (SANE_Handle h, CdScanMode mode)
{
  static const char *const color[] = { SANE_VALUE_SCAN_MODE_COLOR, "Colour", "24bit Color", NULL };
  static const char *const gray[] = { SANE_VALUE_SCAN_MODE_GRAY, "Grayscale", "Grey", "8bit Gray", NULL };
  const char *const *wanted = mode == CD_SCAN_MODE_COLOR ? color : gray;
  const SANE_Option_Descriptor *d;
  SANE_Int i = find_option (h, SANE_NAME_SCAN_MODE, &d);

  if (i < 0 || d->type != SANE_TYPE_STRING || d->constraint_type != SANE_CONSTRAINT_STRING_LIST)
    return;
  for (guint w = 0; wanted[w]; w++)
    for (guint k = 0; d->constraint.string_list[k]; k++)
      if (g_ascii_strcasecmp (d->constraint.string_list[k], wanted[w]) == 0)
        {
          g_autofree char *buf = g_malloc0 (MAX (d->size, (SANE_Int) strlen (wanted[w]) + 1));

          strcpy (buf, d->constraint.string_list[k]);
          sane_control_option (h, i, SANE_ACTION_SET_VALUE, buf, NULL);
          return;
        }
}

/* The nearest resolution the device offers; returns what it then reports. */
static double
set_resolution (SANE_Handle h, guint dpi)
{
  const SANE_Option_Descriptor *d;
  SANE_Int i = find_option (h, SANE_NAME_SCAN_RESOLUTION, &d);
  gboolean fixed;
  double best = dpi;
  SANE_Word value;

  if (i < 0 || (d->type != SANE_TYPE_INT && d->type != SANE_TYPE_FIXED))
    return 0;
  fixed = d->type == SANE_TYPE_FIXED;
  if (d->constraint_type == SANE_CONSTRAINT_RANGE)
    {
      double min = fixed ? SANE_UNFIX (d->constraint.range->min) : d->constraint.range->min;
      double max = fixed ? SANE_UNFIX (d->constraint.range->max) : d->constraint.range->max;

      best = CLAMP ((double) dpi, min, max);
    }
  else if (d->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      double dist = G_MAXDOUBLE;

      for (SANE_Int k = 1; k <= d->constraint.word_list[0]; k++)
        {
          double v = fixed ? SANE_UNFIX (d->constraint.word_list[k]) : d->constraint.word_list[k];

          if (ABS (v - dpi) < dist)
            {
              dist = ABS (v - dpi);
              best = v;
            }
        }
    }
  value = fixed ? SANE_FIX (best) : (SANE_Word) best;
  sane_control_option (h, i, SANE_ACTION_SET_VALUE, &value, NULL);
  if (sane_control_option (h, i, SANE_ACTION_GET_VALUE, &value, NULL) != SANE_STATUS_GOOD)
    return best;
  return fixed ? SANE_UNFIX (value) : value;
}

static void
set_preview (SANE_Handle h, gboolean preview)
{
  const SANE_Option_Descriptor *d;
  SANE_Int i = find_option (h, SANE_NAME_PREVIEW, &d);
  SANE_Bool value = preview ? SANE_TRUE : SANE_FALSE;

  if (i >= 0 && d->type == SANE_TYPE_BOOL)
    sane_control_option (h, i, SANE_ACTION_SET_VALUE, &value, NULL);
}

static guint8
sample (const guint8 *row, int depth, int index)
{
  if (depth == 1)
    return (row[index / 8] & (0x80 >> (index % 8))) ? 0 : 255;   /* SANE: a set bit is black */
  if (depth == 16)
    return ((const guint16 *) row)[index] >> 8;
  return row[index];
}

/* Reads every frame of one page into an RGB pixbuf (gray, RGB, or one frame per colour). */
static GdkPixbuf *
read_page (SANE_Handle h, const char *device, Progress *progress, GCancellable *cancellable, GError **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GByteArray) frame = g_byte_array_new ();
  guint8 buf[64 * 1024];

  while (TRUE)
    {
      SANE_Parameters p;
      SANE_Status status;
      SANE_Int len;
      gint64 expected;
      int lines, rowstride;
      guint8 *pixels;

      if ((status = sane_get_parameters (h, &p)) != SANE_STATUS_GOOD)
        return g_propagate_error (error, sane_error (status, device)), NULL;
      if (p.pixels_per_line <= 0 || p.bytes_per_line <= 0
          || (p.depth != 1 && p.depth != 8 && p.depth != 16))
        return g_set_error (error, CD_SCANNER_ERROR, CD_SCANNER_ERROR_FAILED,
                            _("The scanner “%s” sends an image format CertDesk cannot read."), device), NULL;
      expected = p.lines > 0 ? (gint64) p.bytes_per_line * p.lines : -1;
      if (p.lines > 0 && (guint64) p.pixels_per_line * p.lines > CD_IMPORT_MAX_PIXELS)
        return g_set_error (error, CD_SCANNER_ERROR, CD_SCANNER_ERROR_TOO_LARGE,
                            _("This scan would be larger than %.0f megapixels; choose a lower resolution or a "
                              "smaller area."), CD_IMPORT_MAX_PIXELS / 1e6), NULL;
      g_byte_array_set_size (frame, 0);
      while ((status = sane_read (h, buf, sizeof buf, &len)) == SANE_STATUS_GOOD)
        {
          if (g_cancellable_is_cancelled (cancellable))
            {
              sane_cancel (h);
              continue;                              /* the backend answers the next read with CANCELLED */
            }
          g_byte_array_append (frame, buf, len);
          if ((guint64) frame->len / p.bytes_per_line * p.pixels_per_line > CD_IMPORT_MAX_PIXELS)
            return g_set_error (error, CD_SCANNER_ERROR, CD_SCANNER_ERROR_TOO_LARGE,
                                _("This scan would be larger than %.0f megapixels; choose a lower resolution or a "
                                  "smaller area."), CD_IMPORT_MAX_PIXELS / 1e6), NULL;
          if (expected > 0)
            progress_report (progress, (double) frame->len / expected);
        }
      if (status != SANE_STATUS_EOF)
        return g_propagate_error (error, sane_error (status, device)), NULL;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      lines = frame->len / p.bytes_per_line;
      if (lines <= 0)
        return g_set_error (error, CD_SCANNER_ERROR, CD_SCANNER_ERROR_FAILED,
                            _("The scanner “%s” sent an empty page."), device), NULL;
      if (!pixbuf)
        pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, p.pixels_per_line, lines);
      if (!pixbuf)
        return g_set_error (error, CD_SCANNER_ERROR, CD_SCANNER_ERROR_TOO_LARGE,
                            _("This scan is too large for the memory of this computer.")), NULL;
      rowstride = gdk_pixbuf_get_rowstride (pixbuf);
      pixels = gdk_pixbuf_get_pixels (pixbuf);
      lines = MIN (lines, gdk_pixbuf_get_height (pixbuf));
      for (int y = 0; y < lines; y++)
        {
          const guint8 *row = frame->data + (gsize) y * p.bytes_per_line;
          guint8 *out = pixels + (gsize) y * rowstride;
          int width = MIN (p.pixels_per_line, gdk_pixbuf_get_width (pixbuf));

          for (int x = 0; x < width; x++)
            switch (p.format)
              {
              case SANE_FRAME_GRAY:
                out[3 * x] = out[3 * x + 1] = out[3 * x + 2] = sample (row, p.depth, x);
                break;
              case SANE_FRAME_RGB:
                for (int c = 0; c < 3; c++)
                  out[3 * x + c] = sample (row, p.depth, 3 * x + c);
                break;
              case SANE_FRAME_RED:
              case SANE_FRAME_GREEN:
              case SANE_FRAME_BLUE:
                out[3 * x + (p.format - SANE_FRAME_RED)] = sample (row, p.depth, x);
                break;
              default:
                break;
              }
        }
      if (p.last_frame)
        break;
      if ((status = sane_start (h)) != SANE_STATUS_GOOD)
        return g_propagate_error (error, sane_error (status, device)), NULL;
    }
  progress_report (progress, 1.0);
  return g_steal_pointer (&pixbuf);
}

static void
on_cancelled_cb (GCancellable *cancellable, SANE_Handle h)
{
  /* The SANE standard allows sane_cancel from another thread or a signal handler: it unblocks a read. */
  sane_cancel (h);
}

static void
run_scan (Request *r)
{
  SANE_Handle h = NULL;
  SANE_Status status;
  GCancellable *cancellable = g_task_get_cancellable (r->task);
  GError *error = NULL;
  ScanResult *result;
  GdkPixbuf *pixbuf;
  gulong handler = 0;
  guint dpi = r->settings.dpi ? r->settings.dpi : (r->settings.preview ? 75 : 300);
  double used;

  if (g_task_return_error_if_cancelled (r->task))
    return;
  if ((status = sane_open (r->device, &h)) != SANE_STATUS_GOOD)
    return g_task_return_error (r->task, sane_error (status, r->device));
  set_mode (h, r->settings.mode);
  used = set_resolution (h, dpi);
  set_preview (h, r->settings.preview);
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled_cb), h, NULL);
  progress_report (r->progress, 0.0);
  if ((status = sane_start (h)) != SANE_STATUS_GOOD)
    error = sane_error (status, r->device);
  pixbuf = error ? NULL : read_page (h, r->device, r->progress, cancellable, &error);
  g_cancellable_disconnect (cancellable, handler);
  sane_cancel (h);                                 /* ends the scan, also after the last frame */
  sane_close (h);
  if (!pixbuf)
    {
      if (g_cancellable_is_cancelled (cancellable) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          g_cancellable_set_error_if_cancelled (cancellable, &error);
        }
      return g_task_return_error (r->task, error);
    }
  result = g_new0 (ScanResult, 1);
  result->pixbuf = pixbuf;
  result->dpi = used > 0 ? used : dpi;
  g_task_return_pointer (r->task, result, (GDestroyNotify) scan_result_free);
}

static void
run_list (Request *r)
{
  const SANE_Device **list = NULL;
  SANE_Status status = sane_get_devices (&list, SANE_FALSE);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_scan_device_free);

  if (status != SANE_STATUS_GOOD)
    return g_task_return_new_error (r->task, CD_SCANNER_ERROR, CD_SCANNER_ERROR_FAILED,
                                    _("The list of scanners cannot be read: %s."), sane_strstatus (status));
  for (guint i = 0; list && list[i]; i++)
    {
      CdScanDevice *d = g_new0 (CdScanDevice, 1);

      d->name = g_strdup (list[i]->name);
      d->vendor = g_strdup (list[i]->vendor);
      d->model = g_strdup (list[i]->model);
      d->type = g_strdup (list[i]->type);
      g_ptr_array_add (out, d);
    }
  g_task_return_pointer (r->task, g_steal_pointer (&out), (GDestroyNotify) g_ptr_array_unref);
}

static gpointer
scan_thread (gpointer data)
{
  cd_worker_yield_to_ui ();
  GAsyncQueue *queue = data;
  SANE_Int version = 0;
  SANE_Status init = sane_init (&version, NULL);

  while (TRUE)
    {
      Request *r = g_async_queue_pop (queue);
      RequestKind kind = r->kind;

      if (kind == REQUEST_QUIT)
        {
          request_free (r);
          break;
        }
      if (init != SANE_STATUS_GOOD)
        g_task_return_new_error (r->task, CD_SCANNER_ERROR, CD_SCANNER_ERROR_FAILED,
                                 _("Scanner support (SANE) cannot start: %s."), sane_strstatus (init));
      else if (kind == REQUEST_LIST)
        run_list (r);
      else
        run_scan (r);
      request_free (r);
    }
  if (init == SANE_STATUS_GOOD)
    sane_exit ();
  g_async_queue_unref (queue);
  return NULL;
}

static void
push (CdScanner *self, Request *r)
{
  if (!self->thread)
    self->thread = g_thread_new ("cd-sane", scan_thread, g_async_queue_ref (self->requests));
  g_async_queue_push (self->requests, r);
}

static void
cd_scanner_finalize (GObject *object)
{
  CdScanner *self = CD_SCANNER (object);

  if (self->thread)
    {
      Request *quit = g_new0 (Request, 1);

      quit->kind = REQUEST_QUIT;
      g_async_queue_push (self->requests, quit);
      /* The last reference may go with a finished task on the SANE thread itself: it cannot join itself. */
      if (g_thread_self () == self->thread)
        g_thread_unref (self->thread);
      else
        g_thread_join (self->thread);
    }
  g_async_queue_unref (self->requests);
  G_OBJECT_CLASS (cd_scanner_parent_class)->finalize (object);
}

static void
cd_scanner_class_init (CdScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cd_scanner_finalize;
}

static void
cd_scanner_init (CdScanner *self)
{
  self->requests = g_async_queue_new ();
}

void
cd_scan_device_free (CdScanDevice *device)
{
  if (!device)
    return;
  g_free (device->name);
  g_free (device->vendor);
  g_free (device->model);
  g_free (device->type);
  g_free (device);
}

CdScanner *
cd_scanner_new (void)
{
  return g_object_new (CD_TYPE_SCANNER, NULL);
}

void
cd_scanner_list_devices_async (CdScanner *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  Request *r;

  g_return_if_fail (CD_IS_SCANNER (self));

  r = g_new0 (Request, 1);
  r->kind = REQUEST_LIST;
  r->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (r->task, cd_scanner_list_devices_async);
  push (self, r);
}

GPtrArray *
cd_scanner_list_devices_finish (CdScanner *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
cd_scanner_scan_async (CdScanner *self, const char *device, const CdScanSettings *settings,
                       CdScanProgressFunc progress, gpointer progress_data, GDestroyNotify progress_notify,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Request *r;

  g_return_if_fail (CD_IS_SCANNER (self));
  g_return_if_fail (device != NULL && settings != NULL);

  r = g_new0 (Request, 1);
  r->kind = REQUEST_SCAN;
  r->device = g_strdup (device);
  r->settings = *settings;
  r->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (r->task, cd_scanner_scan_async);
  if (progress)
    {
      r->progress = g_atomic_rc_box_new0 (Progress);
      r->progress->context = g_main_context_ref_thread_default ();
      r->progress->func = progress;
      r->progress->data = progress_data;
      r->progress->notify = progress_notify;
    }
  else if (progress_notify)
    progress_notify (progress_data);
  push (self, r);
}

GdkPixbuf *
cd_scanner_scan_finish (CdScanner *self, GAsyncResult *result, double *out_dpi, GError **error)
{
  ScanResult *r;
  GdkPixbuf *pixbuf;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == cd_scanner_scan_async, NULL);

  if (!(r = g_task_propagate_pointer (G_TASK (result), error)))
    return NULL;
  pixbuf = g_steal_pointer (&r->pixbuf);
  if (out_dpi)
    *out_dpi = r->dpi;
  scan_result_free (r);
  return pixbuf;
}
