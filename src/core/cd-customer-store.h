/* cd-customer-store.h: returning customers (the applicant table, one row per USCC or resident ID), offered
 * while the clerk types and merged into a new application's applicant part. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application.h"
#include "cd-context.h"

G_BEGIN_DECLS

/* The field being typed, which decides what the prefix is compared with. */
typedef enum {
  CD_CUSTOMER_BY_NAME,       /* unit or person name: prefix, then (from two characters) anywhere in the name */
  CD_CUSTOMER_BY_USCC,       /* unit USCC: prefix, letters compared upper-case */
  CD_CUSTOMER_BY_ID_NUMBER,  /* person's ID number: prefix, "x" compared as "X" */
} CdCustomerField;

typedef struct {
  gint64  id;
  gboolean is_unit;
  char    *name;
  char    *uscc;        /* NULL for persons */
  char    *id_number;   /* the person's, or the unit's legal person's; may be NULL */
  char    *updated_at;
} CdCustomer;

void cd_customer_free (CdCustomer *customer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdCustomer, cd_customer_free)

/* At most @limit customers of kind @units (units or persons) matching @text in @field, the most recently seen
 * first; an empty array when @text is empty. Indexed prefix lookups, so it can run on every keystroke. */
GPtrArray *cd_customer_store_suggest (CdContext *ctx, CdCustomerField field, gboolean units, const char *text,
                                      guint limit, GError **error);

/* A copy of @app whose applicant part (applicant type, party role, unit, legal person, agent, person,
 * invoice) is the returning customer @customer_id's last one; the business, profile and materials stay. */
CdApplication *cd_customer_store_apply (CdContext *ctx, gint64 customer_id, const CdApplication *app,
                                        GError **error);

/* A copy of @app with the applicant members of @from (an application's or a customer's JSON object). */
CdApplication *cd_application_with_applicant_of (const CdApplication *app, JsonObject *from, GError **error);

G_END_DECLS
