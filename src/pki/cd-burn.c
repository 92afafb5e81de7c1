/* cd-burn.c: the certificate businesses (new, renew, replace, change) as journaled steps. A failed step
 * rolls its attempt back at once (the issued certificate is revoked and recorded as such, leftovers are
 * removed from the key); a crash leaves the attempt open, and the next burn of the application resumes
 * it when the same key is inserted, or rolls it back. Nothing is recorded as issued before it was read
 * back from the key and verified. */
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

static JsonNode *
obj_new (void)
{
  return json_node_init_object (json_node_alloc (), json_object_new ());
}

static const char *
token_serial (CdBurn *b)
{
  return b->token ? cd_token_get_info (b->token)->serial : NULL;
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

    if (cd_burn_slip_save (b->ctx, b->opts->application_id, token_serial (b), b->result->pin_slip, &slip_error))
      b->slip_saved = TRUE;
    else
      g_warning ("the PIN slip of application %s is not stored: %s", b->info->number, slip_error->message);
  }
  return cd_pin_copy (b->result->pin_slip);
}

gboolean
cd_burn_finish_state (CdBurn *b, const char *what, GError **error)
{
  g_autoptr(JsonNode) detail = obj_new ();

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
  if (!cd_token_initialize (b->token, so, label, p->new_pin, error)
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

static gboolean confirm_on_key (CdBurnPipeline *p, STACK_OF (X509) *chain, GError **error);

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
  if (g_strcmp0 (cd_issuer_get_name (b->issuer), "cmp") == 0 && !confirm_on_key (p, chain, error))
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
  /* An issuer that does not call the hook: the same checks and record now; a refusal revokes it at the CA. */
  if (!p->journaled)
    {
      g_autoptr(X509) copy = X509_dup (cert);

      if (!accept_issued (copy, p->chain, p, error))
        return FALSE;
    }
  return TRUE;
}

/* The issuer's chain on the key, each certificate under its subject key id; @look: the key may hold some
 * of them already (not one this attempt initialised). */
static gboolean
write_chain (CdBurn *b, STACK_OF (X509) *chain, gboolean look, GError **error)
{
  for (int i = 0; chain && i < sk_X509_num (chain); i++)
    {
      X509 *ca = sk_X509_value (chain, i);
      const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id (ca);
      g_autofree char *cn_label = NULL;
      char cn[128] = "CA";
      gboolean present = FALSE;

      if (look && !cd_token_readback_has_cert (b->token, ca, &present, error))
        return FALSE;
      if (present)
        continue;
      X509_NAME_get_text_by_NID (X509_get_subject_name (ca), NID_commonName, cn, sizeof cn);
      cn_label = g_strdup_printf ("CA %s", cn);
      if (!cd_token_write_cert (b->token, ca, cn_label, skid ? ASN1_STRING_get0_data (skid) : (const guchar *) "CA",
                                skid ? ASN1_STRING_length (skid) : 2, error))
        return FALSE;
    }
  return TRUE;
}

/* The e-seal image travels on the key with its certificate, as a public data object under the key pair's
 * CKA_ID. @look: the key may hold it already (a resumed attempt, an information change). */
static gboolean
write_seal (CdBurnPipeline *p, const guchar *id, gsize id_len, gboolean look, GError **error)
{
  CdBurn *b = p->b;
  g_autofree char *label = cd_token_seal_label (id, id_len);

  if (look)
    {
      g_autoptr(GPtrArray) values = cd_token_readback_data (b->token, CD_TOKEN_SEAL_APPLICATION, label, error);

      if (values == NULL)
        return FALSE;
      for (guint i = 0; i < values->len; i++)
        if (g_bytes_equal (values->pdata[i], p->seal))
          return TRUE;
    }
  if (!cd_token_write_data (b->token, CD_TOKEN_SEAL_APPLICATION, label, p->seal, error))
    return FALSE;
  p->seal_written = TRUE;
  return TRUE;
}

static gboolean
step_write (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  g_autofree char *label = g_strdup_printf ("CertDesk %s", b->info->number);
  const guchar *id = p->id;
  gsize id_len = p->id_len;
  /* A key this attempt initialised holds nothing yet; a resumed attempt, a key pair generated ahead (with
   * the issuer's chain) or a renewal's key may already hold what is about to be written. */
  gboolean look = !p->initialised;
  gboolean already = FALSE;

  if (!p->keygen)
    id = g_bytes_get_data (p->old_id, &id_len);
  if (look && !cd_token_readback_has_cert (b->token, p->cert, &already, error))
    return FALSE;
  if (!already && !cd_token_write_cert (b->token, p->cert, label, id, id_len, error))
    return FALSE;
  p->written = TRUE;
  if (!write_chain (b, p->chain, look, error))
    return FALSE;
  if (p->seal && !write_seal (p, id, id_len, look, error))
    return FALSE;
  return TRUE;
}

/* A read-back that does not match may only mean the key left mid-read (SoftHSM answers an empty list when its
 * folder is gone): a key no longer there is the clerk's sentence, not a mismatch. */
static void
set_verify_error (CdBurn *b, GError **error, const char *message)
{
  if (!cd_token_is_present (b->token))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                 _("The USB key “%s” was removed; insert it again and retry"), cd_token_get_info (b->token)->label);
  else
    g_set_error_literal (error, CD_PKI_ERROR, CD_PKI_ERROR_VERIFY, message);
}

