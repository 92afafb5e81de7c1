/* cd-burn-steps.c: the certificate, the issuer's chain and the seal image written on the key, and read back
 * from it and verified (for CMP inside the issue step, before the CA is told). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/x509v3.h>

#include "cd-burn-private.h"
#include "cd-pki-error.h"
#include "cd-token-readback.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)

/* The issuer's chain on the key, each certificate under its subject key id; @look: the key may hold some
 * of them already (not one this attempt initialised). */
gboolean
cd_burn_write_chain (CdBurn *b, STACK_OF (X509) *chain, gboolean look, GError **error)
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

gboolean
cd_burn_step_write (CdBurnPipeline *p, GError **error)
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
  if (!cd_burn_write_chain (b, p->chain, look, error))
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

gboolean
cd_burn_step_verify (CdBurnPipeline *p, GError **error)
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

/* The write and verify steps run inside the issue step (from the certConf callback), journaled as they are
 * in the loop, which then skips them. A failure is the issue step's: its rollback removes what was written. */
gboolean
cd_burn_confirm_on_key (CdBurnPipeline *p, STACK_OF (X509) *chain, GError **error)
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
           && (s == CD_BURN_STEP_WRITE ? cd_burn_step_write (p, error) : cd_burn_step_verify (p, error));
      /* The verify step's "done" row goes with the records (cd_burn_record ()), as in the loop. */
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
