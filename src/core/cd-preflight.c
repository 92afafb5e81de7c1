/* cd-preflight.c: every rule a later step enforces, evaluated before money is taken or a key is touched. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <string.h>

#include "cd-application-store.h"
#include "cd-central-copy.h"
#include "cd-checklist.h"
#include "cd-ident.h"
#include "cd-input.h"
#include "cd-preflight.h"
#include "cd-price-store.h"
#include "cd-print-store.h"
#include "cd-subject.h"

G_DEFINE_QUARK (cd-preflight-error-quark, cd_preflight_error)

static const char *const step_codes[CD_PREFLIGHT_N_STEPS] = {
  "business", "applicant", "materials", "seals", "fee", "print", "burn",
};

const char *
cd_preflight_step_to_code (CdPreflightStep step)
{
  g_return_val_if_fail (step < CD_PREFLIGHT_N_STEPS, NULL);
  return step_codes[step];
}

gboolean
cd_preflight_step_from_code (const char *code, CdPreflightStep *out)
{
  for (guint i = 0; i < CD_PREFLIGHT_N_STEPS; i++)
    if (g_strcmp0 (code, step_codes[i]) == 0)
      {
        *out = (CdPreflightStep) i;
        return TRUE;
      }
  return FALSE;
}

void
cd_preflight_fault_free (CdPreflightFault *fault)
{
  if (!fault)
    return;
  g_free (fault->rule);
  g_free (fault->path);
  g_free (fault->message);
  g_free (fault);
}

typedef struct {
  CdContext           *ctx;
  CdStore             *store;
  const CdApplication *app;
  CdProfile           *profile;
  gint64               id;
  CdPreflightStage     up_to;
  GPtrArray           *faults;
  CdState              state;       /* CD_STATE_DRAFT for an unsaved draft */
  gboolean             paid;        /* the money is taken: price and payment rules no longer apply */
  CdFeeQuote          *quote;       /* the effective fee, NULL when it cannot be computed */
} Run;

static void add_fault (Run *r, CdPreflightStep step, CdPreflightSeverity severity, const char *rule,
                       const char *path, const char *fmt, ...) G_GNUC_PRINTF (6, 7);

static void
add_fault (Run *r, CdPreflightStep step, CdPreflightSeverity severity, const char *rule, const char *path,
           const char *fmt, ...)
{
  CdPreflightFault *f;
  va_list ap;

  /* A fault of a step the clerk has not reached yet is not one yet (an unpaid draft is not "unpaid"). */
  if (step > r->up_to)
    return;
  /* Once the money is taken, the fee step's fields are history: they no longer stop the later steps. */
  if (r->paid && step == CD_PREFLIGHT_FEE && !g_str_equal (rule, "day-lock"))
    return;
  /* One fault per field: the first rule that finds it says it (validation runs last). */
  for (guint i = 0; i < r->faults->len; i++)
    {
      const CdPreflightFault *old = r->faults->pdata[i];
      if (g_str_equal (old->path, path) && g_str_equal (path, "$.materials") == FALSE && old->severity == severity)
        return;
    }
  f = g_new0 (CdPreflightFault, 1);
  f->step = step;
  f->severity = severity;
  f->rule = g_strdup (rule);
  f->path = g_strdup (path);
  va_start (ap, fmt);
  f->message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_ptr_array_add (r->faults, f);
}

/* The step whose page holds the field at @path. The applicant type and the party role are chosen on the
 * applicant step (with the fields they decide), not on the business step: a fault of theirs is fixed there. */
