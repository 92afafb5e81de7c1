/* cd-profile.h: a project/CA profile (data/profiles/ID.json): what the counter offers and how it prices it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "cd-types.h"

G_BEGIN_DECLS

#define CD_PROFILE_ERROR (cd_profile_error_quark ())
GQuark cd_profile_error_quark (void);

typedef enum {
  CD_PROFILE_ERROR_PARSE,
  CD_PROFILE_ERROR_INVALID,
  CD_PROFILE_ERROR_NOT_FOUND,
} CdProfileError;

typedef enum {
  CD_FEE_PER_ONCE,   /* a fixed amount */
  CD_FEE_PER_YEAR,   /* amount × years */
  CD_FEE_PER_TERM,   /* amount × years / term_years (e.g. 200 per 2 years) */
  CD_FEE_PER_TABLE,  /* a price for each offered term (1/2/4 years) */
  CD_FEE_PER_KEY,    /* amount × keys (the USB key medium) */
  CD_FEE_PER_SEAL,   /* amount × e-seals */
} CdFeePer;

typedef enum {
  CD_PIN_POLICY_FIXED,
  CD_PIN_POLICY_RANDOM,
} CdPinPolicy;

typedef struct {
  guint    years;
  gboolean has_amount;
  gint64   amount_fen;
} CdFeeTableEntry;

typedef struct {
  char     *code;
  char     *label;
  char     *label_zh;
  CdFeePer  per;
  gboolean  times_keys;   /* multiplied by the number of keys as well */
  guint     term_years;   /* CD_FEE_PER_TERM */
  gboolean  has_amount;   /* FALSE: the shipped profile leaves the price to the supervisor */
  gint64    amount_fen;
  GArray   *table;        /* of CdFeeTableEntry, CD_FEE_PER_TABLE */
} CdFeeRule;

typedef struct {
  char       *id;          /* unique within the business, e.g. "unit", "zero-fee" */
  CdBusiness  business;
  guint       applicants;  /* bit mask of CdApplicantType */
  char      **when;        /* fee flags that must hold: "zero_fee", "!one_cert" … */
  GArray     *years;       /* guint: the terms offered; empty = the business has no term */
  GPtrArray  *rules;       /* CdFeeRule; empty = free of charge */
} CdFeeVariant;

typedef struct {
  char      *code;
  char      *label;
  char      *label_zh;
  char      *note;
  char      *note_zh;
  gboolean   required;
  gboolean   original;     /* the original is shown at the counter */
  gboolean   copy;         /* a paper copy is handed in */
  guint      copies;
  gboolean   stamped;      /* copies carry the unit seal */
  gboolean   scan;         /* a scan is attached to the application */
  guint      businesses;   /* bit mask of CdBusiness */
  guint      applicants;   /* bit mask of CdApplicantType */
  char     **when;         /* checklist conditions: "e_seal", "!has_uscc" … */
} CdMaterial;

typedef struct {
  char *field;    /* CN, O, OU, L, ST, C, serialNumber … */
  char *value;    /* template: "{unit.name}", "CN" … */
} CdSubjectPart;

typedef struct _CdProfile CdProfile;

struct _CdProfile {
  char        *id;
  char        *path;
  char        *name;
  char        *name_zh;
  char        *ca_name;
  char        *region;
  guint        businesses;      /* bit masks of the codes offered */
  guint        applicants;
  guint        party_roles;
  guint        payment_methods;
  guint        validity_years;  /* default term */
  guint        renew_window_days;
  char        *key_algorithm;   /* "rsa-2048", "rsa-3072", "ec-p256" */
  gboolean     key_encipherment; /* RSA only: the certificate's keyUsage adds keyEncipherment */
  CdPinPolicy  pin_policy;
  char        *initial_pin;     /* CD_PIN_POLICY_FIXED */
  guint        pin_length;      /* CD_PIN_POLICY_RANDOM */
  char        *form_kind;       /* "nmg-three-copy", "xj-two-copy", "bj-two-copy" */
  guint        form_copies;     /* 2 or 3 */
  char       **documents;       /* printed with the application */
  guint        samples_per_form;
  char       **collection_forms;
  char       **upload_types;
  gint64       upload_max_bytes;
  char        *agreement;       /* file under data/agreements/ */
  GPtrArray   *subject_unit;    /* CdSubjectPart */
  GPtrArray   *subject_person;
  GPtrArray   *materials;       /* CdMaterial */
  GPtrArray   *fee_variants;    /* CdFeeVariant */
};

CdProfile  *cd_profile_load_file        (const char *path, GError **error);
CdProfile  *cd_profile_load_data        (const char *data, gssize len, const char *name, GError **error);
CdProfile  *cd_profile_ref              (CdProfile *self);
void        cd_profile_unref            (CdProfile *self);
const char *cd_profile_display_name     (const CdProfile *self);
gboolean    cd_profile_offers_business  (const CdProfile *self, CdBusiness business);
gboolean    cd_profile_offers_applicant (const CdProfile *self, CdApplicantType type);
gboolean    cd_profile_accepts_payment  (const CdProfile *self, CdPaymentMethod method);
gboolean    cd_profile_has_party_roles  (const CdProfile *self);
gboolean    cd_profile_has_prices       (const CdProfile *self);

/* Picks the label of the current UI language: the Chinese one in a zh locale. */
const char *cd_localized                (const char *label, const char *label_zh);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdProfile, cd_profile_unref)

/* All profiles of a data folder, by id. Reference-counted (atomically) and read-only once loaded, so that one set
 * can serve a context and its worker contexts on other threads. */
typedef struct _CdProfileSet CdProfileSet;

CdProfileSet *cd_profile_set_new        (void);
gboolean      cd_profile_set_load_dir   (CdProfileSet *self, const char *dir, GError **error);
CdProfile    *cd_profile_set_lookup     (CdProfileSet *self, const char *id, GError **error);
GPtrArray    *cd_profile_set_list       (CdProfileSet *self);   /* sorted by id, transfer container */
CdProfileSet *cd_profile_set_ref        (CdProfileSet *self);
void          cd_profile_set_unref      (CdProfileSet *self);
/* The same as cd_profile_set_unref (the name of the time before sharing). */
void          cd_profile_set_free       (CdProfileSet *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdProfileSet, cd_profile_set_unref)

G_END_DECLS
