/* cd-burn-page-cmp.c: the Issue step's issuer, chosen by the settings (issuer, cmp-server, cmp-reference,
 * cmp-trust-anchor, cmp-ra-certificate, cmp-ra-key; an empty one falls back to the database setting), and
 * what the clerk types for it on the page: the CA's CMP shared secret (PBM), or the passphrase of an
 * encrypted RA key. Neither is stored: it is remembered in memory, on the context, for the clerk who typed
 * it (another clerk signed in does not get it), and forgotten when the CA refuses it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n.h>

#include "cd-burn-page-private.h"
#include "cd-issuer-cmp.h"
#include "cd-issuer-config.h"

#define REMEMBERED "cd-burn-page-cmp-secret"

typedef struct {
  gint64  clerk_id;
  int     need;
  char   *ra_key;   /* the key file a passphrase opens */
  CdPin  *pin;
} Remembered;

static void
remembered_free (gpointer data)
{
  Remembered *r = data;

  g_free (r->ra_key);
  cd_pin_free (r->pin);
  g_free (r);
}

/* A settings value, NULL when empty. */
static char *
settings_value (GSettings *settings, const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  return *value ? g_steal_pointer (&value) : NULL;
}

static char *
setting (CdBurnPage *self, const char *key)
{
  return settings_value (self->settings, key);
}

void
cd_burn_page_cmp_forget (CdContext *ctx)
{
  g_object_set_data (G_OBJECT (ctx), REMEMBERED, NULL);
}

CdPin *
cd_burn_page_cmp_remembered (CdContext *ctx, gboolean ra_pass, const char *ra_key)
{
  Remembered *r = g_object_get_data (G_OBJECT (ctx), REMEMBERED);

  if (r == NULL || r->clerk_id != cd_context_get_clerk_id (ctx)
      || r->need != (ra_pass ? CD_CMP_NEED_RA_PASS : CD_CMP_NEED_SECRET)
      || (ra_pass && g_strcmp0 (r->ra_key, ra_key) != 0))
    return NULL;
  return cd_pin_copy (r->pin);
}

void
cd_burn_page_cmp_remember (CdContext *ctx, gboolean ra_pass, const char *ra_key, const CdPin *pin)
{
  Remembered *keep = g_new0 (Remembered, 1);

  keep->clerk_id = cd_context_get_clerk_id (ctx);
  keep->need = ra_pass ? CD_CMP_NEED_RA_PASS : CD_CMP_NEED_SECRET;
  keep->ra_key = g_strdup (ra_key);
  keep->pin = cd_pin_copy (pin);
  g_object_set_data_full (G_OBJECT (ctx), REMEMBERED, keep, remembered_free);
}

/* The secret remembered for this clerk and this need, or NULL (a stale one is dropped). */
static const Remembered *
remembered (CdBurnPage *self)
{
  Remembered *r = g_object_get_data (G_OBJECT (self->ctx), REMEMBERED);
  g_autofree char *ra_key = NULL;

  if (r == NULL)
    return NULL;
  ra_key = setting (self, "cmp-ra-key");
  if (r->clerk_id != cd_context_get_clerk_id (self->ctx) || r->need != self->cmp_need
      || (r->need == CD_CMP_NEED_RA_PASS && g_strcmp0 (r->ra_key, ra_key) != 0))
    {
      cd_burn_page_cmp_forget (self->ctx);
      return NULL;
    }
  return r;
}

void
cd_burn_page_cmp_refresh (CdBurnPage *self)
{
  gboolean ra_pass;
  const char *caption;

  if (!cd_burn_page_cmp_asks (self->settings, &ra_pass))
    self->cmp_need = CD_CMP_NEED_NONE;
  else
    self->cmp_need = ra_pass ? CD_CMP_NEED_RA_PASS : CD_CMP_NEED_SECRET;
  caption = self->cmp_need == CD_CMP_NEED_RA_PASS ? _("_Passphrase of the RA key") : _("CMP _shared secret of this counter");
  if (g_strcmp0 (gtk_label_get_label (self->cmp_caption), caption) != 0)
    gtk_label_set_text_with_mnemonic (self->cmp_caption, caption);
}