static CdPreflightStep
step_of_path (const char *path)
{
  static const struct { const char *prefix; CdPreflightStep step; } map[] = {
    { "$.applicant_type", CD_PREFLIGHT_APPLICANT }, { "$.party_role", CD_PREFLIGHT_APPLICANT },
    { "$.unit", CD_PREFLIGHT_APPLICANT }, { "$.person", CD_PREFLIGHT_APPLICANT },
    { "$.legal_person", CD_PREFLIGHT_APPLICANT }, { "$.agent", CD_PREFLIGHT_APPLICANT },
    { "$.materials", CD_PREFLIGHT_MATERIALS }, { "$.samples", CD_PREFLIGHT_SEALS },
    { "$.invoice", CD_PREFLIGHT_FEE }, { "$.payment", CD_PREFLIGHT_FEE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_has_prefix (path, map[i].prefix))
      return map[i].step;
  return CD_PREFLIGHT_BUSINESS;
}

/* ---- the application as it is stored ---- */

static gboolean
load_state (Run *r, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *code = NULL;

  r->state = CD_STATE_DRAFT;
  if (r->id <= 0)
    return TRUE;
  if (!cd_store_prepare (r->store, "SELECT state FROM application WHERE id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, r->id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, CD_STORE_ERROR, CD_STORE_ERROR_NOT_FOUND, _("There is no application %lld"),
                   (long long) r->id);
      return FALSE;
    }
  code = cd_store_column_dup (stmt, 0);
  cd_state_from_code (code, &r->state);
  r->paid = r->state == CD_STATE_PAID || r->state == CD_STATE_PRINTED || r->state == CD_STATE_ISSUED
            || r->state == CD_STATE_CLOSED;
  return TRUE;
}

/* ---- validation: the fields themselves ---- */

static void
rule_validate (Run *r)
{
  g_autoptr(GError) local = NULL;
  const char *colon;
  g_autofree char *path = NULL;

  if (cd_application_validate (r->app, r->profile, &local))
    return;
  /* The message is "$.path: reason"; only the first bad field is known. */
  colon = strstr (local->message, ": ");
  if (local->message[0] == '$' && colon)
    {
      path = g_strndup (local->message, colon - local->message);
      add_fault (r, step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "identifier", path, "%s", colon + 2);
    }
  else
    add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "identifier", "$", "%s", local->message);
}

/* ---- prices: the one effective fee (shipped + local) ---- */

static void
rule_price (Run *r)
{
  g_autoptr(GError) local = NULL;
  const char *path;

  r->quote = cd_fee_compute (r->ctx, r->app, r->profile, &local);
  if (r->quote || r->paid)
    return;
  /* A business or applicant type the project does not offer has no price either; the validation says so on
   * the field that is chosen wrong (the applicant type on the applicant step), in the project's name. */
  if (!cd_profile_offers_business (r->profile, r->app->business)
      || !cd_profile_offers_applicant (r->profile, r->app->applicant_type))
    return;
  path = g_error_matches (local, CD_FEE_ERROR, CD_FEE_ERROR_TERM) ? "$.years"
         : g_error_matches (local, CD_FEE_ERROR, CD_FEE_ERROR_QUANTITY) ? "$.keys.main"
         : (r->app->zero_fee || r->app->one_cert) && g_error_matches (local, CD_FEE_ERROR, CD_FEE_ERROR_NOT_OFFERED)
           ? "$.options" : "$.business";
  add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "price", path, "%s", local->message);
}

/* ---- the certificate subject ---- */

static gboolean
makes_certificate (CdBusiness b)
{
  return b == CD_BUSINESS_NEW || b == CD_BUSINESS_RENEW || b == CD_BUSINESS_REPLACE || b == CD_BUSINESS_CHANGE;
}

/* The field a person knows, for a subject entry's source. */
static const char *
field_label (const char *path)
{
  static const struct { const char *path; const char *label; } labels[] = {
    { "$.unit.name", N_("The unit name") },
    { "$.unit.uscc", N_("The unified social credit code") },
    { "$.unit.address", N_("The unit address") },
    { "$.person.name", N_("The applicant’s name") },
    { "$.person.id_number", N_("The applicant’s ID number") },
    { "$.legal_person.name", N_("The legal person’s name") },
    { "$.agent.name", N_("The agent’s name") },
  };

  for (gsize i = 0; path && i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (path, labels[i].path))
      return _(labels[i].label);
  return _("A value of the project’s certificate template");
}

/* PrintableString (X.520 serialNumber, countryName): letters, digits and  '()+,-./:=? and space. */
static gboolean
is_printable_string (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && !strchr (" '()+,-./:=?", *s))
      return FALSE;
  return TRUE;
}

