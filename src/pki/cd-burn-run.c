/* cd-burn-run.c: the burn's steps journaled one by one (cd_burn_run_step), and those before the key is
 * written: the key initialised, its key pair, the request, the certificate issued and checked. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/pem.h>
#include <string.h>

#include "cd-burn-escrow.h"
#include "cd-burn-private.h"
#include "cd-burn-slip.h"
#include "cd-pki-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

static gboolean
step_init (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  const CdTokenInfo *info = cd_token_get_info (b->token);
  g_autoptr(CdPin) so = NULL;
  gboolean escrowed;
  g_autofree char *label = NULL;
  gint64 token_id;

  /* Whether the key can make and use the profile's key pair, before anything is erased. */
  if (!cd_token_check_algorithm (b->token, b->profile->key_algorithm, error))
    return FALSE;
  /* Erasing needs the clerk's confirmation naming what is on the key. Its public objects are read without
   * login, so a customer's key that this counter's database does not know is recognised too; only what this
   * application's own earlier attempt left on a key it initialised (its record: blank, bound to it) is no
   * one else's. */
  if (info->initialized && !b->opts->confirm_erase)
    {
      g_autoptr(CdTokenRecord) rec = NULL;
      g_autoptr(CdTokenPublic) pub = NULL;
      g_autofree char *what = NULL;
      gboolean ours_blank;
      guint foreign = 0;

      if (!cd_token_record_lookup (b->store, info->serial, &rec, error)
          || !cd_token_read_public (b->token, &pub, error))
        return FALSE;
      ours_blank = rec && g_str_equal (rec->state, "blank") && rec->application_id == b->opts->application_id;
      /* A certificate this counter recorded for this very application and took back (revoked: a rolled-back
       * attempt whose objects could not be removed) is its own leftover; any other is someone's. */
      for (guint i = 0; i < pub->certs->len; i++)
        {
          g_autofree char *serial = NULL;
          g_autoptr(CdCertRecord) cert_rec = NULL;

          if (cd_token_cert_is_ca (pub->certs->pdata[i]))
            continue;
          serial = cd_cert_serial_hex (pub->certs->pdata[i]);
          if (!cd_cert_record_lookup (b->store, serial, &cert_rec, error))
            return FALSE;
          if (!ours_blank || !cert_rec || cert_rec->application_id != b->opts->application_id
              || g_str_equal (cert_rec->state, "issued"))
            foreign++;
        }
      if (foreign > 0 || (!ours_blank && (!cd_token_public_is_empty (pub)
                                          || (rec && g_str_equal (rec->state, "active")))))
        {
          what = cd_token_public_describe (pub);
          if (what == NULL)
            what = g_strdup_printf (_("the certificate %s"), rec && rec->certificate_serial ? rec->certificate_serial : "?");
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NOT_BLANK,
                       _("The USB key “%s” holds %s; issuing erases it: confirm the erase first"), info->label, what);
          return FALSE;
        }
    }
  /* The SO PIN the key has: this CA's escrow of it, else the vendor's typed one (or the demo token's). */
  if (!cd_burn_escrow_current (b, FALSE, &so, &escrowed, error))
    return FALSE;
  /* A software token is always labelled DEMO; a real key keeps the label printed on it. */
  if (info->is_demo)
    label = g_str_has_prefix (info->label, CD_DEMO_TOKEN_LABEL) ? g_strdup (info->label)
            : g_strdup_printf ("%s %s", CD_DEMO_TOKEN_LABEL, b->info->number);
  else
    label = g_strdup (*info->label ? info->label : "CertDesk");
  if (strlen (label) > 32)
    label[32] = '\0';
  p->new_pin = cd_burn_policy_pin (b);
  /* A key whose SO PIN this counter set is erased without C_InitToken (cd_token_reinitialize says why). */
  if (!(escrowed ? cd_token_reinitialize (b->token, so, label, p->new_pin, error)
                 : cd_token_initialize (b->token, so, label, p->new_pin, error))
      || !cd_burn_escrow_rotate (b, so, p->new_pin, error))
    return FALSE;
  /* The key is known from now on, blank and bound to this application. */
  if (!cd_store_begin (b->store, error))
    return FALSE;
  if (!cd_token_record_save (b->ctx, cd_token_get_info (b->token), "blank", b->opts->application_id, NULL, NULL,
                             &token_id, error)
      || !cd_store_commit (b->store, error))
    {
      cd_store_rollback (b->store);
      return FALSE;
    }
  p->initialised = TRUE;
  return TRUE;
}

static gboolean
step_keygen (CdBurnPipeline *p, JsonNode *done_detail, GError **error)
{
  CdBurn *b = p->b;
  g_autofree char *label = g_strdup_printf ("CertDesk %s", b->info->number);
  guint removed = 0;

  /* A key this attempt initialised holds nothing: there are no leftovers to look for. */
  if (!p->initialised && !cd_token_remove_orphans (b->token, NULL, 0, &removed, error))
    return FALSE;
  b->result->leftovers_removed += removed;
  if (!cd_token_generate_key (b->token, b->profile->key_algorithm, p->id, p->id_len, label, error))
    return FALSE;
  /* The key's own time, apart from what the burn does around it (the benchmark's floor). */
  b->result->keygen_us = cd_token_get_keygen_us (b->token);
  json_object_set_int_member (json_node_get_object (done_detail), "token_us", b->result->keygen_us);
  return TRUE;
}

