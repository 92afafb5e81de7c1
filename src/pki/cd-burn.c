/* cd-burn.c: the certificate businesses (new, renew, replace, change) as journaled steps. A failed step
 * rolls its attempt back at once (the issued certificate is revoked and recorded as such, leftovers are
 * removed from the key); a crash leaves the attempt open, and the next burn of the application resumes
 * it when the same key is inserted, or rolls it back. Nothing is recorded as issued before it was read
 * back from the key and verified. */
/* This file: the business from start to end (cd_burn_certificate) and the key pair generated ahead; the
 * steps are in cd-burn-run.c and cd-burn-steps.c, the records after them in cd-burn-record.c. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "cd-audit.h"
#include "cd-burn-escrow.h"
#include "cd-burn-private.h"
#include "cd-burn-slip.h"
#include "cd-central-copy.h"
#include "cd-csr.h"
#include "cd-issuer-local.h"
#include "cd-pki-error.h"
#include "cd-token-readback.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

static void
pipeline_clear (CdBurnPipeline *p)
{
  g_free (p->id_hex);
  X509_NAME_free (p->subject);
  EVP_PKEY_free (p->priv);
  EVP_PKEY_free (p->pub);
  X509_REQ_free (p->csr);
  X509_free (p->cert);
  sk_X509_pop_free (p->chain, X509_free);
  cd_pin_free (p->new_pin);
  cd_cert_record_free (p->old);
  X509_free (p->old_cert);
  g_clear_pointer (&p->old_id, g_bytes_unref);
  g_clear_pointer (&p->not_after, g_date_time_unref);
  g_clear_pointer (&p->seal, g_bytes_unref);
}

void
cd_burn_report (CdBurn *b, const char *step, const char *label, double fraction)
{
  if (b->progress)
    b->progress (step, label, fraction, b->progress_data);
}

gboolean
cd_burn_open_token (CdBurn *b, GError **error)
{
  CdTokenSelector sel = { b->opts->token_serial, b->opts->token_label, b->opts->slot_id };
  g_autofree char *path = NULL;

  if (!(path = cd_token_module_resolve (b->ctx, b->opts->module_path, NULL, error))
      || !(b->module = cd_token_module_open (path, error))
      || !(b->token = cd_token_open (b->module, &sel, error)))
    return FALSE;
  return TRUE;
}

CdPin *
cd_burn_policy_pin (CdBurn *b)
{
  if (b->profile->pin_policy == CD_PIN_POLICY_FIXED)
    return cd_pin_new (b->profile->initial_pin);
  /* Made and stored for the slip before the step that sets it (run_step, save_slip). */
  if (b->slip_saved && b->result->pin_slip)
    return cd_pin_copy (b->result->pin_slip);
  g_clear_pointer (&b->result->pin_slip, cd_pin_free);
  b->result->pin_slip = cd_pin_new_random (b->profile->pin_length);
  /* Another business setting a PIN (unlock): stored for its slip too, before the caller sets it. */
  {
    g_autoptr(GError) slip_error = NULL;

    if (cd_burn_slip_save (b->ctx, b->opts->application_id, cd_burn_token_serial (b), b->result->pin_slip, &slip_error))
      b->slip_saved = TRUE;
    else
      g_warning ("the PIN slip of application %s is not stored: %s", b->info->number, slip_error->message);
  }
  return cd_pin_copy (b->result->pin_slip);
}

gboolean
cd_burn_finish_state (CdBurn *b, const char *what, GError **error)
{
  g_autoptr(JsonNode) detail = cd_burn_json_object_new ();

  if (!b->opts->advance_state)
    return TRUE;
  json_object_set_string_member (json_node_get_object (detail), "business", what);
  if (b->result->certificate_serial)
    json_object_set_string_member (json_node_get_object (detail), "certificate", b->result->certificate_serial);
  return cd_application_store_transition (b->ctx, b->opts->application_id, CD_STATE_ISSUED, detail, error);
}