static void
rule_subject (Run *r)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local = NULL;

  if (!makes_certificate (r->app->business))
    return;
  if (!(entries = cd_subject_build (r->profile, r->app, &local)))
    {
      add_fault (r, step_of_path ("$.applicant_type"), CD_PREFLIGHT_FAULT_ERROR, "subject", "$.applicant_type",
                 "%s", local->message);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const CdSubjectEntry *e = entries->pdata[i];
      const char *path = e->path ? e->path : "$.profile";
      CdPreflightStep step = e->path ? step_of_path (e->path) : CD_PREFLIGHT_BUSINESS;
      guint max = cd_subject_field_max_chars (e->field);
      glong n = g_utf8_validate (e->value, -1, NULL) ? g_utf8_strlen (e->value, -1) : -1;
      X509_NAME *name;
      gboolean fits;

      if (n < 0)
        {
          add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                     _("%s contains bytes that are not text: type it again"), field_label (e->path));
          continue;
        }
      if (max > 0 && (guint) n > max)
        {
          add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "%s has %ld characters, but the certificate field %s holds at most %u character: "
                                  "shorten it to %u",
                                  "%s has %ld characters, but the certificate field %s holds at most %u characters: "
                                  "shorten it to %u", max),
                     field_label (e->path), n, e->field, max, max);
          continue;
        }
      if ((g_str_equal (e->field, "serialNumber") || g_str_equal (e->field, "C")) && !is_printable_string (e->value))
        {
          add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                     _("%s goes into the certificate field %s, which takes only Latin letters, digits and "
                       "simple punctuation"), field_label (e->path), e->field);
          continue;
        }
      /* The same call the CSR makes (src/pki/cd-csr.c): what passes here passes there. */
      name = X509_NAME_new ();
      fits = X509_NAME_add_entry_by_txt (name, e->field, MBSTRING_UTF8, (const guchar *) e->value, -1, -1, 0);
      X509_NAME_free (name);
      if (!fits)
        {
          ERR_clear_error ();
          add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "subject", path,
                     _("%s cannot go into the certificate field %s: check it for unusual characters"),
                     field_label (e->path), e->field);
        }
    }
}

/* ---- the existing certificate ---- */

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
burn_started (Run *r, GError **error)
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
certificate_problem (Run *r, const char *serial, const char *state, const char *not_after, const char *owner_data)
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
        return g_strdup_printf (_("The certificate %s expired on %s: “%s” needs a valid certificate; renew it or apply "
                                  "for a new one"), serial, end_day, cd_business_label (app->business));
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
central_certificate_problem (Run *r, const CdCentralCertificate *c)
{
  if (!same_central_customer (r->app, c))
    return g_strdup_printf (_("The certificate %s belongs to another applicant than %s: check the serial number or "
                              "the applicant"), c->serial, cd_application_display_name (r->app));
  return certificate_problem (r, c->serial, c->state ? c->state : "issued", c->not_after, NULL);
}

/* Appends to @out the certificates other outlets issued to the customer with USCC or ID number @key (pulled by
 * sync), each judged like this counter's own and named with its outlet. Takes @out; NULL on a failure. */
static GPtrArray *
other_outlets_certificates (Run *r, gboolean unit, const char *key, GPtrArray *out, GError **error)
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
applicant_certificates (Run *r, GError **error)
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
rule_other_outlets_certificate (Run *r, const char *serial, GError **error)
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
        add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path, "%s", problem);
      return TRUE;
    }
  cd_central_copy_sync_state (r->store, &joined, &offline, &last);
  if (!joined)
    add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
               _("No certificate with the serial number %s is known at this counter: check the number (finding "
                 "the customer fills it in)"), serial);
  else if (offline)
    add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
               _("The certificate %s was not issued at this outlet, and this counter cannot reach the central "
                 "database at the moment (last sync: %s): check the serial number, or serve this business once the "
                 "connection is back (the outlet that issued it can serve it now)"),
               serial, last ? last : C_("last sync", "never"));
  else
    add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
               _("No certificate with the serial number %s is known at this counter or at any other outlet (last "
                 "sync: %s): check the number (finding the customer fills it in)"), serial, last);
  return TRUE;
}

static gboolean
rule_certificate (Run *r, GError **error)
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
          add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path,
                     _("The certificate’s serial number is required for “%s”: find the customer to fill it in"),
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
        add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path, "%s", first->problem);
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
    add_fault (r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "certificate", path, "%s", problem);
  return TRUE;
}

/* ---- the day lock ---- */