static gboolean
step_csr (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  const guchar *id = p->id;
  gsize id_len = p->id_len;

  if (!p->keygen)
    id = g_bytes_get_data (p->old_id, &id_len);
  if (!(p->subject = cd_csr_build_subject (b->profile, b->app, error))
      || !cd_token_get_keypair (b->token, id, id_len, &p->priv, &p->pub, error)
      || !(p->csr = cd_csr_new (p->subject, p->priv, p->pub, error)))
    return FALSE;
  {
    /* libp11's keys point into its slot list, which a reload releases: keep a copy of our own. */
    guchar *der = NULL;
    const guchar *q;
    int len = i2d_PUBKEY (p->pub, &der);

    q = der;
    EVP_PKEY_free (p->pub);
    p->pub = len > 0 ? d2i_PUBKEY (NULL, &q, len) : NULL;
    OPENSSL_free (der);
  }
  return p->pub != NULL;
}

/* What the CA returned, checked here before the issuer confirms it (CMP: certConf; the local CA: before it
 * returns): the key's public key, the application's subject, a chain to the issuer's roots. Taken, it is
 * journaled (synced, retried while the database is busy or full) before the CA is told: a certificate the
 * counter cannot record is refused, so the CA revokes it, and a note outside the database keeps it. */
static gboolean
accept_issued (X509 *cert, STACK_OF (X509) *chain, gpointer data, GError **error)
{
  CdBurnPipeline *p = data;
  CdBurn *b = p->b;
  g_autoptr(JsonNode) detail = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *serial = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *o;

  X509_free (p->cert);
  p->cert = X509_dup (cert);
  p->issued = TRUE;
  if (p->pub == NULL || EVP_PKEY_eq (X509_get0_pubkey (cert), p->pub) != 1)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("CertDesk refused the certificate the CA returned: its public key is not the USB key's"));
      return FALSE;
    }
  if (p->subject && X509_NAME_cmp (X509_get_subject_name (cert), p->subject) != 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("CertDesk refused the certificate the CA returned: its subject is not the application's"));
      return FALSE;
    }
  if (!cd_issuer_verify_chain (b->issuer, cert, chain, &local))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("CertDesk refused the certificate the CA returned: %s"),
                   local->message);
      return FALSE;
    }
  detail = json_node_init_object (json_node_alloc (), json_object_new ());
  o = json_node_get_object (detail);
  pem = cd_cert_to_pem (cert);
  serial = cd_cert_serial_hex (cert);
  json_object_set_string_member (o, "pem", pem);
  json_object_set_string_member (o, "serial", serial);
  json_object_set_string_member (o, "issuer", cd_issuer_get_name (b->issuer));
  if (!cd_burn_journal_row_retry (b, "issue", "done", detail, &local))
    {
      g_autoptr(GError) note_error = NULL;

      /* Refused below: the CA revokes it; the note records it as revoked once the database is back. */
      if (!cd_burn_pending_note (b, cert, cd_issuer_get_name (b->issuer), TRUE, &note_error))
        g_warning ("%s", note_error->message);
      g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                  _("The certificate was refused and the CA revokes it, because it could not be "
                                    "recorded; the next start records it as revoked. "));
      return FALSE;
    }
  p->journaled = TRUE;
  /* A CA over CMP is told (certConf) only once the certificate is on the key and verified there: a key that
   * fails now gets the CA a negative certConf, never a positive one followed by a revocation. The local CA
   * has its ledger and revokes in it; its certificates go on the key after it returns. */
  if (g_strcmp0 (cd_issuer_get_name (b->issuer), "cmp") == 0 && !cd_burn_confirm_on_key (p, chain, error))
    return FALSE;
  return TRUE;
}

static gboolean
step_issue (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(GDateTime) now = cd_store_now (b->store);
  CdIssueRequest req = { p->csr, p->priv, now, p->not_after, b->profile->id, accept_issued, p };
  X509 *cert;

  if (!(cert = cd_issuer_issue (b->issuer, &req, &p->chain, error)))
    {
      /* The accept hook ran and refused it (or could not record it): the CA was told in its answer. */
      if (p->cert && !p->journaled)
        p->ca_told = TRUE;
      return FALSE;
    }
  X509_free (p->cert);
  p->cert = cert;
  p->issued = TRUE;
  /* CMP: the CA acknowledged our positive certConf. Until that row a resume cannot know whether the CA holds the
   * journaled certificate as confirmed, so it revokes it there instead of taking it up (cd_burn_recover). */
  if (p->on_key_verified)
    {
      g_autoptr(JsonNode) detail = json_node_init_object (json_node_alloc (), json_object_new ());

      /* A second "done" row of the step (the journal's phases are fixed); no serial in it, the first row is the
       * one that names the certificate. */
      json_object_set_boolean_member (json_node_get_object (detail), "confirmed", TRUE);
      if (!cd_burn_journal_row (b, "issue", "done", detail, error))
        return FALSE;
      cd_burn_test_point ("issue", "confirmed");
    }
  /* An issuer that does not call the hook: the same checks and record now; a refusal revokes it at the CA. */
  if (!p->journaled)
    {
      g_autoptr(X509) copy = X509_dup (cert);

      if (!accept_issued (copy, p->chain, p, error))
        return FALSE;
    }
  return TRUE;
}

