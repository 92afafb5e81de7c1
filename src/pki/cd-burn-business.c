/* cd-burn-business.c: the businesses that produce no certificate: PIN unlock on the key, revocation and
 * suspension at the issuer, and app activation (record only). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-audit.h"
#include "cd-burn-escrow.h"
#include "cd-burn-private.h"
#include "cd-central-copy.h"
#include "cd-pki-error.h"

static JsonNode *
detail1 (const char *k, const char *v)
{
  JsonNode *n = json_node_init_object (json_node_alloc (), json_object_new ());

  json_object_set_string_member (json_node_get_object (n), k, v);
  return n;
}

gboolean
cd_burn_unlock (CdBurn *b, GError **error)
{
  g_autoptr(CdPin) so = NULL;
  g_autoptr(CdPin) new_pin = NULL;
  g_autoptr(CdTokenRecord) rec = NULL;
  g_autoptr(JsonNode) start = detail1 ("business", "unlock");
  g_autoptr(JsonNode) done = NULL;
  g_autoptr(GError) local = NULL;
  const CdTokenInfo *info;
  gboolean escrowed;

  if (!cd_burn_open_token (b, error))
    return FALSE;
  info = cd_token_get_info (b->token);
  /* Unlocking another customer's key is the mistake this check exists for. */
  if (!cd_token_record_check_owner (b->ctx, info->serial, b->opts->application_id, error)
      || !cd_token_record_lookup (b->store, info->serial, &rec, error))
    return FALSE;
  if (rec == NULL)
    b->result->warning = g_strdup (_("This key has no record at this counter; its owner was not checked"));
  /* The clerk never types the SO PIN of a key the CA initialised: this counter's escrow, else the central one
   * released for the supervisor's approval; a vendor key's typed SO PIN otherwise. */
  if (!cd_burn_escrow_current (b, TRUE, &so, &escrowed, error))
    return FALSE;
  if ((b->attempt = cd_burn_journal_next_attempt (b->store, b->opts->application_id, error)) < 0
      || !cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, "unlock", "start", info->serial, start,
                               error))
    return FALSE;
  b->result->attempt = b->attempt;
  cd_burn_report (b, "unlock", _("Unlocking the PIN"), 0.2);
  new_pin = cd_burn_policy_pin (b);
  if (!cd_token_unlock_pin (b->token, so, new_pin, &local))
    {
      g_autoptr(JsonNode) why = detail1 ("error", local->message);
      cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, "unlock", "failed", info->serial, why, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  done = detail1 ("serial", info->serial);
  /* Where the SO PIN came from (never the PIN itself): an escrow, or typed for a vendor key. */
  json_object_set_string_member (json_node_get_object (done), "so_pin", escrowed ? "escrow" : "typed");
  if (!cd_store_begin (b->store, error))
    return FALSE;
  if (!cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, "unlock", "done", info->serial, NULL, error)
      || !cd_audit_append (b->store, cd_context_get_actor (b->ctx), "token.unlock", "token", rec ? rec->id : 0, done,
                           error)
      || !cd_store_commit (b->store, error))
    {
      cd_store_rollback (b->store);
      return FALSE;
    }
  cd_burn_report (b, "unlock", _("Unlocking the PIN"), 1.0);
  return cd_burn_finish_state (b, "unlock", error);
}

gboolean
cd_burn_revoke_certificate (CdContext *ctx, CdIssuer *issuer, const char *serial, CdRevokeReason reason,
                            GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(CdCertRecord) rec = NULL;
  X509 *cert;
  gboolean hold = reason == CD_REVOKE_HOLD;
  gboolean ok;

  if (!cd_burn_lookup_old (store, serial, &rec, error))
    return FALSE;
  if (rec == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("There is no certificate with serial %s"), serial);
      return FALSE;
    }
  if (g_str_equal (rec->state, "revoked") || (hold && g_str_equal (rec->state, "suspended")))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   g_str_equal (rec->state, "revoked") ? _("The certificate %s is already revoked")
                                                       : _("The certificate %s is already suspended"),
                   rec->serial);
      return FALSE;
    }
  if (rec->id == 0 && g_strcmp0 (rec->issuer, "local") == 0)
    {
      /* Another outlet's certificate from that counter's own CA: only that counter can revoke it. */
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("The certificate %s was issued at another outlet by that counter's own CA; revoke or suspend it "
                     "at that outlet"), rec->serial);
      return FALSE;
    }
  if (!g_str_equal (rec->issuer, cd_issuer_get_name (issuer)))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("The certificate %s was issued through “%s”; revoke it there"), rec->serial, rec->issuer);
      return FALSE;
    }
  if (!(cert = cd_cert_from_pem (rec->pem)))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("The record of certificate %s is damaged"), rec->serial);
      return FALSE;
    }
  ok = cd_issuer_revoke (issuer, cert, reason, error);
  X509_free (cert);
  if (!ok || !cd_store_begin (store, error))
    return FALSE;
  if (rec->id == 0)
    {
      /* Another outlet's: its row is that outlet's to change; the record travels there (cd-central-copy.h). */
      g_autoptr(CdCentralCertificate) theirs = NULL;

      if (!cd_central_copy_lookup (store, rec->serial, &theirs, error) || theirs == NULL
          || !cd_central_copy_record_revocation (store, cd_context_get_actor (ctx), theirs,
                                                 hold ? "suspended" : "revoked", cd_revoke_reason_to_code (reason),
                                                 error))
        goto fail;
    }
  else if (!cd_cert_record_set_state (ctx, rec->serial, hold ? "suspended" : "revoked",
                                      cd_revoke_reason_to_code (reason), error))
    goto fail;
  if (rec->token_id > 0)
    {
      g_autofree char *token_serial = NULL;

      /* The key still holding this certificate, if it does. */
      if (!cd_token_store_dup_serial (store, rec->token_id, rec->serial, &token_serial, error))
        goto fail;
      if (token_serial && !cd_token_record_set_state (ctx, token_serial, hold ? "suspended" : "retired", error))
        goto fail;
    }
  if (!cd_store_commit (store, error))
    goto fail;
  return cd_issuer_publish (issuer, error);

