/* cd-burn-page.h: the wizard's Issue step (制证): the inserted USB key as a card, the burn with its progress,
 * cancel while it is safe, the outcome and the PIN slip. While the clerk takes the payment and prints, a
 * blank key inserted for a new application gets its key pair generated ahead (cd-keygen-ahead.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

#include "cd-context.h"
#include "cd-issuer.h"
#include "cd-pin.h"
#include "cd-wizard-page.h"

G_BEGIN_DECLS

#define CD_TYPE_BURN_PAGE (cd_burn_page_get_type ())
G_DECLARE_FINAL_TYPE (CdBurnPage, cd_burn_page, CD, BURN_PAGE, GtkScrolledWindow)

/* Starts generating the key pair ahead on the inserted key now, as when the clerk moves past the
 * materials step of a new application (the page does that itself inside the wizard). */
void        cd_burn_page_prepare_key    (CdBurnPage *self);
/* What the page is doing: "idle", "inspecting", "ahead", "burning", "done" or "failed". */
const char *cd_burn_page_get_activity   (CdBurnPage *self);
/* TRUE once a key pair generated ahead is waiting on the inserted key for this application. */
gboolean    cd_burn_page_has_key_ahead  (CdBurnPage *self);
/* The PIN slip (PDF, in memory only) rendered after a burn that gave the key a random PIN, or NULL. */
GBytes     *cd_burn_page_get_pin_slip   (CdBurnPage *self);

/* The configured CMP issuer's secret (the CA's shared secret, or with @ra_pass the passphrase of the RA key
 * @ra_key) as the signed-in clerk typed it this session on the Issue step or the certificate step
 * (cd-cert-action-page.c): a copy, or NULL when there is none for this clerk and this need. Kept in memory on
 * @ctx only (cd-burn-page-cmp.c); remembered once typed, forgotten when the CA refuses it. */
CdPin      *cd_burn_page_cmp_remembered (CdContext *ctx, gboolean ra_pass, const char *ra_key);
void        cd_burn_page_cmp_remember   (CdContext *ctx, gboolean ra_pass, const char *ra_key, const CdPin *pin);
void        cd_burn_page_cmp_forget     (CdContext *ctx);
/* Whether the configured issuer asks the clerk to type something: FALSE for the local CA or a CMP server with an
 * RA key without passphrase; TRUE with *@ra_pass saying whether it is the RA key's passphrase or else the CMP
 * shared secret. */
gboolean    cd_burn_page_cmp_asks       (GSettings *settings, gboolean *ra_pass);
/* The issuer the settings choose (the Issue step's and the certificate step's): the local CA, or the CMP server
 * with @typed (the page's field, "" for none) else the secret remembered for the clerk's session. A secret typed
 * is remembered and *@took_typed set (the page empties its field). NULL with the sentence asking for the secret
 * when the CMP server needs one and none is known. */
CdIssuer   *cd_burn_page_issuer_from_settings (CdContext *ctx, GSettings *settings, const char *typed,
                                               gboolean *took_typed, GError **error);

G_END_DECLS