static gboolean
step_verify (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  const guchar *id = p->id;
  gsize id_len = p->id_len;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(EVP_PKEY) priv = NULL;
  g_autoptr(EVP_PKEY) pub = NULL;
  X509 *on_key = NULL;

  if (!p->keygen)
    id = g_bytes_get_data (p->old_id, &id_len);
  g_clear_pointer (&p->priv, EVP_PKEY_free);
  /* Read back as an outsider would: the key's own answer through a session of our own, not libp11's view
   * nor what we hold in memory. The login of the write stays: logging in again would prove nothing more. */
  if (!cd_token_is_present (b->token))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                   _("The USB key “%s” was removed; insert it again and retry"), cd_token_get_info (b->token)->label);
      return FALSE;
    }
  if (!(certs = cd_token_readback_certs (b->token, id, id_len, error)))
    return FALSE;
  for (guint i = 0; i < certs->len && !on_key; i++)
    if (X509_cmp (certs->pdata[i], p->cert) == 0)
      on_key = certs->pdata[i];
  if (on_key == NULL)
    {
      set_verify_error (b, error, _("The certificate read back from the key is not the one issued"));
      return FALSE;
    }
  /* One read of the key pair serves the match and the round trip: both are the key's answer. */
  if (!cd_token_get_keypair (b->token, id, id_len, &priv, &pub, error))
    return FALSE;
  if (EVP_PKEY_eq (pub, X509_get0_pubkey (on_key)) != 1)
    {
      set_verify_error (b, error, _("The certificate on the key does not match its key pair"));
      return FALSE;
    }
  if (!cd_token_sign_check_keys (priv, pub, error)
      || !cd_issuer_verify_chain (b->issuer, on_key, p->chain, error))
    return FALSE;
  if (p->subject && X509_NAME_cmp (X509_get_subject_name (on_key), p->subject) != 0)
    {
      set_verify_error (b, error, _("The certificate's subject is not the application's"));
      return FALSE;
    }
  if (p->seal)
    {
      g_autofree char *label = cd_token_seal_label (id, id_len);
      g_autoptr(GPtrArray) values = cd_token_readback_data (b->token, CD_TOKEN_SEAL_APPLICATION, label, error);
      gboolean found = FALSE;

      if (values == NULL)
        return FALSE;
      for (guint i = 0; i < values->len && !found; i++)
        found = g_bytes_equal (values->pdata[i], p->seal);
      if (!found)
        {
          set_verify_error (b, error, _("The seal image read back from the key is not the application's chosen seal"));
          return FALSE;
        }
    }
  return TRUE;
}