static gboolean
rule_day_lock (Run *r, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *today = NULL;
  g_autofree char *day = NULL;
  gint64 supervisor = 0;
  CdPreflightStep step;

  /* Payment, printing and the burn write to the application's day: from the fee step on. */
  if (r->up_to < CD_PREFLIGHT_FEE)
    return TRUE;
  if (cd_context_get_adjustment (r->ctx, &supervisor) && supervisor > 0)
    return TRUE;                       /* a supervisor has approved the change of the signed-off day */
  today = cd_store_today (r->store);
  if (r->id > 0)
    {
      if (!cd_store_prepare (r->store, "SELECT s.day FROM application a JOIN report_signoff s"
                                       " ON s.outlet_id = a.outlet_id AND s.day IN (a.day, ?2)"
                                       " WHERE a.id = ?1 ORDER BY s.day LIMIT 1", &stmt, error))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, r->id);
    }
  else
    {
      if (!cd_store_prepare (r->store, "SELECT day FROM report_signoff WHERE outlet_id IS ?1 AND day = ?2",
                             &stmt, error))
        return FALSE;
      if (cd_context_get_outlet_id (r->ctx) > 0)
        sqlite3_bind_int64 (stmt, 1, cd_context_get_outlet_id (r->ctx));
      else
        sqlite3_bind_null (stmt, 1);
    }
  sqlite3_bind_text (stmt, 2, today, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;
  day = cd_store_column_dup (stmt, 0);
  step = r->up_to >= CD_PREFLIGHT_BURN ? CD_PREFLIGHT_BURN : r->up_to;
  add_fault (r, step, CD_PREFLIGHT_FAULT_ERROR, "day-lock", "$",
             _("The day %s is signed off: taking payment, printing or issuing for this application needs a "
               "supervisor’s approval (password and reason)"), day);
  return TRUE;
}

/* ---- invoice and payment ---- */

static gboolean
is_blank (const char *s)
{
  for (; s && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static void
rule_invoice (Run *r)
{
  const CdInvoice *inv = r->app->invoice;
  g_autoptr(GError) local = NULL;

  if (inv == NULL || r->paid)
    return;
  if (is_blank (inv->title))
    add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.title",
               _("An invoice needs its title: the buyer’s full name as registered"));
  if (is_blank (inv->taxpayer_id))
    add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.taxpayer_id",
               _("An invoice needs the buyer’s taxpayer ID: the unified social credit code (18 characters)"));
  else if (!cd_ident_check_taxpayer_id (inv->taxpayer_id, &local))
    add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.taxpayer_id", "%s",
               local->message);
  g_clear_error (&local);
  if (is_blank (inv->email))
    add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.email",
               _("An invoice needs an e-mail address: the electronic invoice is sent to it"));
  else if (!cd_application_check_identifier ("$.invoice.email", inv->email, NULL, &local))
    {
      const char *colon = strstr (local->message, ": ");
      add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "invoice", "$.invoice.email", "%s",
                 colon ? colon + 2 : local->message);
    }
}

static void
rule_payment (Run *r)
{
  const CdPayment *pay = &r->app->payment;
  g_autofree char *due = NULL;
  g_autofree char *paid = NULL;

  if (r->paid || r->quote == NULL)
    return;
  due = cd_fen_to_yuan_string (r->quote->total_fen);
  if (r->quote->total_fen == 0)
    {
      /* A free business takes no money: no payment method is asked for. */
      if (pay->has_payment && pay->amount_fen != 0)
        {
          paid = cd_fen_to_yuan_string (pay->amount_fen);
          add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.amount_fen",
                     _("“%s” is free of charge, but %s yuan is entered as paid: enter 0"),
                     cd_business_label (r->app->business), paid);
        }
      return;
    }
  if (!pay->has_payment)
    {
      add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.method",
                 _("The fee is %s yuan: choose how it is paid"), due);
      return;
    }
  if (!cd_profile_accepts_payment (r->profile, pay->method))
    add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.method",
               _("%s does not accept payment by %s: choose another way to pay"), cd_profile_display_name (r->profile),
               cd_payment_method_label (pay->method));
  paid = cd_fen_to_yuan_string (pay->amount_fen);
  if (pay->amount_fen != r->quote->total_fen)
    add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.amount_fen",
               _("The amount paid is %s yuan but the fee is %s yuan: the amount must equal the fee"), paid, due);
  else if (pay->method == CD_PAYMENT_CASH && pay->received_fen < pay->amount_fen)
    {
      g_autofree char *got = cd_fen_to_yuan_string (pay->received_fen);
      add_fault (r, CD_PREFLIGHT_FEE, CD_PREFLIGHT_FAULT_ERROR, "payment", "$.payment.received_fen",
                 _("Cash received (%s yuan) is less than the fee (%s yuan)"), got, due);
    }
}

