/* cd-burn-recover.c: undoing a failed attempt at once (the issued certificate revoked and recorded as
 * such, the attempt's objects removed from the key) and, after a crash, resuming the attempt on the same key
 * or rolling it back; leftover key pairs of rolled-back attempts are removed from the key. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "cd-burn-private.h"
#include "cd-ca-ledger.h"
#include "cd-issuer-local.h"
#include "cd-pki-error.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <string.h>

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
  return cd_store_set_synchronous_full (b->store, on, error);
}

void
cd_burn_sync (CdBurn *b)
{
  g_autoptr(GError) error = NULL;

  /* A checkpoint syncs the WAL before it copies it (synchronous=NORMAL syncs at checkpoints). */
  if (!cd_store_checkpoint (b->store, &error))
    g_warning ("syncing the journal: %s", error->message);
}

gboolean
cd_burn_journal_row_retry (CdBurn *b, const char *step, const char *phase, JsonNode *detail, GError **error)
{
  const char *env = g_getenv ("CERTDESK_RECORD_RETRY_S");
  gint64 budget = (env && *env ? (gint64) g_ascii_strtoull (env, NULL, 10) : 30) * G_USEC_PER_SEC;
  gint64 deadline = g_get_monotonic_time () + budget;
  gulong pause_ms = 100;
  guint tries = 0;

  for (;;)
    {
      g_autoptr(GError) local = NULL;
      gboolean ok = cd_burn_durable (b, TRUE, &local)
                    && cd_burn_journal_row (b, step, phase, detail, &local);

      cd_burn_durable (b, FALSE, NULL);
      tries++;
      if (ok)
        {
          if (tries > 1)
            g_message ("the %s step's %s row was recorded at try %u", step, phase, tries);
          return TRUE;
        }
      /* Locked by another writer (each try already waits the store's busy timeout) or full: wait and try
       * again; a person can still cancel. */
      if (g_get_monotonic_time () >= deadline || g_cancellable_is_cancelled (b->cancellable))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                      _("The database did not take the record of the certificate the CA signed "
                                        "(%u tries): "), tries);
          return FALSE;
        }
      g_usleep (pause_ms * 1000);
      pause_ms = MIN (pause_ms * 2, 2000);
    }
}

static char *
pending_dir (CdBurn *b)
{
  return g_build_filename (cd_context_get_state_dir (b->ctx), "burn-pending", NULL);
}

