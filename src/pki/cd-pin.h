/* cd-pin.h: a PIN in a buffer of its own, wiped when freed; never logged, never stored. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CdPin CdPin;

CdPin      *cd_pin_new        (const char *text);
/* Digits only, from the OpenSSL random generator, as the profile's random PIN policy asks. */
CdPin      *cd_pin_new_random (guint length);
/* Takes the PIN from environment variable @name and removes it from the environment. NULL if unset. */
CdPin      *cd_pin_from_env   (const char *name);
CdPin      *cd_pin_copy       (const CdPin *self);
const char *cd_pin_get        (const CdPin *self);
gsize       cd_pin_length     (const CdPin *self);
void        cd_pin_free       (CdPin *self);
/* Wipes a C string in place (argv entries). */
void        cd_pin_wipe_string (char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPin, cd_pin_free)

G_END_DECLS