static gboolean
check_cancel (CdBurn *b, GError **error)
{
  return !g_cancellable_set_error_if_cancelled (b->cancellable, error);
}

gboolean
cd_burn_certificate (CdBurn *b, GError **error);

/* The application's certificate is recorded as issued already: a crash came between the records and the
 * state change, or the application is burned again. When the inserted key is the one recorded with it and
 * holds it (certificates are public objects: read without logging in), the burn completes from the records
 * without touching the key: no erase, no second certificate. Any other key is refused: one application has
 * one issued certificate. */
static gboolean
complete_recorded (CdBurnPipeline *p, gboolean *out_done, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(CdCertRecord) rec = NULL;
  g_autoptr(CdTokenRecord) tok = NULL;
  g_autoptr(X509) cert = NULL;
  gboolean has = FALSE;

  *out_done = FALSE;
  if (!cd_cert_record_for_application (b->store, b->opts->application_id, &rec, error))
    return FALSE;
  if (rec == NULL)
    return TRUE;
  if (!cd_token_record_lookup (b->store, cd_burn_token_serial (b), &tok, error))
    return FALSE;
  cert = cd_cert_from_pem (rec->pem);
  if (cert && tok && tok->application_id == b->opts->application_id
      && g_strcmp0 (tok->certificate_serial, rec->serial) == 0
      && !cd_token_readback_has_cert (b->token, cert, &has, error))
    return FALSE;
  if (!has)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("Application %s already has its certificate %s, on another USB key: insert that key, or revoke "
                     "the certificate before issuing again"), b->info->number, rec->serial);
      return FALSE;
    }
  p->completing = TRUE;
  cd_burn_fill_result (b, cert);
  b->result->resumed = TRUE;
  {
    g_autoptr(CdBurnAttempt) last = NULL;
    if (cd_burn_journal_last (b->store, b->opts->application_id, &last, NULL) && last)
      b->result->attempt = last->attempt;
  }
  /* What the business does with the certificate it follows, if the crash came before that. */
  if ((p->business == CD_BUSINESS_REPLACE || p->business == CD_BUSINESS_CHANGE) && b->app->existing_serial)
    {
      if (!cd_burn_lookup_old (b->store, b->app->existing_serial, &p->old, error))
        return FALSE;
      if (p->old)
        p->old_cert = cd_cert_from_pem (p->old->pem);
    }
  if (b->profile->pin_policy == CD_PIN_POLICY_RANDOM && p->init)
    {
      g_clear_pointer (&b->result->pin_slip, cd_pin_free);
      if (!cd_burn_slip_load (b->ctx, b->opts->application_id, &b->result->pin_slip, error))
        return FALSE;
    }
  *out_done = TRUE;
  return TRUE;
}

