/* cd-burn-recover.c: undoing a failed attempt at once (the issued certificate revoked and recorded as
 * such, the attempt's objects removed from the key) and, after a crash, resuming the attempt on the same key
 * or rolling it back; leftover key pairs of rolled-back attempts are removed from the key. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-burn-private.h"
#include "cd-pki-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)

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

gboolean
cd_burn_journal_row (CdBurn *b, const char *step, const char *phase, JsonNode *detail, GError **error)
{
  return cd_burn_journal_add (b->store, b->opts->application_id, b->attempt, step, phase, token_serial (b), detail,
                              error);
}

/* The store runs WAL with synchronous=NORMAL (cd-store.c): every commit survives a crash of the counter,
 * but the last ones may not survive a power cut. Most journal rows may be lost that way (the next burn
 * redoes the step or rolls the attempt back, and a re-initialised key holds no leftovers). What the CA
 * signed may not: the issued certificate's row, the records that make it "issued" and revocations are
 * written with synchronous=FULL (the WAL synced at commit, about one fsync). Outside any transaction only:
 * SQLite refuses the change inside one. */
gboolean
cd_burn_durable (CdBurn *b, gboolean on, GError **error)
{
  return cd_store_exec (b->store, on ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", error);
}

void
cd_burn_sync (CdBurn *b)
{
  g_autoptr(GError) error = NULL;

  /* A checkpoint syncs the WAL before it copies it (synchronous=NORMAL syncs at checkpoints). */
  if (!cd_store_exec (b->store, "PRAGMA wal_checkpoint(PASSIVE)", &error))
    g_warning ("syncing the journal: %s", error->message);
}

/* Revokes an issued certificate that never reached a verified key, and records it as revoked (it
 * exists: the CA signed it) so that the local CA's CRL lists it. */
gboolean
cd_burn_revoke_undelivered (CdBurn *b, X509 *cert, const char *issuer_name, GError **error)
{
  g_autoptr(GError) ca_error = NULL;
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autoptr(CdCertRecord) rec = NULL;
  gboolean ok;

  if (!cd_cert_record_lookup (b->store, serial, &rec, error))
    return FALSE;
  if (rec)
    return TRUE;
  if (g_strcmp0 (issuer_name, cd_issuer_get_name (b->issuer)) == 0)
    cd_issuer_revoke (b->issuer, cert, CD_REVOKE_CESSATION, &ca_error);
  if (!cd_burn_durable (b, TRUE, error) || !cd_store_begin (b->store, error))
    {
      cd_burn_durable (b, FALSE, NULL);
      return FALSE;
    }
  ok = cd_cert_record_insert (b->ctx, cert, issuer_name ? issuer_name : cd_issuer_get_name (b->issuer),
                              b->opts->application_id, 0, "revoked", "cessationOfOperation", error)
       && cd_store_commit (b->store, error);
  if (!ok)
    cd_store_rollback (b->store);
  cd_burn_durable (b, FALSE, NULL);
  if (!ok)
    return FALSE;
  cd_issuer_publish (b->issuer, NULL);
  if (ca_error)
    g_warning ("the CA did not confirm the revocation of %s: %s", serial, ca_error->message);
  return TRUE;
}

void
cd_burn_rollback (CdBurnPipeline *p, const char *step, const GError *why)
{
  CdBurn *b = p->b;
  g_autoptr(JsonNode) detail = obj_new ();
  g_autoptr(GError) local = NULL;

  {
    g_autoptr(JsonNode) failed = obj_new ();
    json_object_set_string_member (json_node_get_object (failed), "error", why->message);
    cd_burn_journal_row (b, step, "failed", failed, NULL);
  }
  if (p->issued && p->cert && !cd_burn_revoke_undelivered (b, p->cert, cd_issuer_get_name (b->issuer), &local))
    g_warning ("rolling back: %s", local->message);
  /* What the attempt put on the key goes, if the key is still there. */
  if (b->token && cd_token_is_present (b->token))
    {
      if (p->keygen && p->id_len)
        cd_token_delete_id (b->token, p->id, p->id_len, NULL);   /* key pair, certificate, seal image */
      else
        {
          if (p->written && p->cert)
            cd_token_delete_cert (b->token, p->cert, NULL);
          if (p->seal_written && p->old_id)
            {
              /* Only the seal image this attempt wrote: the one the key held before stays. */
              gsize len;
              const guchar *d = g_bytes_get_data (p->old_id, &len);
              g_autofree char *label = cd_token_seal_label (d, len);

              cd_token_delete_data (b->token, CD_TOKEN_SEAL_APPLICATION, label, p->seal, FALSE, NULL);
            }
        }
    }
  json_object_set_string_member (json_node_get_object (detail), "reason", why->message);
  cd_burn_journal_row (b, step, "rolled-back", detail, NULL);
}

/* The open attempt's key pair, when the key holds it: the pipeline carries on with it in that attempt. */
static gboolean
take_key_pair (CdBurnPipeline *p, const CdBurnAttempt *last)
{
  g_autoptr(GBytes) id = cd_hex_decode (last->cka_id);
  gsize len;
  const guchar *d = g_bytes_get_data (id, &len);

  if (len != sizeof p->id || !cd_token_has_key (p->b->token, d, len))
    return FALSE;
  memcpy (p->id, d, len);
  p->id_len = len;
  g_free (p->id_hex);
  p->id_hex = g_strdup (last->cka_id);
  p->b->attempt = last->attempt;
  return TRUE;
}

/* An attempt of this application interrupted by a crash: resume it on the same key, else roll it back. */
gboolean
cd_burn_recover (CdBurnPipeline *p, gboolean *out_resume, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(CdBurnAttempt) last = NULL;
  gboolean same_key;

  *out_resume = FALSE;
  if (!cd_burn_journal_last (b->store, b->opts->application_id, &last, error))
    return FALSE;
  if (last == NULL || last->finished)
    return TRUE;
  same_key = last->token_serial && g_strcmp0 (last->token_serial, token_serial (b)) == 0;
  if (same_key && last->cert_pem && g_strcmp0 (last->issuer, cd_issuer_get_name (b->issuer)) == 0
      && last->cka_id && p->keygen && take_key_pair (p, last))
    {
      p->cert = cd_cert_from_pem (last->cert_pem);
      p->issued = TRUE;
      *out_resume = p->cert != NULL;
      if (*out_resume)
        return TRUE;
    }
  /* The key initialised and its key pair generated ahead (cd-keygen-ahead.c), or an attempt interrupted
   * before the CA's answer, on this key: the burn goes on from the CSR with that key pair (its CKA_ID is
   * in the journal; the key must hold it, which a login with the attempt's PIN lets us see). */
  if (same_key && !last->cert_pem && last->cka_id && p->keygen && p->init && last->last_step
      && ((g_str_equal (last->last_step, "keygen") && g_str_equal (last->last_phase, "done"))
          || g_str_equal (last->last_step, "csr"))
      && take_key_pair (p, last))
    {
      p->pregenerated = TRUE;
      return TRUE;
    }
  /* Not resumable: the issued certificate (if any) is revoked, the key's leftovers go. */
  {
    g_autoptr(JsonNode) detail = obj_new ();
    gint64 keep = b->attempt;

    if (last->cert_pem)
      {
        g_autoptr(X509) cert = cd_cert_from_pem (last->cert_pem);
        if (cert && !cd_burn_revoke_undelivered (b, cert, last->issuer, error))
          return FALSE;
      }
    if (same_key && last->cka_id && p->keygen)
      {
        g_autoptr(GBytes) id = cd_hex_decode (last->cka_id);
        gsize len;
        const guchar *d = g_bytes_get_data (id, &len);
        cd_token_delete_id (b->token, d, len, NULL);
      }
    json_object_set_string_member (json_node_get_object (detail), "reason", "interrupted; not resumable on this key");
    b->attempt = last->attempt;
    if (!cd_burn_journal_add (b->store, b->opts->application_id, last->attempt, last->last_step, "rolled-back",
                              last->token_serial, detail, error))
      return FALSE;
    b->attempt = keep;
  }
  return TRUE;
}

/* Leftover key pairs of rolled-back attempts on this key (renew: it is not re-initialised). */
void
cd_burn_clean_leftovers (CdBurnPipeline *p)
{
  CdBurn *b = p->b;
  g_autoptr(GPtrArray) ids = cd_burn_journal_leftover_ids (b->store, token_serial (b), NULL);
  g_autofree char *current = NULL;

  if (p->old_id)
    {
      gsize len;
      const guchar *d = g_bytes_get_data (p->old_id, &len);
      current = cd_hex_encode (d, len);
    }
  for (guint i = 0; ids && i < ids->len; i++)
    {
      g_autoptr(GBytes) id = cd_hex_decode (ids->pdata[i]);
      gsize len;
      const guchar *d = g_bytes_get_data (id, &len);

      if (g_strcmp0 (current, ids->pdata[i]) != 0 && cd_token_has_key (b->token, d, len)
          && cd_token_delete_id (b->token, d, len, NULL))
        b->result->leftovers_removed++;
    }
}