/* The random PIN a key is about to get, stored for its slip (encrypted, synced) before the key has it. */
static gboolean
save_slip (CdBurn *b, GError **error)
{
  if (b->profile->pin_policy != CD_PIN_POLICY_RANDOM)
    return TRUE;
  g_clear_pointer (&b->result->pin_slip, cd_pin_free);
  b->result->pin_slip = cd_pin_new_random (b->profile->pin_length);
  b->slip_saved = FALSE;
  if (!cd_burn_slip_save (b->ctx, b->opts->application_id, cd_burn_token_serial (b), b->result->pin_slip, error))
    {
      g_prefix_error (error, _("The PIN slip could not be kept, so the key was not touched: "));
      return FALSE;
    }
  b->slip_saved = TRUE;
  cd_burn_test_point ("slip", "saved");
  return TRUE;
}

gboolean
cd_burn_run_step (CdBurnPipeline *p, CdBurnStep step, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(JsonNode) start = cd_burn_json_object_new ();
  g_autoptr(JsonNode) done = cd_burn_json_object_new ();
  g_autoptr(GError) local = NULL;
  gboolean ok;

  cd_burn_report (b, cd_burn_step_code (step), cd_burn_step_label (step), (double) step / CD_BURN_N_STEPS);
  if (step == CD_BURN_STEP_KEYGEN)
    {
      json_object_set_string_member (json_node_get_object (start), "cka_id", p->id_hex);
      json_object_set_string_member (json_node_get_object (start), "algorithm", b->profile->key_algorithm);
    }
  if (step == CD_BURN_STEP_INIT || step == CD_BURN_STEP_KEYGEN || step == CD_BURN_STEP_CSR)
    json_object_set_string_member (json_node_get_object (start), "business", cd_business_to_code (p->business));
  if (step == CD_BURN_STEP_INIT && !save_slip (b, error))
    return FALSE;
  if (step == CD_BURN_STEP_ISSUE)
    {
      /* The request, before the CA is asked, synced: a resume finds what the CA may have signed for it. */
      g_autofree char *csr = NULL;
      BIO *bio = BIO_new (BIO_s_mem ());
      char *data;
      long len;
      gboolean saved;

      PEM_write_bio_X509_REQ (bio, p->csr);
      len = BIO_get_mem_data (bio, &data);
      csr = g_strndup (data, len);
      BIO_free (bio);
      json_object_set_string_member (json_node_get_object (start), "csr", csr);
      saved = cd_burn_durable (b, TRUE, error) && cd_burn_journal_row (b, cd_burn_step_code (step), "start", start, error);
      cd_burn_durable (b, FALSE, NULL);
      if (!saved)
        return FALSE;
    }
  else if (!cd_burn_journal_row (b, cd_burn_step_code (step), "start", start, error))
    return FALSE;
  switch (step)
    {
    case CD_BURN_STEP_INIT: ok = step_init (p, &local); break;
    case CD_BURN_STEP_KEYGEN: ok = step_keygen (p, done, &local); break;
    case CD_BURN_STEP_CSR: ok = step_csr (p, &local); break;
    case CD_BURN_STEP_ISSUE: ok = step_issue (p, &local); break;
    case CD_BURN_STEP_WRITE: ok = cd_burn_step_write (p, &local); break;
    case CD_BURN_STEP_VERIFY: ok = cd_burn_step_verify (p, &local); break;
    default: g_assert_not_reached ();
    }
  if (!ok)
    {
      cd_burn_rollback (p, cd_burn_step_code (step), local);
      if (p->left_open)
        {
          g_autofree char *serial = cd_cert_serial_hex (p->cert);

          g_set_error (error, local->domain, local->code,
                       _("%s. The certificate the CA signed (%s) may be held there as confirmed and could not be "
                         "revoked there yet; nothing is recorded for it: retry when the CA answers, and it is revoked "
                         "before another is asked for"), local->message, serial);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* The verify step's "done" row is written with the records, in one transaction. The issue step's holds
   * the certificate the CA signed: written (synced, retried) by accept_issued before the CA was told. */
  if (step != CD_BURN_STEP_VERIFY && step != CD_BURN_STEP_ISSUE
      && !cd_burn_journal_row (b, cd_burn_step_code (step), "done", done, error))
    return FALSE;
  cd_burn_report (b, cd_burn_step_code (step), cd_burn_step_label (step), (double) (step + 1) / CD_BURN_N_STEPS);
  return TRUE;
}
