/* cd-input.h: input checked at the door: files read within a size limit, JSON nesting bounded before
 * json-glib parses it, and text fields free of characters that have no business in a name. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CD_INPUT_ERROR (cd_input_error_quark ())
GQuark cd_input_error_quark (void);

typedef enum {
  CD_INPUT_ERROR_TOO_LARGE,  /* over its size limit */
  CD_INPUT_ERROR_INVALID,    /* nesting, encoding, a refused character, a string too long */
} CdInputError;

/* An application file is at most this many bytes. */
#define CD_INPUT_APPLICATION_MAX_BYTES   (1024 * 1024)
/* JSON nesting: an application is four levels deep; profiles a few more. */
#define CD_INPUT_JSON_MAX_DEPTH          32
/* A text field of an application, in characters, unless the field has a tighter rule of its own. */
#define CD_INPUT_TEXT_MAX_CHARS          512

/* Reads @path, refusing it before reading it whole when it is larger than @max_bytes: a regular file by
 * its size, anything else (a pipe, /dev/zero) while reading. @what names the file for the message. The
 * contents are NUL-terminated. Errors: G_FILE_ERROR (cannot open or read), CD_INPUT_ERROR_TOO_LARGE. */
gboolean cd_input_read_file (const char *path, gsize max_bytes, const char *what, char **out, gsize *out_len,
                             GError **error);

/* Walks JSON text without building it: refuses nesting deeper than @max_depth and strings holding escaped
 * characters that json-glib would silently cut or keep (\u0000 and the other refused characters, lone
 * surrogates), naming the JSON path ("$.unit.name"). Syntax errors are left to the parser. */
gboolean cd_input_check_json (const char *data, gsize len, guint max_depth, GError **error);

/* NULL when @c may stand in a text field, else a description of it ("a control character (U+0000)"). */
const char *cd_input_refused_char (gunichar c);

/* The first character of @name (valid UTF-8) that a name may not carry into the certificate, the forms or the
 * window header: emoji and other symbols (with their skin-tone modifiers and variation selectors), private-use
 * and unassigned code points, control and format characters; NULL when every character is one a registered or
 * ID-document name has. The applicant rule and the clerk accounts both ask it. */
const char *cd_input_refused_name_char (const char *name);

/* Checks a text field: valid UTF-8, no refused character, at most @max_chars characters after NFC.
 * Returns the NFC form, or NULL with a message naming @path, the character and its position. */
char *cd_input_text (const char *path, const char *value, guint max_chars, GError **error);

G_END_DECLS
