/* cd-preflight-private.h: one pre-flight run as its rules see it, and the rules, one file per concern. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application-store.h"
#include "cd-fee.h"
#include "cd-preflight.h"
#include "cd-price-store.h"
#include "cd-store.h"

G_BEGIN_DECLS

typedef struct {
  CdContext           *ctx;
  CdStore             *store;
  const CdApplication *app;
  CdProfile           *profile;
  gint64               id;
  CdPreflightStage     up_to;
  GPtrArray           *faults;
  CdState              state;       /* CD_STATE_DRAFT for an unsaved draft */
  gboolean             paid;        /* the money is taken: price and payment rules no longer apply */
  CdFeeQuote          *quote;       /* the effective fee, NULL when it cannot be computed */
} CdPreflightRun;

/* cd-preflight.c: a fault of @step, unless that step is not reached yet, is paid history, or the field has one. */
void            cd_preflight_add_fault    (CdPreflightRun *r, CdPreflightStep step, CdPreflightSeverity severity,
                                           const char *rule, const char *path, const char *fmt, ...)
                                           G_GNUC_PRINTF (6, 7);
/* The step whose page holds the field at @path. */
CdPreflightStep cd_preflight_step_of_path (const char *path);

/* cd-preflight-price.c: the one effective fee (sets r->quote), and the payment against it. */
void     cd_preflight_rule_price        (CdPreflightRun *r);
void     cd_preflight_rule_payment      (CdPreflightRun *r);
/* cd-preflight-invoice.c */
void     cd_preflight_rule_invoice      (CdPreflightRun *r);
/* cd-preflight-subject.c */
void     cd_preflight_rule_subject      (CdPreflightRun *r);
/* cd-preflight-certificate.c: the existing certificate the business names. */
gboolean cd_preflight_rule_certificate  (CdPreflightRun *r, GError **error);
/* cd-preflight-day-lock.c */
gboolean cd_preflight_rule_day_lock     (CdPreflightRun *r, GError **error);
/* cd-preflight-applicant.c */
void     cd_preflight_rule_applicant    (CdPreflightRun *r);
/* cd-preflight-text.c */
void     cd_preflight_rule_text         (CdPreflightRun *r);
/* cd-preflight-materials.c: the checklist's materials, and the signed documents scanned at the print step. */
void     cd_preflight_rule_materials    (CdPreflightRun *r);
gboolean cd_preflight_rule_signed_scans (CdPreflightRun *r, GError **error);

G_END_DECLS