static gboolean
write_synced (const char *dir, const char *path, const char *text, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
  gsize len = strlen (text), done = 0;
  int fd, dfd;

  if (g_mkdir_with_parents (dir, 0700) != 0 || (fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
    goto fail;
  while (done < len)
    {
      ssize_t n = write (fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  if (done < len || fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      g_unlink (tmp);
      errno = saved;
      goto fail;
    }
  close (fd);
  if (g_rename (tmp, path) != 0)
    goto fail;
  if ((dfd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)) >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  return TRUE;

fail:
  g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot keep a note of the unrecorded certificate in %s: %s"),
               dir, g_strerror (errno));
  return FALSE;
}

/* The note's certificate is sealed under the counter folder's key (cd_ca_folder_keys: derived from the machine's
 * KEK, as the local CA's ledger is), not under the database's key set: the note exists for the moment the database
 * cannot be written, and it must open after `keys rotate`, `keys import` or a database made again. A person's
 * certificate names the person (CN, serialNumber); the header lines name no one and stay clear (`ca list` reads
 * the application from them). The file keeps its name <serial>.pem from before, when it held the PEM itself. */
static char *
note_aad (const char *serial)
{
  return g_strdup_printf ("burn-pending/%s/pem", serial);
}

gboolean
cd_burn_pending_note (CdBurn *b, X509 *cert, const char *issuer_name, gboolean ca_told, GError **error)
{
  g_autofree char *dir = pending_dir (b);
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autofree char *name = g_strconcat (serial, ".pem", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pem = cd_cert_to_pem (cert);
  g_autofree char *aad = note_aad (serial);
  g_autoptr(CdKeys) keys = cd_ca_folder_keys (TRUE, error);
  g_autofree char *sealed = keys ? cd_keys_seal_text (keys, aad, pem, error) : NULL;
  g_autofree char *text = NULL;

  if (!sealed)
    return FALSE;
  text = g_strdup_printf ("application: %" G_GINT64_FORMAT "\nissuer: %s\nrevoked-at-ca: %s\ncertificate: %s\n",
                          b->opts->application_id, issuer_name ? issuer_name : "", ca_told ? "yes" : "no", sealed);
  if (!write_synced (dir, path, text, error))
    return FALSE;
  g_warning ("certificate %s is kept in %s until the database records it", serial, path);
  cd_burn_test_point ("pending", "noted");
  return TRUE;
}

static char *
note_field (const char *text, const char *key)
{
  g_autofree char *prefix = g_strconcat (key, ": ", NULL);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] && !g_str_has_prefix (lines[i], "-----BEGIN"); i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

/* The note's certificate: sealed (written since issue 17), or the PEM in the file itself (before). NULL with
 * @error when the sealed one does not open here. */
static X509 *
note_cert (const char *text, const char *serial_hint, CdKeys **keys, GError **error)
{
  g_autofree char *sealed = note_field (text, "certificate");
  g_autofree char *aad = NULL;
  g_autofree char *pem = NULL;
  X509 *cert;

  if (sealed == NULL)
    return cd_cert_from_pem (text);
  if (*keys == NULL && !(*keys = cd_ca_folder_keys (FALSE, error)))
    return NULL;
  aad = note_aad (serial_hint);
  if (!(pem = cd_keys_open_text (*keys, aad, sealed, error)))
    return NULL;
  cert = cd_cert_from_pem (pem);
  OPENSSL_cleanse (pem, strlen (pem));
  return cert;
}

/* Every note of a certificate the database could not record: revoked at its issuer (when this is it and it
 * was not told yet), recorded as revoked, and the note removed, as soon as the database takes it. */
void
cd_burn_pending_reconcile (CdBurn *b)
{
  g_autofree char *dir = pending_dir (b);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  gboolean published = FALSE;
  g_autoptr(CdKeys) keys = NULL;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *app = NULL;
      g_autofree char *issuer = NULL;
      g_autofree char *told = NULL;
      g_autofree char *serial = NULL;
      g_autoptr(X509) cert = NULL;
      g_autoptr(CdCertRecord) rec = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (!g_str_has_suffix (name, ".pem") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;
      /* the serial is the file's name, and what the sealed certificate is bound to */
      serial = g_strndup (name, strlen (name) - strlen (".pem"));
      if (!(cert = note_cert (text, serial, &keys, &error)))
        {
          if (error)
            g_warning ("the note %s of an unrecorded certificate does not open here and stays: %s", path,
                       error->message);
          continue;
        }
      g_free (serial);
      app = note_field (text, "application");
      issuer = note_field (text, "issuer");
      told = note_field (text, "revoked-at-ca");
      serial = cd_cert_serial_hex (cert);
      if (!cd_cert_record_lookup (b->store, serial, &rec, &error))
        return;
      if (rec == NULL)
        {
          g_autoptr(GError) ca_error = NULL;
          gint64 app_id = app ? g_ascii_strtoll (app, NULL, 10) : 0;

          /* The local CA is told again even when the note says it was: its revocation is a line in its ledger
           * written after the note, which a crash between the two left unwritten; a second line changes nothing. */
          if ((g_strcmp0 (told, "yes") != 0 || CD_IS_ISSUER_LOCAL (b->issuer))
              && g_strcmp0 (issuer, cd_issuer_get_name (b->issuer)) == 0
              && !cd_issuer_revoke (b->issuer, cert, CD_REVOKE_CESSATION, &ca_error))
            g_warning ("the CA did not confirm the revocation of %s: %s", serial, ca_error->message);
          ok = cd_burn_durable (b, TRUE, &error) && cd_store_begin (b->store, &error);
          if (ok)
            {
              ok = cd_cert_record_insert (b->ctx, cert, issuer && *issuer ? issuer : cd_issuer_get_name (b->issuer),
                                          app_id, 0, "revoked", "cessationOfOperation", &error)
                   && cd_store_commit (b->store, &error);
              if (!ok)
                cd_store_rollback (b->store);
            }
          cd_burn_durable (b, FALSE, NULL);
          if (!ok)
            {
              g_warning ("the unrecorded certificate %s stays in %s: %s", serial, path, error->message);
              continue;
            }
          published = TRUE;
        }
      g_unlink (path);
      g_message ("the unrecorded certificate %s is recorded as revoked", serial);
    }
  if (published)
    cd_issuer_publish (b->issuer, NULL);
}

/* Revokes an issued certificate that never reached a verified key, and records it as revoked (it
 * exists: the CA signed it) so that the local CA's CRL lists it. When the database cannot take it, a note
 * outside the database keeps it for the next start. */
gboolean
cd_burn_revoke_undelivered (CdBurn *b, X509 *cert, const char *issuer_name, gboolean tell_ca, GError **error)
{
  g_autoptr(GError) ca_error = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autoptr(CdCertRecord) rec = NULL;
  gboolean ok;

  /* Recorded already (as revoked by an earlier rollback, or by the note's reconciliation): nothing to do. */
  ok = cd_cert_record_lookup (b->store, serial, &rec, &local);
  if (ok && rec)
    return TRUE;
  if (tell_ca && g_strcmp0 (issuer_name, cd_issuer_get_name (b->issuer)) == 0)
    {
      if (cd_issuer_revoke (b->issuer, cert, CD_REVOKE_CESSATION, &ca_error))
        tell_ca = FALSE;
    }
  else
    tell_ca = FALSE;
  ok = ok && cd_burn_durable (b, TRUE, &local) && cd_store_begin (b->store, &local);
  if (ok)
    {
      ok = cd_cert_record_insert (b->ctx, cert, issuer_name ? issuer_name : cd_issuer_get_name (b->issuer),
                                  b->opts->application_id, 0, "revoked", "cessationOfOperation", &local)
           && cd_store_commit (b->store, &local);
      if (!ok)
        cd_store_rollback (b->store);
    }
  cd_burn_durable (b, FALSE, NULL);
  if (!ok)
    {
      /* Not lost: the note is recorded at the next start (cd_burn_pending_reconcile). */
      if (!cd_burn_pending_note (b, cert, issuer_name, !tell_ca, error))
        return FALSE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  cd_issuer_publish (b->issuer, NULL);
  if (ca_error)
    g_warning ("the CA did not confirm the revocation of %s: %s", serial, ca_error->message);
  {
    /* Recorded now: a note the accept hook kept for it while the database was away has served. */
    g_autofree char *dir = pending_dir (b);
    g_autofree char *name = g_strconcat (serial, ".pem", NULL);
    g_autofree char *note = g_build_filename (dir, name, NULL);

    g_unlink (note);
  }
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
  /* CMP: our positive certConf went out and the exchange failed after it (the CA stopped or the connection
   * broke before its answer): the CA may hold the certificate as confirmed, so it is revoked there before it is
   * recorded as revoked. A CA out of reach leaves the attempt open (failed, not rolled back): the next burn
   * revokes it first (cd_burn_recover), and nothing says "revoked" that the CA may hold as valid. */
  if (p->issued && p->cert && p->on_key_verified && !p->ca_told
      && g_strcmp0 (cd_issuer_get_name (b->issuer), "cmp") == 0)
    {
      g_autoptr(GError) ca_error = NULL;

      if (cd_issuer_revoke (b->issuer, p->cert, CD_REVOKE_CESSATION, &ca_error))
        p->ca_told = TRUE;
      else
        {
          g_debug ("rolling back: the CA did not revoke the certificate: %s", ca_error->message);
          p->left_open = TRUE;
        }
    }
  if (p->issued && p->cert && !p->left_open
      && !cd_burn_revoke_undelivered (b, p->cert, cd_issuer_get_name (b->issuer), !p->ca_told, &local))
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
  if (!p->left_open)
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

/* The certificates the local CA signed for the interrupted request's key and the database does not hold:
 * one it revoked is recorded as revoked; the newest it did not becomes the attempt's issued certificate
 * (journaled as the issue step's done row), to be written and verified or revoked like any other. */
static gboolean
adopt_from_ledger (CdBurnPipeline *p, CdBurnAttempt *last, GError **error)
{
  CdBurn *b = p->b;
  BIO *bio = BIO_new_mem_buf (last->csr_pem, -1);
  g_autoptr(X509_REQ) csr = PEM_read_bio_X509_REQ (bio, NULL, NULL, NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(X509) adopt = NULL;
  gint64 keep = b->attempt;

  BIO_free (bio);
  ERR_clear_error ();
  if (csr == NULL || !(entries = cd_issuer_local_list (CD_ISSUER_LOCAL (b->issuer), error)))
    return csr == NULL;
  b->attempt = last->attempt;
  for (guint i = 0; i < entries->len; i++)
    {
      CdLedgerEntry *e = entries->pdata[i];
      g_autoptr(X509) cert = cd_cert_from_pem (e->pem);
      g_autoptr(CdCertRecord) rec = NULL;

      if (cert == NULL || EVP_PKEY_eq (X509_get0_pubkey (cert), X509_REQ_get0_pubkey (csr)) != 1)
        continue;
      if (!cd_cert_record_lookup (b->store, e->serial, &rec, error))
        goto fail;
      if (rec)
        continue;
      if (g_str_equal (e->state, "revoked"))
        {
          if (!cd_burn_revoke_undelivered (b, cert, cd_issuer_get_name (b->issuer), FALSE, error))
            goto fail;
          continue;
        }
      /* Two unrecorded ones cannot come from one attempt; if they did, the older is revoked. */
      if (adopt && !cd_burn_revoke_undelivered (b, adopt, cd_issuer_get_name (b->issuer), TRUE, error))
        goto fail;
      g_clear_pointer (&adopt, X509_free);
      adopt = g_steal_pointer (&cert);
    }
  if (adopt)
    {
      g_autoptr(JsonNode) detail = obj_new ();
      JsonObject *o = json_node_get_object (detail);
      g_autofree char *serial = cd_cert_serial_hex (adopt);

      last->cert_pem = cd_cert_to_pem (adopt);
      g_free (last->issuer);
      last->issuer = g_strdup (cd_issuer_get_name (b->issuer));
      json_object_set_string_member (o, "pem", last->cert_pem);
      json_object_set_string_member (o, "serial", serial);
      json_object_set_string_member (o, "issuer", last->issuer);
      json_object_set_string_member (o, "from", "the local CA's ledger");
      if (!cd_burn_journal_row_retry (b, "issue", "done", detail, error))
        goto fail;
    }
  b->attempt = keep;
  return TRUE;

fail:
  b->attempt = keep;
  return FALSE;
}

/* An attempt of this application interrupted by a crash: resume it on the same key, else roll it back. */
gboolean
cd_burn_recover (CdBurnPipeline *p, gboolean *out_resume, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(CdBurnAttempt) last = NULL;
  gboolean same_key, unconfirmed = FALSE, ca_told = FALSE;

  *out_resume = FALSE;
  if (!cd_burn_journal_last (b->store, b->opts->application_id, &last, error))
    return FALSE;
  if (last == NULL || last->finished)
    return TRUE;
  same_key = last->token_serial && g_strcmp0 (last->token_serial, token_serial (b)) == 0;
  /* A CA over CMP that signed, and whose answer was journaled, but that never acknowledged our certConf (the
   * crash came while the certificate went on the key, or before the CA's answer to the certConf): the CA holds
   * it as unconfirmed, or as confirmed. It is never taken up as issued: it is revoked at the CA first, then
   * recorded as revoked and the attempt rolled back below (the burn starts again on the same key). With the
   * CA out of reach the attempt stays open, nothing is recorded, and the clerk retries. */
  if (last->cert_pem && !last->confirmed && g_strcmp0 (last->issuer, "cmp") == 0
      && g_strcmp0 (last->issuer, cd_issuer_get_name (b->issuer)) == 0)
    {
      g_autoptr(X509) cert = cd_cert_from_pem (last->cert_pem);
      g_autofree char *serial = cert ? cd_cert_serial_hex (cert) : NULL;
      g_autoptr(CdCertRecord) rec = NULL;
      g_autoptr(GError) ca_error = NULL;

      if (cert && !cd_cert_record_lookup (b->store, serial, &rec, error))
        return FALSE;
      if (cert && rec == NULL)
        {
          if (!cd_issuer_revoke (b->issuer, cert, CD_REVOKE_CESSATION, &ca_error))
            {
              g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                           _("The certificate %s that the CA signed before the interruption has no acknowledged "
                             "confirmation and must be revoked at the CA before another is asked for, but the CA did "
                             "not revoke it: %s. Nothing was changed; retry when the CA answers"), serial,
                           ca_error->message);
              return FALSE;
            }
          ca_told = TRUE;
        }
      unconfirmed = TRUE;
    }
  /* Interrupted while the CA was asked: an unknown outcome. The local CA's ledger says whether it signed
   * (for this request's key); that certificate is taken up (written and verified, or revoked), never a
   * second one asked for. A CMP CA gets certConf only once the certificate was journaled (the issue step's
   * accept hook), so for it an answer that was not journaled was never confirmed (one that was, above). */
  if (last->cert_pem == NULL && g_strcmp0 (last->last_step, "issue") == 0 && last->csr_pem
      && CD_IS_ISSUER_LOCAL (b->issuer) && !adopt_from_ledger (p, last, error))
    return FALSE;
  if (!unconfirmed && same_key && last->cert_pem && g_strcmp0 (last->issuer, cd_issuer_get_name (b->issuer)) == 0
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
          || g_str_equal (last->last_step, "csr") || g_str_equal (last->last_step, "issue"))
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
        if (cert && !cd_burn_revoke_undelivered (b, cert, last->issuer, !ca_told, error))
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