static void
fill_result (CdBurn *b, X509 *cert)
{
  g_clear_pointer (&b->result->certificate_serial, g_free);
  b->result->certificate_serial = cd_cert_serial_hex (cert);
  b->result->subject = cd_csr_name_to_string (X509_get_subject_name (cert));
  b->result->not_before = cd_cert_time_iso (X509_get0_notBefore (cert));
  b->result->not_after = cd_cert_time_iso (X509_get0_notAfter (cert));
  b->result->issuer = g_strdup (cd_issuer_get_name (b->issuer));
}

/* The write and verify steps run inside the issue step (from the certConf callback), journaled as they are
 * in the loop, which then skips them. A failure is the issue step's: its rollback removes what was written. */
static gboolean
confirm_on_key (CdBurnPipeline *p, STACK_OF (X509) *chain, GError **error)
{
  CdBurn *b = p->b;
  STACK_OF (X509) *kept = p->chain;
  gboolean ok;

  p->chain = chain;   /* borrowed for the two steps: the issuer hands its own copy back when it returns */
  for (CdBurnStep s = CD_BURN_STEP_WRITE; s <= CD_BURN_STEP_VERIFY; s++)
    {
      g_autoptr(JsonNode) start = json_node_init_object (json_node_alloc (), json_object_new ());

      cd_burn_report (b, cd_burn_step_code (s), cd_burn_step_label (s), (double) s / CD_BURN_N_STEPS);
      ok = cd_burn_journal_row (b, cd_burn_step_code (s), "start", start, error)
           && (s == CD_BURN_STEP_WRITE ? step_write (p, error) : step_verify (p, error));
      /* The verify step's "done" row goes with the records (record ()), as in the loop. */
      if (ok && s == CD_BURN_STEP_WRITE)
        {
          g_autoptr(JsonNode) done = json_node_init_object (json_node_alloc (), json_object_new ());
          ok = cd_burn_journal_row (b, cd_burn_step_code (s), "done", done, error);
        }
      if (!ok)
        break;
    }
  p->chain = kept;
  p->on_key_verified = ok;
  /* Refused here, the CA hears it in the negative certConf: the rollback records it revoked without asking
   * the CA to revoke what it was just told we did not take. */
  if (!ok)
    p->ca_told = TRUE;
  return ok;
}

/* Verified: one transaction records the certificate, the key and the journal's last row. */
static gboolean
record (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  g_autofree char *serial = cd_cert_serial_hex (p->cert);
  g_autoptr(JsonNode) detail = obj_new ();
  const char *id_hex;
  gint64 token_id = 0;
  g_autofree char *old_hex = NULL;

  if (!p->keygen)
    {
      gsize len;
      const guchar *d = g_bytes_get_data (p->old_id, &len);
      old_hex = cd_hex_encode (d, len);
    }
  id_hex = p->keygen ? p->id_hex : old_hex;
  json_object_set_string_member (json_node_get_object (detail), "serial", serial);
  /* Synced with the state that follows (cd_burn_certificate): the certificate table is the local CA's index. */
  if (!cd_store_begin (b->store, error))
    return FALSE;
  if (!cd_token_record_save (b->ctx, cd_token_get_info (b->token), "active", b->opts->application_id, id_hex, serial,
                             &token_id, error)
      || !cd_cert_record_insert (b->ctx, p->cert, cd_issuer_get_name (b->issuer), b->opts->application_id, token_id,
                                 "issued", NULL, error)
      || !cd_burn_journal_row (b, "verify", "done", detail, error)
      || !cd_store_commit (b->store, error))
    {
      cd_store_rollback (b->store);
      return FALSE;
    }
  fill_result (b, p->cert);
  return TRUE;
}

