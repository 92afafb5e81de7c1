/* cd-price-store.h: a supervisor's local prices, stored and audited; they win over the shipped profile. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"
#include "cd-application.h"
#include "cd-fee.h"

G_BEGIN_DECLS

/* The overrides of @profile_id (CdPriceOverride, owned). */
GPtrArray  *cd_price_store_list  (CdContext *ctx, const char *profile_id, GError **error);

/* Sets or replaces one price; the item must exist in the profile's fee rules. */
gboolean    cd_price_store_set   (CdContext *ctx, const char *profile_id, const CdPriceOverride *price,
                                  GError **error);
gboolean    cd_price_store_clear (CdContext *ctx, const char *profile_id, const CdPriceOverride *key,
                                  GError **error);

/* The quote with this counter's prices: the shipped profile with the local overrides. */
CdFeeQuote *cd_price_store_quote (CdContext *ctx, const CdProfile *profile, CdBusiness business,
                                  CdApplicantType type, const CdFeeRequest *request, GError **error);

/* THE effective fee of an application (shipped prices + this counter's local prices), for every consumer that
 * shows or takes money: the fee step, the receipt and the printed documents, the print queue, reprints, the
 * report, `pay` and the pre-flight. @profile may be NULL (looked up from @app->profile). cd_fee_quote()
 * without overrides is for checking a profile only, never for an amount a person sees. */
CdFeeQuote *cd_fee_compute       (CdContext *ctx, const CdApplication *app, const CdProfile *profile,
                                  GError **error);

G_END_DECLS
