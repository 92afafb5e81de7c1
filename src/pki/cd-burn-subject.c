/* cd-burn-subject.c: what a burn works on, settled before its first step: the certificate on the inserted key
 * (renew, change) or the one being replaced (replace), the new certificate's validity, and the seal image
 * that travels with it. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "cd-burn-private.h"
#include "cd-central-copy.h"
#include "cd-pki-error.h"
#include "cd-sample-store.h"
#include "cd-sealed-scans.h"
#include "cd-store.h"
#include "cd-token-readback.h"

/* renew, change: the certificate on the inserted key, its record, whose it is, and the PIN. */
gboolean
cd_burn_find_current (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  const char *want = b->app->existing_serial;

  if (!cd_token_login (b->token, FALSE, b->opts->user_pin, error)
      || !cd_token_record_check_owner (b->ctx, cd_token_get_info (b->token)->serial, b->opts->application_id, error)
      || !cd_token_read_certs (b->token, &certs, &ids, error))
    return FALSE;
  for (guint i = 0; i < certs->len && !p->old; i++)
    {
      g_autofree char *serial = cd_cert_serial_hex (certs->pdata[i]);
      g_autoptr(CdCertRecord) rec = NULL;

      if (want && g_ascii_strcasecmp (want, serial) != 0)
        continue;
      if (!cd_burn_lookup_old (b->store, serial, &rec, error))
        return FALSE;
      /* Another outlet's certificate (id 0) has no key record here: the key holding it is the proof. */
      if (rec && (rec->token_id > 0 || rec->id == 0) && g_str_equal (rec->state, "issued"))
        {
          p->old = g_steal_pointer (&rec);
          p->old_cert = X509_dup (certs->pdata[i]);
          p->old_id = g_bytes_ref (ids->pdata[i]);
        }
    }
  if (p->old && p->seal == NULL)
    {
      /* No new seal image chosen: the one on the key stays with the key pair (renew: under the new one). */
      gsize len;
      const guchar *d = g_bytes_get_data (p->old_id, &len);
      g_autofree char *label = cd_token_seal_label (d, len);
      g_autoptr(GPtrArray) seals = cd_token_readback_data (b->token, CD_TOKEN_SEAL_APPLICATION, label, error);

      if (seals == NULL)
        return FALSE;
      if (seals->len > 0)
        p->seal = g_bytes_ref (seals->pdata[0]);
    }
  if (p->old == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_WRONG_TOKEN,
                   want ? _("The USB key does not hold the certificate %s of this application")
                        : _("The USB key holds no certificate issued by this counter"), want);
      return FALSE;
    }
  return TRUE;
}

gboolean
cd_burn_set_validity (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  g_autoptr(GDateTime) now = cd_store_now (b->store);
  g_autoptr(GDateTime) old_end = NULL;
  guint years = b->app->years ? b->app->years : b->profile->validity_years;

  if (p->old)
    old_end = g_date_time_new_from_iso8601 (p->old->not_after, NULL);
  switch (p->business)
    {
    case CD_BUSINESS_NEW:
      p->not_after = g_date_time_add_years (now, years);
      break;
    case CD_BUSINESS_RENEW:
      /* Within the window the new term follows the old one; an expired certificate starts again today. */
      if (g_date_time_difference (old_end, now) > (GTimeSpan) b->profile->renew_window_days * G_TIME_SPAN_DAY)
        {
          g_autofree char *from = g_date_time_format (g_date_time_add_days (old_end, -(int) b->profile->renew_window_days),
                                                      "%Y-%m-%d");
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                       _("The certificate %s can be renewed from %s on (%u days before it expires)"), p->old->serial,
                       from, b->profile->renew_window_days);
          return FALSE;
        }
      p->not_after = g_date_time_add_years (g_date_time_compare (old_end, now) > 0 ? old_end : now, years);
      break;
    case CD_BUSINESS_REPLACE:
    case CD_BUSINESS_CHANGE:
      /* The original validity end is kept; an expired certificate needs a new application. */
      if (g_date_time_compare (old_end, now) <= 0)
        {
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                       _("The certificate %s expired on %s: apply for a new one"), p->old->serial, p->old->not_after);
          return FALSE;
        }
      p->not_after = g_date_time_ref (old_end);
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/* The seal image chosen for the application (an e-seal ordered, its PNG in $.samples), checked before the
 * key is touched: a PNG the key can take and, when the choice is recorded (cd-sample-store.h), exactly the
 * chosen one. A unit's key carries the unit seal, a person's the personal seal. */