/* Another outlet's certificate: this counter cannot change that outlet's row; it records the revocation (or the
 * revocation still to be made) for sync, which that outlet's counter applies to its own row (cd-central-copy.h). */
static gboolean
burn_record_revocation_elsewhere (CdBurn *b, const char *serial, const char *state, GError **error)
{
  g_autoptr(CdCentralCertificate) theirs = NULL;

  if (!cd_central_copy_lookup (b->store, serial, &theirs, error))
    return FALSE;
  if (theirs == NULL)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no certificate with serial %s"),
                   serial);
      return FALSE;
    }
  return cd_central_copy_record_revocation (b->store, cd_context_get_actor (b->ctx), theirs, state, "superseded",
                                            error);
}

/* After the new certificate is recorded: what the business does with the one it follows. */
static void
retire_old (CdBurnPipeline *p)
{
  CdBurn *b = p->b;
  g_autoptr(GError) error = NULL;
  gboolean revoke = p->business == CD_BUSINESS_REPLACE || p->business == CD_BUSINESS_CHANGE;

  if (p->old == NULL)
    return;
  /* The old objects leave the key only now that the new ones verified (a completion after a crash: already
   * done or left for the clerk; the key is not logged in). */
  if (p->completing)
    ;
  else if (p->business == CD_BUSINESS_RENEW && p->old_id)
    {
      gsize len;
      const guchar *d = g_bytes_get_data (p->old_id, &len);
      cd_token_delete_id (b->token, d, len, &error);
    }
  else if (p->business == CD_BUSINESS_CHANGE && p->old_cert && p->old_id)
    {
      gsize len;
      const guchar *d = g_bytes_get_data (p->old_id, &len);
      g_autofree char *label = cd_token_seal_label (d, len);

      /* The same key pair: the new seal image replaces the old one, for the same CKA_ID. */
      if (cd_token_delete_cert (b->token, p->old_cert, &error) && p->seal)
        cd_token_delete_data (b->token, CD_TOKEN_SEAL_APPLICATION, label, p->seal, TRUE, &error);
    }
  g_clear_error (&error);
  if (revoke && g_str_equal (p->old->state, "issued"))
    {
      /* Revoked only where a CA was told: at the issuer that issued it, when it is the one configured here.
       * Otherwise (another issuer, or the CA did not answer) it is "to-be-revoked", listed for the supervisor
       * by `certdesk-cli ca pending`, never "revoked" in the records alone. */
      gboolean elsewhere = p->old->id == 0;   /* another outlet's (cd_burn_lookup_old) */
      /* Another outlet's local CA is that counter's own, never this one's, whatever its name. */
      gboolean here = g_strcmp0 (p->old->issuer, cd_issuer_get_name (b->issuer)) == 0 && p->old_cert
                      && !(elsewhere && g_str_equal (p->old->issuer, "local"));
      gboolean told = here && cd_issuer_revoke (b->issuer, p->old_cert, CD_REVOKE_SUPERSEDED, &error);
      g_autoptr(GError) record_error = NULL;
      gboolean recorded = FALSE;

      if (cd_store_begin (b->store, &record_error))
        {
          if ((elsewhere ? burn_record_revocation_elsewhere (b, p->old->serial, told ? "revoked" : "to-be-revoked",
                                                             &record_error)
                         : cd_cert_record_set_state (b->ctx, p->old->serial, told ? "revoked" : "to-be-revoked",
                                                     "superseded", &record_error))
              && cd_store_commit (b->store, &record_error))
            recorded = TRUE;
          else
            cd_store_rollback (b->store);
        }
      if (told && recorded)
        cd_issuer_publish (b->issuer, NULL);
      if (!here && elsewhere)
        b->result->warning = g_strdup_printf (_("The new certificate is on the key, but the old one (%s) was issued "
                                                "at another outlet through a CA this counter cannot reach: it is marked "
                                                "to be revoked, and that outlet's counter lists it for its supervisor "
                                                "once both have synced"), p->old->serial);
      else if (!here)
        b->result->warning = g_strdup_printf (_("The new certificate is on the key, but the old one (%s) was issued "
                                                "through “%s”, which is not configured here: it is marked to be "
                                                "revoked there (certdesk-cli ca pending lists it for the supervisor)"),
                                              p->old->serial, p->old->issuer);
      else if (!told)
        b->result->warning = g_strdup_printf (_("The new certificate is on the key, but the CA did not revoke the old "
                                                "one (%s): %s; it is marked to be revoked (certdesk-cli ca pending)"),
                                              p->old->serial, error->message);
      else if (!recorded)
        b->result->warning = g_strdup_printf (_("The new certificate is on the key and the CA revoked the old one (%s), "
                                                "but the records could not say so: %s"), p->old->serial,
                                              record_error->message);
    }
}