gboolean
cd_burn_certificate (CdBurn *b, GError **error)
{
  CdBurnPipeline p = { b, b->app->business };
  gboolean resume = FALSE, ok = FALSE;
  g_autoptr(CdPin) resume_pin = NULL;
  CdBurnStep first;

  p.keygen = p.business != CD_BUSINESS_CHANGE;
  p.init = p.business == CD_BUSINESS_NEW || p.business == CD_BUSINESS_REPLACE;
  p.id_len = sizeof p.id;
  RAND_bytes (p.id, sizeof p.id);
  p.id_hex = cd_hex_encode (p.id, p.id_len);

  if (!cd_burn_load_seal (&p, error))
    goto out;
  if (!cd_burn_open_token (b, error))
    goto out;
  {
    gboolean done = FALSE;

    if (!complete_recorded (&p, &done, error))
      goto out;
    if (done)
      goto finish;
  }
  if (p.business == CD_BUSINESS_REPLACE && !cd_burn_find_replaced (&p, error))
    goto out;
  if (!p.init && !cd_burn_find_current (&p, error))
    goto out;
  if (p.init && cd_token_get_info (b->token)->initialized && !b->opts->confirm_erase
      && !cd_token_record_check_owner (b->ctx, cd_burn_token_serial (b), b->opts->application_id, error))
    goto out;
  if (!cd_burn_set_validity (&p, error))
    goto out;
  if ((b->attempt = cd_burn_journal_next_attempt (b->store, b->opts->application_id, error)) < 0)
    goto out;
  if (p.init && cd_token_get_info (b->token)->initialized)
    {
      /* An open attempt on this very key (interrupted, or its key pair generated ahead) is taken up once
       * logged in with the PIN it was given. No other key is tried: a wrong guess costs a real key a try. */
      g_autoptr(CdBurnAttempt) last = NULL;
      g_autoptr(CdPin) fixed = NULL;
      const CdPin *pin = b->opts->user_pin;

      if (!cd_burn_journal_last (b->store, b->opts->application_id, &last, error))
        goto out;
      if (pin == NULL && b->profile->pin_policy == CD_PIN_POLICY_FIXED)
        pin = fixed = cd_pin_new (b->profile->initial_pin);
      /* A random PIN: the one stored for the slip before the key got it. */
      if (pin == NULL && !cd_burn_slip_load (b->ctx, b->opts->application_id, &fixed, error))
        goto out;
      if (pin == NULL)
        pin = fixed;
      if (last && !last->finished && g_strcmp0 (last->token_serial, cd_burn_token_serial (b)) == 0 && pin
          && cd_token_login (b->token, FALSE, pin, NULL))
        resume_pin = cd_pin_copy (pin);
      else
        cd_token_logout (b->token);
    }
  if (!cd_burn_recover (&p, &resume, error))
    goto out;
  b->result->attempt = b->attempt;
  b->result->resumed = resume;
  if (resume)
    {
      /* The key pair and certificate are known: only write and verify remain. */
      if (!(p.subject = cd_csr_build_subject (b->profile, b->app, error)))
        goto out;
      p.chain = cd_issuer_get_roots (b->issuer);
      if (b->profile->pin_policy == CD_PIN_POLICY_RANDOM && resume_pin && p.init)
        {
          g_clear_pointer (&b->result->pin_slip, cd_pin_free);
          b->result->pin_slip = cd_pin_copy (resume_pin);
        }
      first = CD_BURN_STEP_WRITE;
    }
  else if (p.pregenerated)
    {
      /* The key was initialised and its key pair generated ahead: sign, issue, write, verify. */
      if (b->profile->pin_policy == CD_PIN_POLICY_RANDOM && resume_pin)
        {
          g_clear_pointer (&b->result->pin_slip, cd_pin_free);
          b->result->pin_slip = cd_pin_copy (resume_pin);
        }
      first = CD_BURN_STEP_CSR;
    }
  else
    {
      if (!p.init)
        cd_burn_clean_leftovers (&p);
      first = p.init ? CD_BURN_STEP_INIT : p.keygen ? CD_BURN_STEP_KEYGEN : CD_BURN_STEP_CSR;
    }
  for (CdBurnStep s = first; s < CD_BURN_N_STEPS; s++)
    {
      /* Cancel is safe up to the key pair generation, never after; with a key pair generated ahead, up to
       * the CSR (the open attempt stays for the next burn). */
      if ((s <= CD_BURN_STEP_KEYGEN || (p.pregenerated && s == CD_BURN_STEP_CSR)) && !check_cancel (b, error))
        goto out;
      if (s == CD_BURN_STEP_KEYGEN && !p.keygen)
        continue;
      /* CMP: written and verified before the CA heard our certConf (confirm_on_key). */
      if ((s == CD_BURN_STEP_WRITE || s == CD_BURN_STEP_VERIFY) && p.on_key_verified)
        continue;
      if (!cd_burn_run_step (&p, s, error))
        goto out;
    }
  if (!cd_burn_record (&p, error))
    goto out;
  cd_burn_test_point ("record", "done");

finish:
  cd_burn_retire_old (&p);
  if (p.business == CD_BUSINESS_REPLACE)
    cd_burn_mark_old_token (&p);
  /* One sync makes the records, the old certificate's revocation and the state durable together: WAL
   * frames are appended in order, and the last commit, with synchronous=FULL, fsyncs them all. */
  cd_burn_test_point ("state", "start");
  if (b->opts->advance_state)
    {
      if (cd_burn_durable (b, TRUE, error))
        ok = cd_burn_finish_state (b, cd_business_to_code (p.business), error);
      cd_burn_durable (b, FALSE, NULL);
    }
  else
    ok = TRUE;
  if (!ok || !b->opts->advance_state)
    cd_burn_sync (b);

out:
  pipeline_clear (&p);
  return ok;
}

