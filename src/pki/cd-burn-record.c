/* cd-burn-record.c: a verified certificate recorded with its key, and what the business then does with the
 * certificate it follows (revoked, the old key marked). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-burn-private.h"
#include "cd-central-copy.h"

void
cd_burn_fill_result (CdBurn *b, X509 *cert)
{
  g_clear_pointer (&b->result->certificate_serial, g_free);
  b->result->certificate_serial = cd_cert_serial_hex (cert);
  b->result->subject = cd_csr_name_to_string (X509_get_subject_name (cert));
  b->result->not_before = cd_cert_time_iso (X509_get0_notBefore (cert));
  b->result->not_after = cd_cert_time_iso (X509_get0_notAfter (cert));
  b->result->issuer = g_strdup (cd_issuer_get_name (b->issuer));
}

/* Verified: one transaction records the certificate, the key and the journal's last row. */
gboolean
cd_burn_record (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  g_autofree char *serial = cd_cert_serial_hex (p->cert);
  g_autoptr(JsonNode) detail = cd_burn_json_object_new ();
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
  cd_burn_fill_result (b, p->cert);
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
void
cd_burn_retire_old (CdBurnPipeline *p)
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
void
cd_burn_mark_old_token (CdBurnPipeline *p)
{
  CdBurn *b = p->b;
  g_autofree char *old_serial = NULL;
  const char *state = b->opts->old_token_state ? b->opts->old_token_state : "lost";

  if (p->old == NULL || p->old->token_id <= 0)
    return;
  if (!cd_token_store_dup_serial (b->store, p->old->token_id, NULL, &old_serial, NULL))
    return;
  if (old_serial == NULL || g_strcmp0 (old_serial, cd_burn_token_serial (b)) == 0)
    return;
  if (cd_store_begin (b->store, NULL))
    {
      if (cd_token_record_set_state (b->ctx, old_serial, state, NULL))
        cd_store_commit (b->store, NULL);
      else
        cd_store_rollback (b->store);
    }
}