/* ---- who applies ---- */

/* GB 32100 table 1: what the registration authority (character 1) and the kind (character 2) say. */
static const char *
uscc_kind (const char *uscc)
{
  switch (uscc[0])
    {
    case '1':
      return uscc[1] == '1' ? _("a government body (registered by the staffing authority, 11…)")
             : uscc[1] == '2' ? _("a public institution (registered by the staffing authority, 12…)")
             : uscc[1] == '3' ? _("a people’s organisation (registered by the staffing authority, 13…)")
             : _("a body registered by the staffing authority (1…)");
    case '5':
      return _("a social organisation (registered by the civil affairs authority, 5…)");
    case '9':
      return uscc[1] == '2' ? _("a self-employed business (registered by the market regulator, 92…)")
             : uscc[1] == '3' ? _("a farmers’ cooperative (registered by the market regulator, 93…)")
             : _("an enterprise (registered by the market regulator, 9…)");
    case '8':
      return _("a trade union (8…)");
    default:
      return NULL;
    }
}

static gboolean
uscc_fits_type (const char *uscc, CdApplicantType type)
{
  switch (type)
    {
    case CD_APPLICANT_ENTERPRISE:
      return uscc[0] == '9' || (uscc[0] != '1' && uscc[0] != '5' && uscc[0] != '8');
    case CD_APPLICANT_INSTITUTION:
      return !(uscc[0] == '9' || uscc[0] == '5' || (uscc[0] == '1' && uscc[1] == '1'));
    case CD_APPLICANT_GOVERNMENT:
      return !(uscc[0] == '9' || uscc[0] == '5' || (uscc[0] == '1' && uscc[1] == '2'));
    case CD_APPLICANT_ORGANIZATION:
      return uscc[0] != '9';
    default:
      return TRUE;
    }
}

static void
rule_applicant (Run *r)
{
  const CdApplication *app = r->app;
  CdChecklistOptions opts = cd_application_checklist_options (app);
  g_autoptr(GPtrArray) list = cd_checklist_build (r->profile, app->business, app->applicant_type, &opts, NULL);
  gboolean agent_id = FALSE;

  /* An agent's ID copy on the checklist (a BJCA personal certificate is applied for through the unit, by its
   * agent) means the agent is part of the application: the forms print the agent, the copy is checked
   * against it. */
  for (guint i = 0; list && i < list->len; i++)
    {
      const CdMaterial *m = list->pdata[i];
      agent_id |= m->required && g_str_has_prefix (m->code, "agent_id");
    }
  if (agent_id)
    {
      if (app->agent == NULL || app->agent->name == NULL || !*app->agent->name)
        add_fault (r, CD_PREFLIGHT_APPLICANT, CD_PREFLIGHT_FAULT_ERROR, "applicant", "$.agent.name",
                   _("The agent’s name is required: the checklist asks for the agent’s ID copy, so the agent who "
                     "comes to the counter is part of the application"));
      if (app->agent == NULL || app->agent->id_number == NULL || !*app->agent->id_number)
        add_fault (r, CD_PREFLIGHT_APPLICANT, CD_PREFLIGHT_FAULT_ERROR, "applicant", "$.agent.id_number",
                   _("The agent’s ID number is required: the checklist asks for the agent’s ID copy"));
    }
  if (app->unit && app->unit->uscc && strlen (app->unit->uscc) == 18 && cd_ident_check_uscc (app->unit->uscc, NULL)
      && !uscc_fits_type (app->unit->uscc, app->applicant_type) && uscc_kind (app->unit->uscc))
    add_fault (r, CD_PREFLIGHT_APPLICANT, CD_PREFLIGHT_FAULT_WARNING, "applicant", "$.unit.uscc",
               _("The unified social credit code %.2s… is that of %s, but the applicant type is “%s”: check the "
                 "applicant type or the code"), app->unit->uscc, uscc_kind (app->unit->uscc),
               cd_applicant_type_label (app->applicant_type));
}