gboolean
cd_burn_pregenerate (CdBurn *b, CdPin **out_pin, char **out_cka_id, char **out_skipped, GError **error)
{
  CdBurnPipeline p = { b, b->app->business };
  g_autoptr(CdBurnAttempt) last = NULL;
  const CdTokenInfo *info;
  gboolean ok = FALSE;

  p.keygen = p.init = TRUE;
  p.id_len = sizeof p.id;
  RAND_bytes (p.id, sizeof p.id);
  p.id_hex = cd_hex_encode (p.id, p.id_len);
  if (p.business != CD_BUSINESS_NEW && p.business != CD_BUSINESS_REPLACE)
    {
      *out_skipped = g_strdup (_("Only a new or replacement certificate has its key pair generated ahead"));
      ok = TRUE;
      goto out;
    }
  if (!cd_burn_open_token (b, error))
    goto out;
  info = cd_token_get_info (b->token);
  if (!cd_burn_journal_last (b->store, b->opts->application_id, &last, error))
    goto out;
  if (last && !last->finished)
    {
      *out_skipped = g_strdup (_("The application has an open burn attempt: the burn takes it up"));
      ok = TRUE;
      goto out;
    }
  if (info->initialized)
    {
      g_autoptr(CdTokenRecord) rec = NULL;
      g_autoptr(GPtrArray) contents = NULL;

      /* Erasing needs the clerk's confirmation naming what is on the key: never done ahead. */
      if (!cd_token_record_check_owner (b->ctx, info->serial, b->opts->application_id, error)
          || !cd_token_record_lookup (b->store, info->serial, &rec, error)
          || !(contents = cd_token_describe (b->token, error)))
        goto out;
      if ((rec && !g_str_equal (rec->state, "blank")) || contents->len > 0)
        {
          *out_skipped = g_strdup (_("The USB key holds objects: it is erased only after the clerk confirms"));
          ok = TRUE;
          goto out;
        }
    }
  {
    g_autoptr(CdPin) so = NULL;
    gboolean escrowed;

    if (!cd_burn_escrow_current (b, FALSE, &so, &escrowed, error))
      goto out;
    if (so == NULL)
      {
        *out_skipped = g_strdup (_("A real USB key is initialised only with its SO PIN"));
        ok = TRUE;
        goto out;
      }
  }
  if (!check_cancel (b, error)
      || (b->attempt = cd_burn_journal_next_attempt (b->store, b->opts->application_id, error)) < 0
      || !cd_burn_run_step (&p, CD_BURN_STEP_INIT, error) || !cd_burn_run_step (&p, CD_BURN_STEP_KEYGEN, error))
    goto out;
  b->result->attempt = b->attempt;
  /* The issuer's chain needs no certificate: it goes on the key now and the burn finds it there. */
  {
    g_autoptr(GError) chain_error = NULL;
    STACK_OF (X509) *roots = cd_issuer_get_roots (b->issuer);

    if (!cd_burn_write_chain (b, roots, FALSE, &chain_error))
      g_debug ("the issuer's chain is left for the burn: %s", chain_error->message);
    sk_X509_pop_free (roots, X509_free);
  }
  *out_pin = g_steal_pointer (&p.new_pin);
  *out_cka_id = g_strdup (p.id_hex);
  ok = TRUE;

out:
  pipeline_clear (&p);
  return ok;
}