/* The old key of a replacement is lost or damaged, unless the same key was re-initialised. */
static void
mark_old_token (CdBurnPipeline *p)
{
  CdBurn *b = p->b;
  g_autofree char *old_serial = NULL;
  const char *state = b->opts->old_token_state ? b->opts->old_token_state : "lost";

  if (p->old == NULL || p->old->token_id <= 0)
    return;
  if (!cd_token_store_dup_serial (b->store, p->old->token_id, NULL, &old_serial, NULL))
    return;
  if (old_serial == NULL || g_strcmp0 (old_serial, token_serial (b)) == 0)
    return;
  if (cd_store_begin (b->store, NULL))
    {
      if (cd_token_record_set_state (b->ctx, old_serial, state, NULL))
        cd_store_commit (b->store, NULL);
      else
        cd_store_rollback (b->store);
    }
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
  if (!cd_burn_slip_save (b->ctx, b->opts->application_id, token_serial (b), b->result->pin_slip, error))
    {
      g_prefix_error (error, _("The PIN slip could not be kept, so the key was not touched: "));
      return FALSE;
    }
  b->slip_saved = TRUE;
  cd_burn_test_point ("slip", "saved");
  return TRUE;
}

static gboolean
run_step (CdBurnPipeline *p, CdBurnStep step, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(JsonNode) start = obj_new ();
  g_autoptr(JsonNode) done = obj_new ();
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
    case CD_BURN_STEP_WRITE: ok = step_write (p, &local); break;
    case CD_BURN_STEP_VERIFY: ok = step_verify (p, &local); break;
    default: g_assert_not_reached ();
    }
  if (!ok)
    {
      cd_burn_rollback (p, cd_burn_step_code (step), local);
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
  if (!cd_token_record_lookup (b->store, token_serial (b), &tok, error))
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
  fill_result (b, cert);
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
      && !cd_token_record_check_owner (b->ctx, token_serial (b), b->opts->application_id, error))
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
      if (last && !last->finished && g_strcmp0 (last->token_serial, token_serial (b)) == 0 && pin
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
      if (!run_step (&p, s, error))
        goto out;
    }
  if (!record (&p, error))
    goto out;
  cd_burn_test_point ("record", "done");

finish:
  retire_old (&p);
  if (p.business == CD_BUSINESS_REPLACE)
    mark_old_token (&p);
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
      || !run_step (&p, CD_BURN_STEP_INIT, error) || !run_step (&p, CD_BURN_STEP_KEYGEN, error))
    goto out;
  b->result->attempt = b->attempt;
  /* The issuer's chain needs no certificate: it goes on the key now and the burn finds it there. */
  {
    g_autoptr(GError) chain_error = NULL;
    STACK_OF (X509) *roots = cd_issuer_get_roots (b->issuer);

    if (!write_chain (b, roots, FALSE, &chain_error))
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
