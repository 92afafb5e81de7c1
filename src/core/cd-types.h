/* cd-types.h: the codes of the domain (business, applicant, party role, payment, state) and their labels. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  CD_BUSINESS_NEW,
  CD_BUSINESS_RENEW,
  CD_BUSINESS_REPLACE,
  CD_BUSINESS_UNLOCK,
  CD_BUSINESS_CHANGE,
  CD_BUSINESS_REVOKE,
  CD_BUSINESS_SUSPEND,
  CD_BUSINESS_APP_OPEN,
  CD_N_BUSINESSES
} CdBusiness;

typedef enum {
  CD_APPLICANT_ENTERPRISE,
  CD_APPLICANT_INSTITUTION,
  CD_APPLICANT_GOVERNMENT,
  CD_APPLICANT_ORGANIZATION,
  CD_APPLICANT_INDIVIDUAL,
  CD_APPLICANT_ORG_INDIVIDUAL,
  CD_APPLICANT_EXPERT,
  CD_N_APPLICANTS
} CdApplicantType;

typedef enum {
  CD_PARTY_TENDERER,
  CD_PARTY_AGENCY,
  CD_PARTY_BIDDER,
  CD_PARTY_EXPERT,
  CD_PARTY_OTHER,
  CD_N_PARTY_ROLES
} CdPartyRole;

typedef enum {
  CD_PAYMENT_CASH,
  CD_PAYMENT_WECHAT,
  CD_PAYMENT_ALIPAY,
  CD_PAYMENT_BANK_CARD,
  CD_PAYMENT_BANK_TRANSFER,
  CD_N_PAYMENT_METHODS
} CdPaymentMethod;

typedef enum {
  CD_STATE_DRAFT,
  CD_STATE_CHECKED,
  CD_STATE_PAID,
  CD_STATE_PRINTED,
  CD_STATE_ISSUED,
  CD_STATE_CLOSED,
  CD_STATE_VOIDED,
  CD_N_STATES
} CdState;

/* Codes are the stable strings of the CLI, the JSON and the database; labels are for people. */
const char *cd_business_to_code        (CdBusiness business);
gboolean    cd_business_from_code      (const char *code, CdBusiness *out);
const char *cd_business_label          (CdBusiness business);
const char *cd_applicant_type_to_code  (CdApplicantType type);
gboolean    cd_applicant_type_from_code (const char *code, CdApplicantType *out);
const char *cd_applicant_type_label    (CdApplicantType type);
gboolean    cd_applicant_type_is_person (CdApplicantType type);
const char *cd_party_role_to_code      (CdPartyRole role);
gboolean    cd_party_role_from_code    (const char *code, CdPartyRole *out);
const char *cd_party_role_label        (CdPartyRole role);
const char *cd_payment_method_to_code  (CdPaymentMethod method);
gboolean    cd_payment_method_from_code (const char *code, CdPaymentMethod *out);
const char *cd_payment_method_label    (CdPaymentMethod method);
const char *cd_state_to_code           (CdState state);
gboolean    cd_state_from_code         (const char *code, CdState *out);
const char *cd_state_label             (CdState state);

/* Lists of all codes, for messages such as "expected one of …". */
char       *cd_business_codes_joined   (void);
char       *cd_applicant_codes_joined  (void);

/* Formats integer fen as yuan, "350.00". */
char       *cd_fen_to_yuan_string      (gint64 fen);

G_END_DECLS
