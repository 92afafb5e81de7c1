/* cd-burn-private.h: one running business, shared by the pipeline and the businesses without a certificate. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application-store.h"
#include "cd-burn-journal.h"
#include "cd-burn.h"
#include "cd-csr.h"
#include "cd-token-records.h"

typedef struct {
  CdContext          *ctx;
  CdStore            *store;
  const CdBurnOptions *opts;
  CdApplication      *app;
  CdApplicationInfo  *info;
  CdProfile          *profile;
  CdIssuer           *issuer;
  CdTokenModule      *module;
  CdToken            *token;
  CdBurnProgressFunc  progress;
  gpointer            progress_data;
  GCancellable       *cancellable;
  gint64              attempt;
  CdBurnResult       *result;
  gboolean            slip_saved;    /* result->pin_slip is the random PIN, its slip durable (cd-burn-slip.h) */
} CdBurn;

void     cd_burn_report         (CdBurn *b, const char *step, const char *label, double fraction);
gboolean cd_burn_open_token     (CdBurn *b, GError **error);
/* Audited printed → issued, when the options ask for it. */
gboolean cd_burn_finish_state   (CdBurn *b, const char *what, GError **error);
/* The PIN a new or unlocked key gets under the profile's policy (random: also kept for the PIN slip). */
CdPin   *cd_burn_policy_pin     (CdBurn *b);

/* One certificate business in progress (cd-burn.c, cd-burn-recover.c). */
typedef struct {
  CdBurn           *b;
  CdBusiness        business;
  gboolean          keygen;          /* a new key pair (all but change) */
  gboolean          init;            /* a blank key is initialised (new, replace) */
  guchar            id[16];
  gsize             id_len;
  char             *id_hex;
  X509_NAME        *subject;
  EVP_PKEY         *priv;
  EVP_PKEY         *pub;
  X509_REQ         *csr;
  X509             *cert;
  STACK_OF (X509)  *chain;
  CdPin            *new_pin;         /* the PIN a freshly initialised key ends with */
  CdCertRecord     *old;             /* renew, replace, change: the certificate it follows */
  X509             *old_cert;
  GBytes           *old_id;          /* renew, change: its CKA_ID on the key */
  GDateTime        *not_after;
  gboolean          issued;          /* the issuer signed: from here a failure revokes */
  gboolean          written;
  gboolean          initialised;     /* this run initialised the key: nothing else is on it */
  gboolean          pregenerated;    /* the key pair was generated ahead (cd-keygen-ahead.c): CSR onwards */
  GBytes           *seal;            /* the seal image (PNG) that goes on the key as a data object, or NULL */
  gboolean          seal_written;    /* this attempt created that data object (it was not on the key yet) */
  gboolean          journaled;       /* the issued certificate is in the issue step's done row */
  gboolean          ca_told;         /* the issuer already knows we refused it (certConf, the local ledger) */
  gboolean          completing;      /* the key already holds the recorded certificate: only the state is left */
  gboolean          on_key_verified; /* CMP: written and verified inside the issue step, before certConf */
  gboolean          left_open;       /* CMP: rolled back without a revocation at the CA: the attempt stays open */
} CdBurnPipeline;

/* The largest seal image put on a key (the counter's upload limit for images). */
#define CD_SEAL_MAX_BYTES   (1024 * 1024)

/* cd-burn-recover.c: what a failed or interrupted attempt leaves is undone or completed. */
gboolean cd_burn_journal_row      (CdBurn *b, const char *step, const char *phase, JsonNode *detail, GError **error);
/* @on: the next commits are synced to disk (synchronous=FULL) until called with FALSE; outside transactions. */
gboolean cd_burn_durable          (CdBurn *b, gboolean on, GError **error);
/* Syncs what was committed so far to disk now (a WAL checkpoint). */
void     cd_burn_sync             (CdBurn *b);
/* Revokes a certificate that reached no verified key (at its issuer unless @tell_ca is FALSE: it already
 * knows) and records it as revoked; when the database cannot take that, a note is kept outside it. */
gboolean cd_burn_revoke_undelivered (CdBurn *b, X509 *cert, const char *issuer_name, gboolean tell_ca, GError **error);
/* A journal row that must not be lost (the issued certificate): synced, retried for up to
 * CERTDESK_RECORD_RETRY_S seconds (default 30) with backoff while the database is locked or full, until
 * cancelled. */
