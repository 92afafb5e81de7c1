/* cd-fee.h: the itemised fee of one acceptance, in integer fen, from the profile and local price overrides. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-profile.h"

G_BEGIN_DECLS

#define CD_FEE_ERROR (cd_fee_error_quark ())
GQuark cd_fee_error_quark (void);

typedef enum {
  CD_FEE_ERROR_NOT_OFFERED,   /* business/applicant/flag combination without a price */
  CD_FEE_ERROR_TERM,          /* a term the profile does not offer */
  CD_FEE_ERROR_QUANTITY,      /* keys or seals out of range */
  CD_FEE_ERROR_PRICE_UNSET,   /* the profile leaves this price to the supervisor and none is set */
} CdFeeError;

typedef struct {
  guint    years;     /* 0: the profile's default term */
  guint    keys;      /* USB keys (main + secondary); 0 is read as 1 */
  guint    seals;     /* e-seals made */
  gboolean zero_fee;  /* a zero-fee unit (medium cost only) */
  gboolean one_cert;  /* already holds a 一证通 certificate */
} CdFeeRequest;

/* A supervisor's local price; @years is 0 except for a term-table entry. */
typedef struct {
  char   *business;
  char   *variant;
  char   *item;
  guint   years;
  gint64  amount_fen;
  gboolean central;   /* the head office's price, not this counter's own (cd-price-store.c) */
} CdPriceOverride;

typedef struct {
  char     *code;
  char     *label;
  guint     qty;
  gint64    unit_fen;
  gint64    amount_fen;
  gboolean  overridden;
  gboolean  central;      /* overridden by the head office's price (docs/central.md) */
} CdFeeLine;

typedef struct {
  CdBusiness  business;
  char       *variant;
  guint       years;      /* 0 when the business has no term */
  gint64      total_fen;
  GPtrArray  *lines;      /* CdFeeLine; empty when free of charge */
} CdFeeQuote;

CdFeeQuote *cd_fee_quote (const CdProfile *profile, CdBusiness business, CdApplicantType type,
                          const CdFeeRequest *request, GPtrArray *overrides, GError **error);
void        cd_fee_quote_free (CdFeeQuote *quote);
void        cd_price_override_free (CdPriceOverride *o);

/* The variant that prices @business for @type under @request's flags, or NULL with an error. */
const CdFeeVariant *cd_fee_find_variant (const CdProfile *profile, CdBusiness business, CdApplicantType type,
                                         const CdFeeRequest *request, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdFeeQuote, cd_fee_quote_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdPriceOverride, cd_price_override_free)

G_END_DECLS
