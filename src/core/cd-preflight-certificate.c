/* cd-preflight-certificate.c: the existing certificate a business names (renew, replace, change, unlock,
 * revoke, suspend, app opening): this counter's own or another outlet's, whose it is, whether it allows the
 * business; and the applicant's certificates listed for the wizard. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-central-copy.h"
#include "cd-ident.h"
#include "cd-preflight-private.h"

static gboolean
names_existing_certificate (CdBusiness b)
{
  return b == CD_BUSINESS_RENEW || b == CD_BUSINESS_REPLACE || b == CD_BUSINESS_CHANGE || b == CD_BUSINESS_UNLOCK
         || b == CD_BUSINESS_REVOKE || b == CD_BUSINESS_SUSPEND || b == CD_BUSINESS_APP_OPEN;
}

/* Renew, change and unlock find the certificate on the inserted key when no serial is given. */
static gboolean
needs_serial (CdBusiness b)
{
  return b == CD_BUSINESS_REPLACE || b == CD_BUSINESS_REVOKE || b == CD_BUSINESS_SUSPEND || b == CD_BUSINESS_APP_OPEN;
}

static gboolean
same_text (const char *a, const char *b)
{
  return a && b && *a && *b && g_ascii_strcasecmp (a, b) == 0;
}

/* Whether @owner (the application the certificate was issued for) is the applicant of @app: same USCC or,
 * without one, the same unit name; for persons the same ID number. */
static gboolean
same_customer (const CdApplication *app, const CdApplication *owner)
{
  if (app->unit && owner->unit)
    {
      if (app->unit->uscc && *app->unit->uscc && owner->unit->uscc && *owner->unit->uscc)
        return same_text (app->unit->uscc, owner->unit->uscc);
      return g_strcmp0 (app->unit->name, owner->unit->name) == 0;
    }
  if (app->person && owner->person)
    {
      if (app->person->id_number && *app->person->id_number && owner->person->id_number)
        return same_text (app->person->id_number, owner->person->id_number);
      return g_strcmp0 (app->person->name, owner->person->name) == 0;
    }
  /* Nothing entered yet to compare with: the applicant step reports what is missing. */
  return (app->unit == NULL && app->person == NULL);
}

/* A burn already under way (a journal row) resumes with its own checks: the old certificate may by then be
 * revoked by that very burn. */
