/* cd-application-store.h: applications in the database. Every state change is validated and audited in
 * the same transaction. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application.h"
#include "cd-context.h"
#include "cd-state.h"

G_BEGIN_DECLS

typedef struct {
  gint64   id;
  char    *number;
  CdState  state;
  char    *step;
  char    *name;
  char    *profile;
  char    *business;
  char    *day;
  char    *updated_at;
  gint64   fee_total_fen;   /* -1 when not computed */
} CdApplicationInfo;

void cd_application_info_free (CdApplicationInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdApplicationInfo, cd_application_info_free)

/* Stores a new draft after cd_application_validate (import) or as an empty wizard draft (@validate FALSE). */
gboolean cd_application_store_create (CdContext *ctx, const CdApplication *app, gboolean validate,
                                      gint64 *out_id, GError **error);

/* Saves the draft's fields and wizard step (debounced saves from the GUI). Only drafts and checked
 * applications can be edited; editing a checked one sends it back to draft (audited). */
gboolean cd_application_store_save (CdContext *ctx, gint64 id, const CdApplication *app, const char *step,
                                    GError **error);

gboolean cd_application_store_load (CdContext *ctx, gint64 id, CdApplication **out_app,
                                     CdApplicationInfo **out_info, GError **error);

/* The required materials of the checklist that are not (yet) satisfied, one "label: what is missing" each;
 * @with_codes adds the material's code after the label (for certdesk-cli and the JSON, which use the codes). */
GPtrArray *cd_application_missing_materials (const CdApplication *app, const CdProfile *profile,
                                             gboolean with_codes);

/* draft → checked: the application validates and every required material is present or waived. */
gboolean cd_application_store_check (CdContext *ctx, gint64 id, GError **error);

/* checked → paid: the amount equals the fee (with local prices), the method is the profile's. */
gboolean cd_application_store_pay (CdContext *ctx, gint64 id, CdPaymentMethod method, gint64 amount_fen,
                                   gint64 received_fen, gboolean invoice, GError **error);

/* Generic audited transition for the later steps (printed, issued, closed); @detail may be NULL. */
gboolean cd_application_store_transition (CdContext *ctx, gint64 id, CdState to, JsonNode *detail,
                                          GError **error);

/* A supervisor voids an open application; @reason is required. */
gboolean cd_application_store_void (CdContext *ctx, gint64 id, const char *reason, GError **error);

/* A supervisor waives a required material with a reason (audited). */
gboolean cd_application_store_waive (CdContext *ctx, gint64 id, const char *material, const char *reason,
                                     GError **error);

/* Whether the applicant asked for an invoice when paying (FALSE before any payment is recorded). */
gboolean cd_application_store_invoice_requested (CdContext *ctx, gint64 id, gboolean *out_requested,
                                                 GError **error);

/* The certificates issued for application @id, the latest first (what a follow-up business refers to). */
typedef struct {
  char    *serial;
  gboolean usable;      /* issued or suspended, not revoked */
  char    *not_after;   /* ISO 8601 */
} CdCertificateInfo;

void       cd_certificate_info_free          (CdCertificateInfo *info);
GPtrArray *cd_application_store_certificates (CdContext *ctx, gint64 id, GError **error);

/* Today's and open applications matching @query (name, USCC, ID number, phone, number); NULL = all. */
GPtrArray *cd_application_store_search (CdContext *ctx, const char *query, gboolean open_or_today_only,
                                        GError **error);

/* The number (e.g. 20260131-0001) of application @id, NULL when there is none or it cannot be read. */
char      *cd_application_store_dup_number (CdStore *store, gint64 id);

G_END_DECLS