gboolean
cd_burn_page_cmp_has_secret (CdBurnPage *self)
{
  return self->cmp_need == CD_CMP_NEED_NONE || *gtk_entry_get_text (self->cmp_entry) || remembered (self);
}

gboolean
cd_burn_page_cmp_asks (GSettings *settings, gboolean *ra_pass)
{
  g_autofree char *issuer = g_settings_get_string (settings, "issuer");
  g_autofree char *ra_cert = settings_value (settings, "cmp-ra-certificate");
  g_autofree char *ra_key = settings_value (settings, "cmp-ra-key");

  *ra_pass = FALSE;
  if (!g_str_equal (issuer, "cmp"))
    return FALSE;
  if (ra_cert && ra_key)
    return (*ra_pass = cd_issuer_cmp_key_is_encrypted (ra_key));
  return TRUE;
}

CdIssuer *
cd_burn_page_issuer_from_settings (CdContext *ctx, GSettings *settings, const char *typed, gboolean *took_typed,
                                   GError **error)
{
  g_autofree char *name = g_settings_get_string (settings, "issuer");
  g_autofree char *server = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *trust = NULL;
  g_autofree char *ra_cert = NULL;
  g_autofree char *ra_key = NULL;
  g_autoptr(CdPin) pin = NULL;
  CdIssuerChoice choice = { 0 };
  gboolean asks, ra_pass;
  CdIssuer *issuer;

  *took_typed = FALSE;
  if (!g_str_equal (name, "cmp"))
    return cd_issuer_from_choice (ctx, &choice, error);
  asks = cd_burn_page_cmp_asks (settings, &ra_pass);
  server = settings_value (settings, "cmp-server");
  reference = settings_value (settings, "cmp-reference");
  trust = settings_value (settings, "cmp-trust-anchor");
  ra_cert = settings_value (settings, "cmp-ra-certificate");
  ra_key = settings_value (settings, "cmp-ra-key");
  if (asks)
    {
      if (typed && *typed)
        pin = cd_pin_new (typed);
      else if (!(pin = cd_burn_page_cmp_remembered (ctx, ra_pass, ra_key)))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               ra_pass ? _("Enter the passphrase of the RA key") : _("Enter the CA's CMP shared secret"));
          return NULL;
        }
    }
  choice.name = "cmp";
  choice.server = server;
  choice.reference = reference;
  choice.trust_anchor = trust;
  choice.ra_cert = ra_cert;
  choice.ra_key = ra_key;
  choice.secret = asks && !ra_pass ? pin : NULL;
  choice.ra_key_pass = asks && ra_pass ? pin : NULL;
  if (!(issuer = cd_issuer_from_choice (ctx, &choice, error)))
    return NULL;
  /* What was typed is taken out of the page and kept for the session. A shared secret is only known to be
   * right once the CA accepts it: a refusal forgets it (cd_burn_page_cmp_forget). */
  if (pin && typed && *typed)
    {
      cd_burn_page_cmp_remember (ctx, ra_pass, ra_key, pin);
      *took_typed = TRUE;
    }
  return issuer;
}

CdIssuer *
cd_burn_page_cmp_issuer (CdBurnPage *self, GError **error)
{
  gboolean took = FALSE;
  CdIssuer *issuer;

  cd_burn_page_cmp_refresh (self);
  issuer = cd_burn_page_issuer_from_settings (self->ctx, self->settings, gtk_entry_get_text (self->cmp_entry), &took,
                                              error);
  if (took)
    gtk_entry_set_text (self->cmp_entry, "");
  return issuer;
}

void
cd_burn_page_cmp_failed (CdBurnPage *self, const GError *error)
{
  if (CD_IS_ISSUER_CMP (self->issuer) && cd_issuer_cmp_protection_refused (CD_ISSUER_CMP (self->issuer)))
    cd_burn_page_cmp_forget (self->ctx);
}