static gboolean
burn_started (CdPreflightRun *r, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (r->id <= 0)
    return FALSE;
  if (!cd_store_prepare (r->store, "SELECT 1 FROM burn_journal WHERE application_id = ?1 LIMIT 1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->id);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

/* What stops @app's business on the certificate @serial (its row: @state, @not_after and the data of the
 * application it was issued for), as a sentence; NULL when nothing does. */
static char *
certificate_problem (CdPreflightRun *r, const char *serial, const char *state, const char *not_after,
                     const char *owner_data)
{
  const CdApplication *app = r->app;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autofree char *end_day = NULL;

  if (owner_data)
    {
      g_autoptr(CdApplication) owner = cd_application_from_data (owner_data, -1, NULL);

      if (owner && !same_customer (app, owner))
        return g_strdup_printf (_("The certificate %s belongs to another applicant than %s: check the serial number or "
                                  "the applicant"), serial, cd_application_display_name (app));
    }
  /* "to-be-revoked": superseded, its revocation still to reach the CA (cd-store-schema.c, migration 3). */
  if (!g_str_equal (state, "issued") && !g_str_equal (state, "suspended"))
    return g_strdup_printf (_("The certificate %s is revoked: nothing can be done with it any more; apply for a new "
                              "certificate"), serial);
  if (g_str_equal (state, "suspended") && app->business != CD_BUSINESS_REVOKE)
    return g_strdup_printf (_("The certificate %s is suspended: it can only be revoked, not used for “%s”"), serial,
                            cd_business_label (app->business));
  now = cd_store_now (r->store);
  end = not_after ? g_date_time_new_from_iso8601 (not_after, NULL) : NULL;
  if (end == NULL)
    return NULL;
  end_day = g_date_time_format (end, "%Y-%m-%d");
  switch (app->business)
    {
    case CD_BUSINESS_RENEW:
      /* The burn's rule (cd-burn-subject.c): renewable from renew_window_days before the end; an expired
       * certificate can be renewed (its new term starts today). */
      if (g_date_time_difference (end, now) > (GTimeSpan) r->profile->renew_window_days * G_TIME_SPAN_DAY)
        {
          g_autoptr(GDateTime) from = g_date_time_add_days (end, -(gint) r->profile->renew_window_days);
          g_autofree char *from_day = g_date_time_format (from, "%Y-%m-%d");

          return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "The certificate %s is valid until %s: it can be renewed from %s on "
                                               "(%u day before it expires)",
                                               "The certificate %s is valid until %s: it can be renewed from %s on "
                                               "(%u days before it expires)", r->profile->renew_window_days),
                                  serial, end_day, from_day, r->profile->renew_window_days);
        }
      break;
    case CD_BUSINESS_REPLACE:
    case CD_BUSINESS_CHANGE:
    case CD_BUSINESS_UNLOCK:
    case CD_BUSINESS_APP_OPEN:
      if (g_date_time_compare (end, now) <= 0)
        return g_strdup_printf (_("The certificate %s expired on %s: “%s” needs a valid certificate; renew it or "
                                  "apply for a new one"), serial, end_day, cd_business_label (app->business));
      break;
    default:
      break;
    }
  return NULL;
}

/* Whether the customer a pulled certificate was issued to (cd-central-copy.h) is @app's applicant: the same USCC
 * or ID number (what the pull keys customers by); a customer not pulled yet cannot be compared. */
static gboolean
same_central_customer (const CdApplication *app, const CdCentralCertificate *c)
{
  g_autofree char *key = NULL;

  if (c->customer_kind == NULL || (app->unit == NULL && app->person == NULL))
    return TRUE;
  if (app->unit)
    {
      key = cd_ident_normalize (app->unit->uscc);
      if (key && *key && c->customer_uscc)
        return same_text (key, c->customer_uscc);
      return g_strcmp0 (app->unit->name, c->customer_name) == 0;
    }
  key = cd_ident_normalize (app->person->id_number);
  if (key && *key && c->customer_id_number)
    return same_text (key, c->customer_id_number);
  return g_strcmp0 (app->person->name, c->customer_name) == 0;
}

/* What stops @app's business on @c, another outlet's certificate: the same rules as for this counter's own. */
static char *
central_certificate_problem (CdPreflightRun *r, const CdCentralCertificate *c)
{
  if (!same_central_customer (r->app, c))
    return g_strdup_printf (_("The certificate %s belongs to another applicant than %s: check the serial number or "
                              "the applicant"), c->serial, cd_application_display_name (r->app));
  return certificate_problem (r, c->serial, c->state ? c->state : "issued", c->not_after, NULL);
}

/* Appends to @out the certificates other outlets issued to the customer with USCC or ID number @key (pulled by
 * sync), each judged like this counter's own and named with its outlet. Takes @out; NULL on a failure. */
static GPtrArray *
other_outlets_certificates (CdPreflightRun *r, gboolean unit, const char *key, GPtrArray *out, GError **error)
{
  g_autoptr(GPtrArray) owned = out;
  g_autoptr(GPtrArray) theirs = cd_central_copy_certificates_of (r->store, unit, key, error);

  if (theirs == NULL)
    return NULL;
  for (guint i = 0; i < theirs->len; i++)
    {
      const CdCentralCertificate *cc = theirs->pdata[i];
      CdPreflightCertificate *c = g_new0 (CdPreflightCertificate, 1);

      c->serial = g_strdup (cc->serial);
      c->state = g_strdup (cc->state);
      c->not_after = g_strdup (cc->not_after);
      c->outlet = cd_central_copy_outlet_name (r->store, cc->outlet);
      c->problem = central_certificate_problem (r, cc);
      g_ptr_array_add (owned, c);
    }
  return g_steal_pointer (&owned);
}

/* The certificates issued at this counter to @app's applicant — the returning customer of the same USCC or
 * ID number (cd-customer-store.h) — newest first, as CdPreflightCertificate. Empty when the applicant is not
 * entered yet or has never been seen. Every step is an index lookup: it runs on the wizard's step switches. */
static GPtrArray *
applicant_certificates (CdPreflightRun *r, GError **error)
{
  const CdApplication *app = r->app;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_preflight_certificate_free);
  g_autoptr(sqlite3_stmt) who = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *key = NULL;
  gboolean unit = app->unit != NULL;
  int rc;

  key = cd_ident_normalize (unit ? app->unit->uscc : app->person ? app->person->id_number : NULL);
  if (key == NULL || *key == '\0')
    return g_steal_pointer (&out);
  if (!cd_store_prepare (r->store, unit ? "SELECT id FROM applicant WHERE uscc = ?1"
                                        : "SELECT id FROM applicant WHERE kind = 'person'"
                                          " AND id_number_bidx = cd_bidx('id_number', ?1)",
                         &who, error))
    return NULL;
  sqlite3_bind_text (who, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (who) != SQLITE_ROW)
    return other_outlets_certificates (r, unit, key, g_steal_pointer (&out), error);
  if (!cd_store_prepare (r->store, "SELECT c.serial, c.state, c.not_after,"
                                   " cd_open_data(a.data, 'application', a.id) FROM application a"
                                   " JOIN certificate c ON c.application_id = a.id"
                                   " WHERE a.applicant_id = ?1 ORDER BY c.id DESC", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, sqlite3_column_int64 (who, 0));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdPreflightCertificate *c = g_new0 (CdPreflightCertificate, 1);
      g_autofree char *data = cd_store_column_dup (stmt, 3);

      c->serial = cd_store_column_dup (stmt, 0);
      c->state = cd_store_column_dup (stmt, 1);
      c->not_after = cd_store_column_dup (stmt, 2);
      c->problem = certificate_problem (r, c->serial, c->state, c->not_after, data);
      g_ptr_array_add (out, c);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (r->store, error);
      return NULL;
    }
  return other_outlets_certificates (r, unit, key, g_steal_pointer (&out), error);
}