fail:
  cd_store_rollback (store);
  return FALSE;
}

/* Whether an unfinished earlier attempt of this application at @step already left the certificate in the state
 * it asks for (revoked, or suspended for a suspension). */
static gboolean
revoked_by_earlier_attempt (CdBurn *b, const char *step, gboolean suspend, gboolean *out, GError **error)
{
  g_autoptr(CdBurnAttempt) last = NULL;
  g_autoptr(CdCertRecord) rec = NULL;

  *out = FALSE;
  if (!cd_burn_journal_last (b->store, b->opts->application_id, &last, error))
    return FALSE;
  if (last == NULL || last->finished || g_strcmp0 (last->last_step, step) != 0)
    return TRUE;
  if (!cd_burn_lookup_old (b->store, b->app->existing_serial, &rec, error))
    return FALSE;
  *out = rec && g_str_equal (rec->state, suspend ? "suspended" : "revoked");
  return TRUE;
}

gboolean
cd_burn_revoke (CdBurn *b, gboolean suspend, GError **error)
{
  const char *step = suspend ? "suspend" : "revoke";
  g_autoptr(JsonNode) start = detail1 ("business", step);
  g_autoptr(GError) local = NULL;
  CdRevokeReason reason = suspend ? CD_REVOKE_HOLD : b->opts->reason;
  gboolean done_before = FALSE;

  if (b->app->existing_serial == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("The serial number of the certificate to revoke or suspend is missing: enter it on the business step"));
      return FALSE;
    }
  /* An earlier attempt of this application that the CA and the database both took, and that failed after (the
   * CRL not written) or was cut off before its journal said so: the certificate is already in the state asked
   * for. Asking again would be refused ("already revoked") and leave the paid application at this step for
   * good; the attempt is finished instead, its CRL published. */
  if (!revoked_by_earlier_attempt (b, step, suspend, &done_before, error))
    return FALSE;
  if ((b->attempt = cd_burn_journal_next_attempt (b->store, b->opts->application_id, error)) < 0
      || !cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, step, "start", NULL, start, error))
    return FALSE;
  b->result->attempt = b->attempt;
  cd_burn_report (b, step, suspend ? _("Suspending the certificate") : _("Revoking the certificate"), 0.2);
  if (done_before ? !cd_issuer_publish (b->issuer, &local)
                  : !cd_burn_revoke_certificate (b->ctx, b->issuer, b->app->existing_serial, reason, &local))
    {
      g_autoptr(JsonNode) why = detail1 ("error", local->message);
      cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, step, "failed", NULL, why, NULL);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, step, "done", NULL, NULL, error))
    return FALSE;
  b->result->certificate_serial = g_ascii_strup (b->app->existing_serial, -1);
  cd_burn_report (b, step, suspend ? _("Suspending the certificate") : _("Revoking the certificate"), 1.0);
  return cd_burn_finish_state (b, step, error);
}

gboolean
cd_burn_app_open (CdBurn *b, GError **error)
{
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(JsonNode) detail = NULL;

  if (b->app->existing_serial == NULL || !cd_cert_record_lookup (b->store, b->app->existing_serial, &rec, error))
    {
      if (error && *error == NULL)
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                     _("The serial number of the existing certificate is missing: enter it on the business step to activate the app"));
      return FALSE;
    }
  if (rec == NULL || !g_str_equal (rec->state, "issued"))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("There is no valid certificate %s to open an application for"),
                   b->app->existing_serial);
      return FALSE;
    }
  detail = detail1 ("serial", rec->serial);
  json_object_set_string_member (json_node_get_object (detail), "profile", b->profile->id);
  if (!cd_store_begin (b->store, error))
    return FALSE;
  if (!cd_audit_append (b->store, cd_context_get_actor (b->ctx), "certificate.app-open", "certificate", rec->id, detail,
                        error)
      || !cd_store_commit (b->store, error))
    {
      cd_store_rollback (b->store);
      return FALSE;
    }
  b->result->certificate_serial = g_strdup (rec->serial);
  b->result->subject = g_strdup (rec->subject);
  b->result->not_after = g_strdup (rec->not_after);
  return cd_burn_finish_state (b, "app-open", error);
}
