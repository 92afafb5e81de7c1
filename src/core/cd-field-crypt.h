/* cd-field-crypt.h: which stored values are personal data, sealed under the store's key set (cd-keys.h), and
 * their blind indexes (docs/store.md "Personal data at rest").
 *
 * Sealed: in applicant the name of a person, id_number (a person's, or a unit's legal person's), mobile; in the
 * JSON of applicant.data and application.data every person's (person, legal_person, agent) name, id_number,
 * mobile and e-mail, and an individual's invoice; application.name when the applicant is a person. Unit names,
 * USCCs and units' addresses stay clear (public registration data).
 *
 * Each value is sealed with the associated data "<table>/<row id>/<field>" (a JSON member's field is its path,
 * "$.legal_person.id_number"), so a value copied into another row or field does not open. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "cd-keys.h"

G_BEGIN_DECLS

/* The kinds of blind index; each has its own domain so equal digits in two kinds do not match. */
#define CD_BIDX_ID_NUMBER "id_number"
#define CD_BIDX_MOBILE    "mobile"
#define CD_BIDX_NAME      "name"

/* The blind index of @value as searches compare it (ID numbers and mobiles cd_ident_normalize'd, names without
 * spaces, NFKC), or NULL for an empty value. */
char     *cd_field_bidx          (CdKeys *keys, const char *kind, const char *value);

/* One column value: NULL stays NULL. Opening a value that is not sealed returns it as it is (a row written
 * before the database was encrypted, during the migration only). */
char     *cd_field_seal          (CdKeys *keys, const char *table, gint64 id, const char *field, const char *value,
                                  GError **error);
char     *cd_field_open          (CdKeys *keys, const char *table, gint64 id, const char *field, const char *value,
                                  GError **error);

/* The same with the row named by text: an applicant's values are bound to the customer, not to the local row id,
 * so that the same customer's value is the same at every counter sharing the CA's key set (docs/central.md):
 * cd_field_applicant_row gives "u:<USCC>" for a unit, "p:<blind index of the ID number>" for a person. */
char     *cd_field_applicant_row (gboolean unit, const char *uscc, const char *id_number_bidx);
char     *cd_field_seal_row      (CdKeys *keys, const char *table, const char *row, const char *field,
                                  const char *value, GError **error);
char     *cd_field_open_row      (CdKeys *keys, const char *table, const char *row, const char *field,
                                  const char *value, GError **error);
/* @prev_json (may be NULL): the stored version before; a member whose clear value did not change keeps its sealed
 * text (a fresh nonce would make every save look like a change). */
char     *cd_field_seal_json_row (CdKeys *keys, const char *table, const char *row, const char *json,
                                  const char *prev_json, GPtrArray *bidx, GError **error);
char     *cd_field_open_json_row (CdKeys *keys, const char *table, const char *row, const char *json,
                                  GError **error);

/* A JSON document (application.data, applicant.data) with its personal members sealed / opened. @bidx (may be
 * NULL) receives the blind indexes of the ID numbers, mobiles and names of the persons in it (char *, unique). */
char     *cd_field_seal_json     (CdKeys *keys, const char *table, gint64 id, const char *json, GPtrArray *bidx,
                                  GError **error);
char     *cd_field_open_json     (CdKeys *keys, const char *table, gint64 id, const char *json, GError **error);

/* For tests/bench/crypt only: values are stored in the clear (blind indexes still kept), to time the counter's
 * work with sealing beside without it. Never called by the application. */
void      cd_field_benchmark_without_sealing (gboolean off);

/* SQL functions on @db for readers that stay in SQL (reports, lookups):
 *   cd_applicant_row(kind, uscc, id_number_bidx)  the row an applicant's values are bound to (above)
 *   cd_open(value, table, row, field) the clear value (row: an id, or cd_applicant_row) (NULL for NULL; a value not sealed as it is)
 *   cd_try_open(value, table, id, field)  the same, NULL where it does not open (another key set's)
 *   cd_name(name, id)                 application.name opened (a person's is sealed, a unit's clear)
 *   cd_open_data(json, table, id)     a JSON document (application.data, applicant.data) with its members opened
 *   cd_bidx(kind, value)              the blind index of a typed value
 * @keys is referenced by the connection. */
void      cd_field_register_sql  (sqlite3 *db, CdKeys *keys);

G_END_DECLS