gboolean
cd_burn_load_seal (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;
  const char *kind = b->app->unit ? "unit_seal" : "personal_seal";
  /* Named as the seals step names it, never by the application's JSON path. */
  const char *what = b->app->unit ? _("The unit seal image") : _("The personal name seal image");
  const char *path = b->app->samples ? g_hash_table_lookup (b->app->samples, kind) : NULL;
  static const guchar png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(CdSample) chosen = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *data = NULL;
  g_autofree char *sha = NULL;
  gsize len;

  if (b->app->seals == 0)
    return TRUE;
  if (!cd_sample_store_get (b->ctx, b->opts->application_id, kind, &chosen, error))
    return FALSE;
  if (path == NULL)
    {
      if (chosen == NULL)
        return TRUE;                 /* no seal image chosen: nothing goes on the key */
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("%s chosen for this application is missing: choose the seal again on the seals step"),
                   what);
      return FALSE;
    }
  /* Refused by its size before it is read whole (a path to a device or a pipe: one byte over the limit); a
   * seal chosen at the counter is a scan object sealed at rest, a few bytes longer, opened where every scan
   * is (cd-sealed-scans.h). */
  if (!(bytes = cd_sealed_scans_read (cd_store_get_keys (cd_context_get_store (b->ctx)), path, CD_SEAL_MAX_BYTES + 64,
                                      _("seal image"), &local)))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("%s cannot be read: %s"), what,
                   local->message);
      return FALSE;
    }
  data = g_bytes_unref_to_data (g_steal_pointer (&bytes), &len);
  if (len < sizeof png_magic || memcmp (data, png_magic, sizeof png_magic) != 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("%s (%s) is not a PNG file; a PNG image is expected"), what, path);
      return FALSE;
    }
  if (len > CD_SEAL_MAX_BYTES)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("%s (%s) has %lld bytes; a USB key takes at most %lld"), what, path,
                   (long long) len, (long long) CD_SEAL_MAX_BYTES);
      return FALSE;
    }
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
  if (chosen && g_ascii_strcasecmp (sha, chosen->sha256) != 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("%s (%s) is not the seal chosen for the application; choose the seal "
                     "again"), what, path);
      return FALSE;
    }
  p->seal = g_bytes_new_take (g_steal_pointer (&data), len);
  return TRUE;
}

gboolean
cd_burn_lookup_old (CdStore *store, const char *serial, CdCertRecord **out, GError **error)
{
  g_autoptr(CdCentralCertificate) theirs = NULL;
  CdCertRecord *rec;

  if (!cd_cert_record_lookup (store, serial, out, error))
    return FALSE;
  if (*out)
    return TRUE;
  if (!cd_central_copy_lookup (store, serial, &theirs, error))
    return FALSE;
  if (theirs == NULL)
    return TRUE;
  rec = g_new0 (CdCertRecord, 1);
  rec->serial = g_strdup (theirs->serial);
  rec->issuer = g_strdup (theirs->issuer);
  rec->subject = g_strdup (theirs->subject);
  rec->not_before = g_strdup (theirs->not_before);
  rec->not_after = g_strdup (theirs->not_after);
  rec->state = g_strdup (theirs->state);
  rec->pem = g_strdup (theirs->pem);
  *out = rec;
  return TRUE;
}

/* replace: the certificate being replaced comes from the application, not from the (lost) key. */
gboolean
cd_burn_find_replaced (CdBurnPipeline *p, GError **error)
{
  CdBurn *b = p->b;

  if (b->app->existing_serial == NULL)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED,
                   _("The serial number of the certificate being replaced is missing: enter it on the business step"));
      return FALSE;
    }
  if (!cd_burn_lookup_old (b->store, b->app->existing_serial, &p->old, error))
    return FALSE;
  if (p->old == NULL || !g_str_equal (p->old->state, "issued"))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_REFUSED, _("There is no valid certificate %s to replace"),
                   b->app->existing_serial);
      return FALSE;
    }
  p->old_cert = cd_cert_from_pem (p->old->pem);
  return TRUE;
}
