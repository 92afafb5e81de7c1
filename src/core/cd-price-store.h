/* cd-price-store.h: a supervisor's local prices and the head office's central prices, stored and audited; they
 * win over the shipped profile. Which wins between the two (docs/central.md "From the head office"): a central
 * price, unless the head office allows a local price for that item and this counter has set one. */
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

/* A price the head office set (pulled by sync into central_price). */
typedef struct {
  CdPriceOverride price;        /* business, variant, item, years, amount_fen */
  gboolean        allow_local;  /* a counter's own price for this item wins over this one */
} CdCentralPrice;
void        cd_central_price_free (CdCentralPrice *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdCentralPrice, cd_central_price_free)

/* The head office's prices of @profile_id on this counter (CdCentralPrice, owned). */
GPtrArray  *cd_price_store_list_central (CdContext *ctx, const char *profile_id, GError **error);

/* Whether @price names an item of @profile_id's fee rules (and a term of its table) and an amount from 0 to
 * 1,000,000 yuan: what a local and a central price must both be. */
gboolean    cd_price_store_check (CdContext *ctx, const char *profile_id, const CdPriceOverride *price,
                                  gboolean check_amount, GError **error);

/* Sync's pull (src/central): applies one head-office price change inside the caller's transaction, audited as
 * "price.central" with the old and new amount. @deleted: the head office cleared it. */
gboolean    cd_price_store_apply_central (CdStore *store, const char *profile_id, const CdPriceOverride *price,
                                          gboolean allow_local, gboolean deleted, gint64 rev, GError **error);

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
