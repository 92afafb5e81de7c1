/* cd-decoder-log.h: what the image and PDF decoders print on stderr goes to GLib's debug log instead. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* libpng and libjpeg (inside leptonica) and poppler's DCT and Flate decoders write their warnings straight
 * to stderr with fprintf: none of them has an API to take the messages (leptonica 1.82 passes NULL handlers
 * to libpng and keeps libjpeg's default output_message; poppler 22.12's DCTStream does the same). The caller
 * reports one clear message of its own, so between _begin and _end file descriptor 2 points at a private
 * memory file; _end puts stderr back and logs every captured line with g_debug under @domain (visible with
 * G_MESSAGES_DEBUG=all). One capture at a time in the process (a lock): wrap the decoding call only.
 * Off until cd_decoder_log_capture_stderr (TRUE): file descriptor 2 is the whole process's, so only a
 * program that owns its terminal and decodes on one thread (certdesk-cli) turns it on; elsewhere (the GUI,
 * whose other threads may write to stderr meanwhile) _begin and _end do nothing. */
typedef struct {
  int saved_fd;   /* the real stderr, -1 if the capture could not be set up (then nothing is captured) */
  int capture_fd;
} CdDecoderLog;

void cd_decoder_log_capture_stderr (gboolean capture);
void cd_decoder_log_begin (CdDecoderLog *log);
void cd_decoder_log_end   (CdDecoderLog *log, const char *domain);

G_END_DECLS
