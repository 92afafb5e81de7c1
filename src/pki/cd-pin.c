/* cd-pin.c: PIN buffers. The bytes are locked in memory where the system allows and cleansed on free. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>
#include <sys/mman.h>

#include "cd-pin.h"

#define CD_PIN_MAX 64

struct _CdPin {
  gsize len;
  char  text[CD_PIN_MAX + 1];
};

CdPin *
cd_pin_new (const char *text)
{
  CdPin *self;

  g_return_val_if_fail (text != NULL, NULL);
  self = g_new0 (CdPin, 1);
  (void) mlock (self, sizeof *self);
  self->len = MIN (strlen (text), CD_PIN_MAX);
  memcpy (self->text, text, self->len);
  return self;
}

CdPin *
cd_pin_new_random (guint length)
{
  CdPin *self = g_new0 (CdPin, 1);
  unsigned char r;

  (void) mlock (self, sizeof *self);
  length = CLAMP (length, 4, CD_PIN_MAX);
  while (self->len < length)
    {
      if (RAND_bytes (&r, 1) != 1)
        g_error ("the random generator failed");
      if (r >= 250)           /* no modulo bias */
        continue;
      self->text[self->len++] = '0' + r % 10;
    }
  r = 0;
  return self;
}

CdPin *
cd_pin_from_env (const char *name)
{
  const char *v = g_getenv (name);
  CdPin *pin;

  if (v == NULL || *v == '\0')
    return NULL;
  pin = cd_pin_new (v);
  OPENSSL_cleanse ((void *) v, strlen (v));
  g_unsetenv (name);
  return pin;
}

CdPin *
cd_pin_copy (const CdPin *self)
{
  return self ? cd_pin_new (self->text) : NULL;
}

const char *
cd_pin_get (const CdPin *self)
{
  return self->text;
}

gsize
cd_pin_length (const CdPin *self)
{
  return self->len;
}

void
cd_pin_free (CdPin *self)
{
  if (self == NULL)
    return;
  OPENSSL_cleanse (self, sizeof *self);
  (void) munlock (self, sizeof *self);
  g_free (self);
}

void
cd_pin_wipe_string (char *text)
{
  if (text)
    OPENSSL_cleanse (text, strlen (text));
}