/* ---- text the certificate and the forms carry ---- */

static CdPreflightGlyphCheck glyph_check;

void
cd_preflight_set_glyph_check (CdPreflightGlyphCheck check)
{
  glyph_check = check;
}

static void
check_text (Run *r, const char *path, const char *value)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  gunichar missing;

  if (value == NULL || *value == '\0')
    return;
  /* The same check the reader makes (cd-input.c): what the clerk typed must load again and may not carry
   * control or direction characters into a certificate. */
  if (!(text = cd_input_text (path, value, CD_INPUT_TEXT_MAX_CHARS, &local)))
    {
      const char *colon = strstr (local->message, ": ");
      add_fault (r, step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "text", path, "%s",
                 colon ? colon + 2 : local->message);
      return;
    }
  /* A rare character no embedded font has would print as a blank box: refused before anything is paid. */
  if (glyph_check && (missing = glyph_check (text)) != 0)
    {
      char ch[8] = { 0 };
      g_unichar_to_utf8 (missing, ch);
      add_fault (r, step_of_path (path), CD_PREFLIGHT_FAULT_ERROR, "text", path,
                 _("The character “%s” (U+%04X) cannot be printed on the forms: no font of this counter has it. "
                   "Check the spelling against the ID document, or ask the CA for a font that has it"), ch, missing);
    }
}

static void
check_person (Run *r, const char *path, const CdPerson *p)
{
  g_autofree char *name = g_strconcat (path, ".name", NULL);
  g_autofree char *id = g_strconcat (path, ".id_number", NULL);
  g_autofree char *mobile = g_strconcat (path, ".mobile", NULL);
  g_autofree char *email = g_strconcat (path, ".email", NULL);

  if (p == NULL)
    return;
  check_text (r, name, p->name);
  check_text (r, id, p->id_number);
  check_text (r, mobile, p->mobile);
  check_text (r, email, p->email);
}

static void
rule_text (Run *r)
{
  const CdApplication *app = r->app;

  if (app->unit)
    {
      check_text (r, "$.unit.name", app->unit->name);
      check_text (r, "$.unit.uscc", app->unit->uscc);
      check_text (r, "$.unit.address", app->unit->address);
      check_text (r, "$.unit.postcode", app->unit->postcode);
      check_text (r, "$.unit.phone", app->unit->phone);
      check_text (r, "$.unit.email", app->unit->email);
    }
  check_person (r, "$.legal_person", app->legal_person);
  check_person (r, "$.agent", app->agent);
  check_person (r, "$.person", app->person);
  if (app->invoice)
    {
      check_text (r, "$.invoice.title", app->invoice->title);
      check_text (r, "$.invoice.taxpayer_id", app->invoice->taxpayer_id);
      check_text (r, "$.invoice.email", app->invoice->email);
      check_text (r, "$.invoice.address", app->invoice->address);
    }
}

/* ---- materials ---- */

static void
rule_materials (Run *r)
{
  g_autoptr(GPtrArray) missing = cd_application_missing_materials (r->app, r->profile, FALSE);

  for (guint i = 0; i < missing->len; i++)
    add_fault (r, CD_PREFLIGHT_MATERIALS, CD_PREFLIGHT_FAULT_ERROR, "materials", "$.materials",
               _("Material missing: %s"), (const char *) missing->pdata[i]);
}

/* ---- the signed documents ---- */

/* The documents the counter prints and the applicant signs (the application form …) are scanned at the print
 * step after signing; the key work needs them (cd-print-store.h). */
static gboolean
rule_signed_scans (Run *r, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (r->id <= 0 || r->up_to < CD_PREFLIGHT_PRINT)
    return TRUE;
  if (cd_print_store_signed_scanned (r->ctx, r->id, &local))
    return TRUE;
  if (!g_error_matches (local, CD_STATE_ERROR, CD_STATE_ERROR_PRECONDITION))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  add_fault (r, CD_PREFLIGHT_PRINT, CD_PREFLIGHT_FAULT_ERROR, "signed-scans", "$.materials", "%s", local->message);
  return TRUE;
}