/* The serial is not one of this counter's certificates: another outlet's, as last pulled by sync, or a sentence
 * that says why it cannot be checked here (not joined; offline since the last sync) or that no outlet has it. */
static gboolean
rule_other_outlets_certificate (CdPreflightRun *r, const char *serial, GError **error)
{
  const char *path = "$.existing_certificate.serial";
  g_autoptr(CdCentralCertificate) theirs = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *last = NULL;
  gboolean joined, offline;

  if (!cd_central_copy_lookup (r->store, serial, &theirs, error))
    return FALSE;
  if (theirs)
    {
      if ((problem = central_certificate_problem (r, theirs)))
        cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path, "%s", problem);
      return TRUE;
    }
  cd_central_copy_sync_state (r->store, &joined, &offline, &last);
  if (!joined)
    cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
                            _("No certificate with the serial number %s is known at this counter: check the number "
                              "(finding the customer fills it in)"), serial);
  else if (offline)
    cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
                            _("The certificate %s was not issued at this outlet, and this counter cannot reach the "
                              "central database at the moment (last sync: %s): check the serial number, or serve this "
                              "business once the connection is back (the outlet that issued it can serve it now)"),
                            serial, last ? last : C_("last sync", "never"));
  else
    cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
                            _("No certificate with the serial number %s is known at this counter or at any other "
                              "outlet (last sync: %s): check the number (finding the customer fills it in)"),
                            serial, last);
  return TRUE;
}

gboolean
cd_preflight_rule_certificate (CdPreflightRun *r, GError **error)
{
  const char *path = "$.existing_certificate.serial";
  const CdApplication *app = r->app;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *state = NULL;
  g_autofree char *not_after = NULL;
  g_autofree char *owner_data = NULL;
  g_autofree char *problem = NULL;
  GError *local = NULL;

  if (!names_existing_certificate (app->business))
    return TRUE;
  if (r->up_to >= CD_PREFLIGHT_BURN)
    {
      gboolean started = burn_started (r, &local);

      if (local)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      if (started)
        return TRUE;
    }
  if (app->existing_serial == NULL || *app->existing_serial == '\0')
    {
      g_autoptr(GPtrArray) mine = NULL;
      const CdPreflightCertificate *first = NULL;

      if (needs_serial (app->business))
        {
          cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
                                  _("The certificate’s serial number is required for “%s”: find the customer to "
                                    "fill it in"),
                                  cd_business_label (app->business));
          return TRUE;
        }
      /* Renew, change, unlock: the burn takes the certificate on the key. When none of this applicant's
       * certificates allows the business, the burn would refuse whichever key comes. */
      if (!(mine = applicant_certificates (r, error)))
        return FALSE;
      for (guint i = 0; i < mine->len; i++)
        {
          const CdPreflightCertificate *c = mine->pdata[i];
          if (c->problem == NULL)
            return TRUE;
          if (first == NULL && !g_str_equal (c->state, "revoked"))
            first = c;
        }
      if (first == NULL && mine->len > 0)
        first = mine->pdata[0];            /* all revoked: the newest says so */
      if (first)
        cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path, "%s",
                                first->problem);
      return TRUE;
    }
  serial = g_ascii_strup (app->existing_serial, -1);
  if (!cd_store_prepare (r->store, "SELECT c.state, c.not_after, cd_open_data(a.data, 'application', a.id)"
                                   " FROM certificate c"
                                   " LEFT JOIN application a ON a.id = c.application_id WHERE c.serial = ?1",
                         &stmt, error))
    return FALSE;
  sqlite3_bind_text (stmt, 1, serial, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return rule_other_outlets_certificate (r, serial, error);
  state = cd_store_column_dup (stmt, 0);
  not_after = cd_store_column_dup (stmt, 1);
  owner_data = cd_store_column_dup (stmt, 2);
  if ((problem = certificate_problem (r, serial, state, not_after, owner_data)))
    cd_preflight_add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path, "%s", problem);
  return TRUE;
}

void
cd_preflight_certificate_free (CdPreflightCertificate *c)
{
  if (!c)
    return;
  g_free (c->serial);
  g_free (c->state);
  g_free (c->not_after);
  g_free (c->problem);
  g_free (c->outlet);
  g_free (c);
}

GPtrArray *
cd_preflight_list_certificates (CdContext *ctx, const CdApplication *app, GError **error)
{
  CdPreflightRun r = { ctx, cd_context_get_store (ctx), app, NULL, 0, CD_PREFLIGHT_BUSINESS, NULL };

  if (!(r.profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return NULL;
  return applicant_certificates (&r, error);
}
