/* cd-application.h: one acceptance as the clerk fills it in, and its JSON form (design.md, "Application JSON"). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>

#include "cd-checklist.h"
#include "cd-fee.h"
#include "cd-profile.h"

G_BEGIN_DECLS

#define CD_APPLICATION_ERROR (cd_application_error_quark ())
GQuark cd_application_error_quark (void);

typedef enum {
  CD_APPLICATION_ERROR_PARSE,
  CD_APPLICATION_ERROR_INVALID,   /* message starts with the JSON path of the field */
} CdApplicationError;

typedef struct {
  char *name;
  char *uscc;
  char *address;
  char *postcode;
  char *phone;
  char *email;
} CdUnit;

typedef struct {
  char *name;
  char *id_type;     /* "resident_id" (checked), "passport", "hk_macao_permit", "taiwan_permit", "other" */
  char *id_number;
  char *mobile;
  char *email;
} CdPerson;

typedef struct {
  char *title;
  char *taxpayer_id;
  char *email;
  char *address;
  char *phone;
  char *bank;
  char *account;
} CdInvoice;

typedef struct {
  gboolean   original_seen;
  gboolean   copy;
  gboolean   stamped;
  gboolean   waived;          /* set only through a supervisor's waiver */
  char      *waiver_reason;
  GPtrArray *scans;           /* char *: file names or store references */
} CdMaterialMark;

typedef struct {
  gboolean        has_payment;
  CdPaymentMethod method;
  gint64          amount_fen;
  gint64          received_fen;  /* cash: what the applicant handed over */
} CdPayment;

typedef struct {
  char            *profile;
  CdBusiness       business;
  CdApplicantType  applicant_type;
  gboolean         has_party_role;
  CdPartyRole      party_role;
  guint            years;           /* 0: profile default */
  guint            keys_main;
  guint            keys_secondary;
  guint            seals;
  gboolean         has_uscc;        /* checklist options */
  gboolean         legal_person_present;
  gboolean         one_cert;
  gboolean         zero_fee;
  CdUnit          *unit;            /* NULL for individuals */
  CdPerson        *legal_person;
  CdPerson        *agent;
  CdPerson        *person;          /* individuals */
  CdInvoice       *invoice;
  CdPayment        payment;
  GHashTable      *materials;       /* code → CdMaterialMark */
  GHashTable      *samples;         /* "unit_seal"… → path */
  char            *existing_serial; /* renew/replace/change/unlock/revoke */
} CdApplication;

CdApplication *cd_application_new        (void);
void           cd_application_free       (CdApplication *self);
CdApplication *cd_application_copy       (const CdApplication *self);
/* Free one part with everything it holds (for dropping a part of an application). */
void           cd_unit_free              (CdUnit *unit);
void           cd_person_free            (CdPerson *person);
void           cd_invoice_free           (CdInvoice *invoice);

/* Parses the JSON form; unknown keys and wrong types are refused with their JSON path. */
CdApplication *cd_application_from_json  (JsonNode *node, GError **error);
CdApplication *cd_application_from_data  (const char *data, gssize len, GError **error);
CdApplication *cd_application_load_file  (const char *path, GError **error);
JsonNode      *cd_application_to_json    (const CdApplication *self);
char          *cd_application_to_string  (const CdApplication *self);

/* Checks the application against @profile: combination offered, identifiers, required fields.
 * The error message starts with the JSON path of the first bad field ("$.unit.uscc: …"). */
gboolean       cd_application_validate   (const CdApplication *self, const CdProfile *profile, GError **error);

/* The same check for one field at a time, as the GUI needs it while the clerk types. */
gboolean       cd_application_check_identifier (const char *path, const char *value, const char *id_type,
                                                GError **error);

CdChecklistOptions cd_application_checklist_options (const CdApplication *self);
CdFeeRequest       cd_application_fee_request       (const CdApplication *self);
guint              cd_application_total_keys        (const CdApplication *self);

/* The display name of the applicant: unit name, or the person's name. */
const char    *cd_application_display_name (const CdApplication *self);

CdMaterialMark *cd_application_get_material (CdApplication *self, const char *code, gboolean create);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdApplication, cd_application_free)

G_END_DECLS