/* ---- the run ---- */

static gint
compare_faults (gconstpointer a, gconstpointer b)
{
  const CdPreflightFault *x = *(CdPreflightFault *const *) a;
  const CdPreflightFault *y = *(CdPreflightFault *const *) b;

  if (x->severity != y->severity)
    return x->severity == CD_PREFLIGHT_FAULT_ERROR ? -1 : 1;
  return (gint) x->step - (gint) y->step;
}

gboolean
cd_preflight_run (CdContext *ctx, const CdApplication *app, gint64 application_id, CdPreflightStage up_to,
                  GPtrArray **out_faults, GError **error)
{
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_preflight_fault_free);
  Run r = { ctx, cd_context_get_store (ctx), app, NULL, application_id, up_to, faults };
  gboolean ok;

  g_return_val_if_fail (up_to < CD_PREFLIGHT_N_STEPS, FALSE);
  if (app->profile == NULL || *app->profile == '\0')
    {
      /* A wizard draft before the project is chosen: that is the one thing to do. */
      add_fault (&r, CD_PREFLIGHT_BUSINESS, CD_PREFLIGHT_FAULT_ERROR, "business", "$.profile",
                 _("Choose the project (the CA and the system the certificate is for) first"));
      *out_faults = g_steal_pointer (&faults);
      return TRUE;
    }
  if (!(r.profile = cd_context_lookup_profile (ctx, app->profile, error)) || !load_state (&r, error))
    return FALSE;
  rule_price (&r);
  rule_text (&r);
  rule_applicant (&r);
  rule_subject (&r);
  rule_materials (&r);
  rule_invoice (&r);
  rule_payment (&r);
  ok = rule_certificate (&r, error) && rule_day_lock (&r, error) && rule_signed_scans (&r, error);
  /* Validation last: a field the rules above explained in their own words keeps that explanation. */
  rule_validate (&r);
  g_clear_pointer (&r.quote, cd_fee_quote_free);
  if (!ok)
    return FALSE;
  /* Errors first, each group in the order of the steps (a stable sort keeps the rules' order within). */
  g_ptr_array_sort (faults, compare_faults);
  *out_faults = g_steal_pointer (&faults);
  return TRUE;
}

const CdPreflightFault *
cd_preflight_first_error (GPtrArray *faults, CdPreflightStep step)
{
  for (guint i = 0; faults && i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];
      if (f->severity == CD_PREFLIGHT_FAULT_ERROR && (step == CD_PREFLIGHT_N_STEPS || f->step == step))
        return f;
    }
  return NULL;
}

gboolean
cd_preflight_has_errors (GPtrArray *faults)
{
  return cd_preflight_first_error (faults, CD_PREFLIGHT_N_STEPS) != NULL;
}

gboolean
cd_preflight_check (CdContext *ctx, const CdApplication *app, gint64 application_id, CdPreflightStage up_to,
                    GError **error)
{
  g_autoptr(GPtrArray) faults = NULL;
  const CdPreflightFault *f;

  if (!cd_preflight_run (ctx, app, application_id, up_to, &faults, error))
    return FALSE;
  if ((f = cd_preflight_first_error (faults, CD_PREFLIGHT_N_STEPS)))
    {
      g_set_error (error, CD_PREFLIGHT_ERROR, CD_PREFLIGHT_ERROR_REFUSED, "%s: %s", f->path, f->message);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
cd_preflight_faults_to_json (GPtrArray *faults)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; faults && i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "step");
      json_builder_add_string_value (b, cd_preflight_step_to_code (f->step));
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, f->severity == CD_PREFLIGHT_FAULT_ERROR ? "error" : "warning");
      json_builder_set_member_name (b, "rule");
      json_builder_add_string_value (b, f->rule);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, f->path);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, f->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return json_builder_get_root (b);
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
  Run r = { ctx, cd_context_get_store (ctx), app, NULL, 0, CD_PREFLIGHT_BUSINESS, NULL };

  if (!(r.profile = cd_context_lookup_profile (ctx, app->profile, error)))
    return NULL;
  return applicant_certificates (&r, error);
}