gboolean cd_burn_journal_row_retry (CdBurn *b, const char *step, const char *phase, JsonNode *detail, GError **error);
/* state_dir/burn-pending/<serial>.pem: a certificate the CA signed that the database could not record, with
 * its application and issuer, written with fsync. Recorded (as revoked) at the next start of any burn. */
gboolean cd_burn_pending_note      (CdBurn *b, X509 *cert, const char *issuer_name, gboolean ca_told, GError **error);
void     cd_burn_pending_reconcile (CdBurn *b);
void     cd_burn_rollback         (CdBurnPipeline *p, const char *step, const GError *why);
gboolean cd_burn_recover          (CdBurnPipeline *p, gboolean *out_resume, GError **error);
void     cd_burn_clean_leftovers  (CdBurnPipeline *p);

/* cd-burn-subject.c, before the first step. renew, change: the certificate on the inserted key, its record,
 * whose it is, and the PIN; replace: the certificate being replaced, from the application (the key is lost). */
gboolean cd_burn_find_current     (CdBurnPipeline *p, GError **error);
gboolean cd_burn_find_replaced    (CdBurnPipeline *p, GError **error);
/* The certificate @serial as this counter records it, else as another outlet issued it (sync's pulled copy,
 * cd-central-copy.h): then a record with id 0, no application and no key here. *out NULL when neither. */
gboolean cd_burn_lookup_old       (CdStore *store, const char *serial, CdCertRecord **out, GError **error);
/* The new certificate's validity, from the business and the one it follows. */
gboolean cd_burn_set_validity     (CdBurnPipeline *p, GError **error);
/* The e-seal image chosen for the application, checked before anything touches the key. */
gboolean cd_burn_load_seal        (CdBurnPipeline *p, GError **error);

/* The JSON object a journal row's detail starts from. */
static inline JsonNode *
cd_burn_json_object_new (void)
{
  return json_node_init_object (json_node_alloc (), json_object_new ());
}

/* The inserted key's serial, NULL before it is opened. */
static inline const char *
cd_burn_token_serial (CdBurn *b)
{
  return b->token ? cd_token_get_info (b->token)->serial : NULL;
}

/* cd-burn-run.c: one step of a certificate business, journaled before and after it runs (a failure rolls
 * the attempt back). */
gboolean cd_burn_run_step         (CdBurnPipeline *p, CdBurnStep step, GError **error);

/* cd-burn-steps.c: the certificate, chain and seal written on the key; read back and verified. */
gboolean cd_burn_write_chain      (CdBurn *b, STACK_OF (X509) *chain, gboolean look, GError **error);
gboolean cd_burn_step_write       (CdBurnPipeline *p, GError **error);
gboolean cd_burn_step_verify      (CdBurnPipeline *p, GError **error);
/* CMP: write and verify run inside the issue step, before the CA hears the certConf. */
gboolean cd_burn_confirm_on_key   (CdBurnPipeline *p, STACK_OF (X509) *chain, GError **error);

/* cd-burn-record.c: the verified certificate recorded, and the certificate it follows retired. */
void     cd_burn_fill_result      (CdBurn *b, X509 *cert);
gboolean cd_burn_record           (CdBurnPipeline *p, GError **error);
void     cd_burn_retire_old       (CdBurnPipeline *p);
void     cd_burn_mark_old_token   (CdBurnPipeline *p);

/* cd-burn.c: the key initialised and its key pair generated ahead of the burn, journaled as an open attempt
 * that the burn continues. Nothing is done (TRUE, *out_skipped says why) unless the key holds nothing anyone
 * would miss. *out_pin: the PIN the key was given; *out_cka_id: hex. */
gboolean cd_burn_pregenerate    (CdBurn *b, CdPin **out_pin, char **out_cka_id, char **out_skipped, GError **error);

/* cd-burn-business.c */
gboolean cd_burn_unlock         (CdBurn *b, GError **error);
gboolean cd_burn_revoke         (CdBurn *b, gboolean suspend, GError **error);
gboolean cd_burn_app_open       (CdBurn *b, GError **error);
