/* cd-preflight-price.c: the rules of the money — the one effective fee (shipped + local) and what is paid
 * against it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-preflight-private.h"

void
cd_preflight_rule_price (CdPreflightRun *r)
{
  g_autoptr(GError) local = NULL;
  const char *path;

  r->quote = cd_fee_compute (r->ctx, r->app, r->profile, &local);
  if (r->quote || r->paid)
    return;
  /* A business or applicant type the project does not offer has no price either; the validation says so on
   * the field that is chosen wrong (the applicant type on the applicant step), in the project's name. */
  if (!cd_profile_offers_business (r->profile, r->app->business)
      || !cd_profile_offers_applicant (r->profile, r->app->applicant_type))
    return;
  path = g_error_matches (local, CD_FEE_ERROR, CD_FEE_ERROR_TERM) ? "$.years"
         : g_error_matches (local, CD_FEE_ERROR, CD_FEE_ERROR_QUANTITY) ? "$.keys.main"
         : (r->app->zero_fee || r->app->one_cert) && g_error_matches (local, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED)
           ? "$.options" : "$.business";
  cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "price", path, "%s", local->message);
}

void
cd_preflight_rule_payment (CdPreflightRun *r)
{
  const CdPayment *pay = &r->app->payment;
  g_autofree char *due = NULL;
  g_autofree char *paid = NULL;

  if (r->paid || r->quote == NULL)
    return;
  due = cd_fen_to_yuan_string (r->quote->total_fen);
  if (r->quote->total_fen == 0)
    {
      /* A free business takes no money: no payment method is asked for. */
      if (pay->has_payment && pay->amount_fen != 0)
        {
          paid = cd_fen_to_yuan_string (pay->amount_fen);
          cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.amount_fen",
                                  _("“%s” is free of charge, but %s yuan is entered as paid: enter 0"),
                                  cd_business_label (r->app->business), paid);
        }
      return;
    }
  if (!pay->has_payment)
    {
      cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.method",
                              _("The fee is %s yuan: choose how it is paid"), due);
      return;
    }
  if (!cd_profile_accepts_payment (r->profile, pay->method))
    cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.method",
                            _("%s does not accept payment by %s: choose another way to pay"),
                            cd_profile_display_name (r->profile), cd_payment_method_label (pay->method));
  paid = cd_fen_to_yuan_string (pay->amount_fen);
  if (pay->amount_fen != r->quote->total_fen)
    cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.amount_fen",
                            _("The amount paid is %s yuan but the fee is %s yuan: the amount must equal the fee"),
                            paid, due);
  else if (pay->method == CD_PAYMENT_CASH && pay->received_fen < pay->amount_fen)
    {
      g_autofree char *got = cd_fen_to_yuan_string (pay->received_fen);
      cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.received_fen",
                              _("Cash received (%s yuan) is less than the fee (%s yuan)"), got, due);
    }
  else if (pay->method == CD_PAYMENT_CASH && pay->received_fen - pay->amount_fen > CD_CASH_MAX_CHANGE_FEN)
    {
      g_autofree char *got = cd_fen_to_yuan_string (pay->received_fen);
      g_autofree char *change = cd_fen_to_yuan_string (pay->received_fen - pay->amount_fen);
      g_autofree char *limit = cd_fen_to_yuan_string (CD_CASH_MAX_CHANGE_FEN);
      cd_preflight_add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.received_fen",
                              _("Cash received (%s yuan) for a fee of %s yuan would need %s yuan change, more than "
                                "%s yuan: check the amount received and enter what the customer handed over"),
                              got, due, change, limit);
    }
}
