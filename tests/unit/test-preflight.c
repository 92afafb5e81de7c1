/* test-preflight.c: every rule of the pre-flight and its message, on a real SQLite store with the shipped
 * profiles: certificates and sign-offs are rows as the burn and the report record them. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>
#include <string.h>

#include "cd-application-store.h"
#include "cd-ident.h"
#include "cd-preflight.h"
#include "cd-price-store.h"
#include "cd-subject.h"
#include "cd-test-context.h"

#define UNIT_USCC "914403001922038216"
#define OTHER_USCC "91150100MA0N4X2B2D"

/* A bj-gov enterprise application; @extra members replace the base ones (shallow merge). */
static CdApplication *
make_app (const char *extra)
{
  static const char base[] =
    "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"enterprise\",\"years\":1,"
    "\"keys\":{\"main\":1},\"seals\":0,\"options\":{\"has_uscc\":true},"
    "\"unit\":{\"name\":\"北京测试科技有限公司\",\"uscc\":\"" UNIT_USCC "\"},"
    "\"legal_person\":{\"name\":\"王建国\",\"id_number\":\"150102199003071237\"},"
    "\"agent\":{\"name\":\"李晓红\",\"id_number\":\"11010519491231002X\",\"mobile\":\"13804710002\"}}";
  g_autoptr(JsonNode) b = json_from_string (base, NULL);
  g_autoptr(GError) error = NULL;
  CdApplication *app;

  if (extra)
    {
      g_autoptr(JsonNode) e = json_from_string (extra, &error);
      g_autoptr(GList) members = NULL;

      g_assert_no_error (error);
      members = json_object_get_members (json_node_get_object (e));
      for (GList *l = members; l; l = l->next)
        json_object_set_member (json_node_get_object (b), l->data,
                                json_node_copy (json_object_get_member (json_node_get_object (e), l->data)));
    }
  app = cd_application_from_json (b, &error);
  g_assert_no_error (error);
  return app;
}

static GPtrArray *
run (CdTestContext *t, const CdApplication *app, gint64 id, CdPreflightStage up_to)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *faults = NULL;

  g_assert_true (cd_preflight_run (t->ctx, app, id, up_to, &faults, &error));
  g_assert_no_error (error);
  return faults;
}

/* The fault of @rule at @path, or NULL. */
static const CdPreflightFault *
find (GPtrArray *faults, const char *rule, const char *path)
{
  for (guint i = 0; i < faults->len; i++)
    {
      const CdPreflightFault *f = faults->pdata[i];
      if (g_str_equal (f->rule, rule) && g_str_equal (f->path, path))
        return f;
    }
  return NULL;
}

static gboolean
has_rule (GPtrArray *faults, const char *rule)
{
  for (guint i = 0; i < faults->len; i++)
    if (g_str_equal (((CdPreflightFault *) faults->pdata[i])->rule, rule))
      return TRUE;
  return FALSE;
}

static void
set_now (CdTestContext *t, const char *iso)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (now);
  cd_store_set_now (cd_context_get_store (t->ctx), now);
}

static gint64
store_app (CdTestContext *t, const CdApplication *app)
{
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  g_assert_true (cd_application_store_create (t->ctx, app, FALSE, &id, &error));
  g_assert_no_error (error);
  return id;
}

/* A certificate row as the burn records one, issued for a stored application of @owner_uscc. */
static void
add_certificate (CdTestContext *t, const char *serial, const char *owner_uscc, const char *not_before,
                 const char *not_after, const char *state)
{
  g_autofree char *extra = g_strdup_printf ("{\"unit\":{\"name\":\"证书持有单位\",\"uscc\":\"%s\"}}", owner_uscc);
  g_autoptr(CdApplication) owner = make_app (extra);
  gint64 owner_id = store_app (t, owner);
  g_autofree char *sql = g_strdup_printf ("INSERT INTO certificate (serial, application_id, issuer, subject, not_before,"
                                          " not_after, state, pem, day, at) VALUES ('%s', %" G_GINT64_FORMAT ", 'local',"
                                          " 'CN=x', '%s', '%s', '%s', 'pem', '2026-12-05', '%s')",
                                          serial, owner_id, not_before, not_after, state, not_before);

  g_assert_true (cd_store_exec (cd_context_get_store (t->ctx), sql, NULL));
}

/* ---- certificate subject ---- */

static void
test_subject_length (CdTestContext *t, gconstpointer data)
{
  GString *name = g_string_new (NULL);
  g_autofree char *extra = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplication) fits = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(GPtrArray) ok = NULL;
  const CdPreflightFault *f;

  for (int i = 0; i < 65; i++)
    g_string_append (name, "测");
  extra = g_strdup_printf ("{\"unit\":{\"name\":\"%s\",\"uscc\":\"" UNIT_USCC "\"}}", name->str);
  app = make_app (extra);
  faults = run (t, app, 0, CD_PREFLIGHT_APPLICANT);
  f = find (faults, "subject", "$.unit.name");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
  g_assert_cmpint (f->severity, ==, CD_PREFLIGHT_FAULT_ERROR);
  g_assert_nonnull (strstr (f->message, "65 characters"));
  g_assert_nonnull (strstr (f->message, "at most 64"));
  /* the field in words, not the subject attribute it lands in */
  g_assert_true (g_str_has_prefix (f->message, "The unit name"));
  g_assert_null (strstr (f->message, "CN"));
  g_assert_true (cd_preflight_has_errors (faults));
  /* 64 characters fit CN and O */
  g_string_truncate (name, strlen ("测") * 64);
  g_free (extra);
  extra = g_strdup_printf ("{\"unit\":{\"name\":\"%s\",\"uscc\":\"" UNIT_USCC "\"}}", name->str);
  fits = make_app (extra);
  ok = run (t, fits, 0, CD_PREFLIGHT_APPLICANT);
  g_assert_false (has_rule (ok, "subject"));
  g_string_free (name, TRUE);
}


/* ---- names and phone numbers the core used to take (a clerk's walk, issue of brief t11, item E) ---- */

typedef struct {
  const char *extra;      /* replaces members of the base application */
  const char *path;       /* the field refused; NULL: accepted */
  const char *words;      /* in the message */
} NameCase;

static const NameCase name_cases[] = {
  { "{\"unit\":{\"name\":\"北京测试科技有限公司\",\"uscc\":\"" UNIT_USCC "\",\"phone\":\"abc\"}}", "$.unit.phone",
    "only digits" },
  { "{\"unit\":{\"name\":\"北京测试科技有限公司\",\"uscc\":\"" UNIT_USCC "\",\"phone\":\"010-55\"}}", "$.unit.phone",
    "5 digits" },
  { "{\"unit\":{\"name\":\"北京测试科技有限公司\",\"uscc\":\"" UNIT_USCC "\",\"phone\":\"010 5551 2345\"}}", NULL,
    NULL },
  { "{\"unit\":{\"name\":\"北京测试😀科技有限公司\",\"uscc\":\"" UNIT_USCC "\"}}", "$.unit.name",
    "“😀” (character 5)" },
  { "{\"unit\":{\"name\":\"北京（测试）科技有限公司\",\"uscc\":\"" UNIT_USCC "\"}}", NULL, NULL },
  { "{\"legal_person\":{\"name\":\"王建国👍🏻\",\"id_number\":\"150102199003071237\"}}", "$.legal_person.name",
    "emoji" },
  { "{\"legal_person\":{\"name\":\"王建★\",\"id_number\":\"150102199003071237\"}}", "$.legal_person.name",
    "“★”" },
  { "{\"agent\":{\"name\":\"阿依古丽·买买提\",\"id_number\":\"11010519491231002X\",\"mobile\":\"13804710002\"}}",
    NULL, NULL },
  { "{\"agent\":{\"name\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\","
    "\"id_number\":\"11010519491231002X\",\"mobile\":\"13804710002\"}}", "$.agent.name", "80 characters" },
};

/* Fonts without emoji, as the counter's are. */
static gunichar
no_emoji (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_type (g_utf8_get_char (p)) == G_UNICODE_OTHER_SYMBOL)
      return g_utf8_get_char (p);
  return 0;
}

static void
test_names_and_phones (CdTestContext *t, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (name_cases); i++)
    {
      const NameCase *c = &name_cases[i];
      g_autoptr(CdApplication) app = make_app (c->extra);
      g_autoptr(GPtrArray) faults = run (t, app, 0, CD_PREFLIGHT_APPLICANT);
      const CdPreflightFault *f = NULL;

      g_test_message ("case %u: %s", i, c->extra);
      for (guint j = 0; j < faults->len; j++)
        {
          const CdPreflightFault *x = faults->pdata[j];
          if (g_str_equal (x->rule, "applicant") && x->severity == CD_PREFLIGHT_FAULT_ERROR
              && (c->path == NULL || g_str_equal (x->path, c->path)))
            f = x;
        }
      if (c->path == NULL)
        {
          g_assert_null (f);
          continue;
        }
      g_assert_nonnull (f);
      g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
      g_assert_nonnull (strstr (f->message, c->words));
      g_assert_null (strstr (f->message, "$."));
    }

  /* With the forms' fonts (no emoji), an emoji in a name is still explained as not allowed in a name, not as a
   * font to ask the CA for: the field shows that one. */
  {
    g_autoptr(CdApplication) app = make_app (name_cases[3].extra);
    g_autoptr(GPtrArray) faults = NULL;

    cd_preflight_set_glyph_check (no_emoji);
    faults = run (t, app, 0, CD_PREFLIGHT_APPLICANT);
    cd_preflight_set_glyph_check (NULL);
    g_assert_null (find (faults, "text", "$.unit.name"));
    g_assert_nonnull (find (faults, "applicant", "$.unit.name"));
  }
}

/* A USCC typed in full-width digits (a GUI field not yet normalised) goes into the subject as the stored code. */
static void
test_subject_normalized (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = make_app (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(GError) error = NULL;
  CdProfile *profile = cd_context_lookup_profile (t->ctx, "bj-gov", &error);
  gboolean seen = FALSE;

  g_assert_no_error (error);
  g_free (app->unit->uscc);
  app->unit->uscc = g_strdup ("９１４４０３００１９２２０３８２１６");
  entries = cd_subject_build (profile, app, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      const CdSubjectEntry *e = entries->pdata[i];
      if (g_str_equal (e->field, "serialNumber"))
        {
          g_assert_cmpstr (e->value, ==, UNIT_USCC);
          g_assert_cmpstr (e->path, ==, "$.unit.uscc");
          seen = TRUE;
        }
    }
  g_assert_true (seen);
  faults = run (t, app, 0, CD_PREFLIGHT_APPLICANT);
  g_assert_false (has_rule (faults, "subject"));
  g_assert_null (find (faults, "identifier", "$.unit.uscc"));
}

/* ---- the existing certificate ---- */

static void
test_renew_window (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = make_app ("{\"business\":\"renew\",\"existing_certificate\":{\"serial\":\"0a1b\"}}");
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) inside = NULL;
  g_autoptr(GPtrArray) expired = NULL;
  const CdPreflightFault *f;

  /* Issued yesterday for one year; bj-gov renews within 30 days of the end. */
  set_now (t, "2026-12-06T02:00:00Z");
  add_certificate (t, "0A1B", UNIT_USCC, "2026-12-05T02:00:00Z", "2027-12-06T02:00:00Z", "issued");
  early = run (t, app, 0, CD_PREFLIGHT_BUSINESS);
  f = find (early, "certificate", "$.existing_certificate.serial");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_BUSINESS);
  g_assert_nonnull (strstr (f->message, "renewed from 2027-11-06 on"));
  g_assert_nonnull (strstr (f->message, "30 days"));
  /* without a serial (the burn takes the certificate on the key) the applicant's certificates are judged */
  {
    g_autoptr(CdApplication) keyed = make_app ("{\"business\":\"renew\"}");
    g_autoptr(GPtrArray) faults = run (t, keyed, 0, CD_PREFLIGHT_BUSINESS);
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GError) error = NULL;
    const CdPreflightCertificate *c;

    f = find (faults, "certificate", "$.existing_certificate.serial");
    g_assert_nonnull (f);
    g_assert_nonnull (strstr (f->message, "2027-11-06"));
    /* the business step's lookup: this applicant's one certificate, with why it cannot be renewed yet */
    add_certificate (t, "0C0D", OTHER_USCC, "2026-06-01T02:00:00Z", "2027-06-01T02:00:00Z", "issued");
    list = cd_preflight_list_certificates (t->ctx, keyed, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
    c = list->pdata[0];
    g_assert_cmpstr (c->serial, ==, "0A1B");
    g_assert_cmpstr (c->state, ==, "issued");
    g_assert_nonnull (c->problem);
    g_assert_nonnull (strstr (c->problem, "renewed from 2027-11-06 on"));
    set_now (t, "2027-11-10T02:00:00Z");
    g_clear_pointer (&list, g_ptr_array_unref);
    list = cd_preflight_list_certificates (t->ctx, keyed, &error);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_null (((CdPreflightCertificate *) list->pdata[0])->problem);
    g_clear_pointer (&faults, g_ptr_array_unref);
    faults = run (t, keyed, 0, CD_PREFLIGHT_BURN);
    g_assert_false (has_rule (faults, "certificate"));
  }
  /* the clock moved into the window, then past the end (an expired certificate is renewed at the counter) */
  set_now (t, "2027-11-10T02:00:00Z");
  inside = run (t, app, 0, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (inside, "certificate"));
  set_now (t, "2028-01-10T02:00:00Z");
  expired = run (t, app, 0, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (expired, "certificate"));
}

static void
test_replace_unknown (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) unknown = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"DEADBEEF\"}}");
  g_autoptr(CdApplication) none = make_app ("{\"business\":\"replace\"}");
  g_autoptr(CdApplication) known = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"0A1B\"}}");
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  g_autoptr(GPtrArray) f3 = NULL;
  g_autoptr(GPtrArray) f4 = NULL;
  const CdPreflightFault *f;

  set_now (t, "2026-12-06T02:00:00Z");
  add_certificate (t, "0A1B", UNIT_USCC, "2026-01-05T02:00:00Z", "2027-01-05T02:00:00Z", "issued");
  f1 = run (t, unknown, 0, CD_PREFLIGHT_BUSINESS);
  f = find (f1, "certificate", "$.existing_certificate.serial");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "No certificate with the serial number DEADBEEF"));
  f2 = run (t, none, 0, CD_PREFLIGHT_BUSINESS);
  f = find (f2, "certificate", "$.existing_certificate.serial");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "serial number is required"));
  f3 = run (t, known, 0, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (f3, "certificate"));
  /* replace only while valid */
  set_now (t, "2027-02-01T02:00:00Z");
  f4 = run (t, known, 0, CD_PREFLIGHT_BUSINESS);
  f = find (f4, "certificate", "$.existing_certificate.serial");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "expired on 2027-01-05"));
}

static void
test_other_customer (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"0C0D\"}}");
  g_autoptr(CdApplication) theirs = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(GPtrArray) own = NULL;
  const CdPreflightFault *f;

  set_now (t, "2026-12-06T02:00:00Z");
  add_certificate (t, "0C0D", OTHER_USCC, "2026-06-01T02:00:00Z", "2027-06-01T02:00:00Z", "issued");
  faults = run (t, app, 0, CD_PREFLIGHT_BUSINESS);
  f = find (faults, "certificate", "$.existing_certificate.serial");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "belongs to another applicant"));
  /* the same serial for its own unit is fine */
  theirs = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"0C0D\"},"
                     "\"unit\":{\"name\":\"证书持有单位\",\"uscc\":\"" OTHER_USCC "\"}}");
  own = run (t, theirs, 0, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (own, "certificate"));
}

static void
test_certificate_state (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) replace = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"0E0F\"}}");
  g_autoptr(CdApplication) revoke = make_app ("{\"business\":\"revoke\",\"existing_certificate\":{\"serial\":\"0E0F\"}}");
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  const CdPreflightFault *f;

  set_now (t, "2026-12-06T02:00:00Z");
  add_certificate (t, "0E0F", UNIT_USCC, "2026-06-01T02:00:00Z", "2027-06-01T02:00:00Z", "suspended");
  f1 = run (t, replace, 0, CD_PREFLIGHT_BUSINESS);
  f = find (f1, "certificate", "$.existing_certificate.serial");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "is suspended: it can only be revoked"));
  f2 = run (t, revoke, 0, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (f2, "certificate"));
  /* superseded, its revocation not yet at the CA: not usable either */
  add_certificate (t, "1A2B", UNIT_USCC, "2026-06-01T02:00:00Z", "2027-06-01T02:00:00Z", "to-be-revoked");
  {
    g_autoptr(CdApplication) again = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"1A2B\"}}");
    g_autoptr(GPtrArray) f3 = run (t, again, 0, CD_PREFLIGHT_BUSINESS);

    f = find (f3, "certificate", "$.existing_certificate.serial");
    g_assert_nonnull (f);
    g_assert_nonnull (strstr (f->message, "is revoked"));
  }
}

/* ---- the day lock ---- */

static void
test_day_lock (CdTestContext *t, gconstpointer data)
{
  CdStore *store = cd_context_get_store (t->ctx);
  g_autoptr(CdApplication) app = make_app (NULL);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) sealed = NULL;
  g_autoptr(GPtrArray) fee = NULL;
  g_autoptr(GPtrArray) burn = NULL;
  g_autoptr(GPtrArray) approved = NULL;
  const CdPreflightFault *f;
  gint64 id;

  set_now (t, "2026-12-06T02:00:00Z");
  g_assert_true (cd_store_exec (store, "INSERT INTO outlet (id, code, name, created_at) VALUES (1, 'BJ01', '北京受理点', 'x');"
                                       "INSERT INTO clerk (id, outlet_id, login, name, role, password_hash, created_at)"
                                       " VALUES (7, 1, 'boss', '主管', 'supervisor', 'x', 'x')", NULL));
  cd_context_set_outlet_id (t->ctx, 1);
  id = store_app (t, app);
  before = run (t, app, id, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (before, "day-lock"));
  /* the supervisor signs the day off: the row cd_report_signoff_sign writes */
  g_assert_true (cd_store_exec (store, "INSERT INTO report_signoff (outlet_id, day, supervisor_id, counted_cash_fen,"
                                       " figures, signed_at) VALUES (1, '2026-12-06', 7, 0, '{}', '2026-12-06T09:00:00Z')",
                                NULL));
  /* the steps before the money are not locked out; payment and the burn need the approval */
  sealed = run (t, app, id, CD_PREFLIGHT_SEALS);
  g_assert_false (has_rule (sealed, "day-lock"));
  fee = run (t, app, id, CD_PREFLIGHT_FEE);
  f = find (fee, "day-lock", "$");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_FEE);
  g_assert_nonnull (strstr (f->message, "2026-12-06 is signed off"));
  g_assert_nonnull (strstr (f->message, "supervisor"));
  burn = run (t, app, id, CD_PREFLIGHT_BURN);
  f = find (burn, "day-lock", "$");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_BURN);
  /* an unsaved draft of today is locked as well */
  {
    g_autoptr(GPtrArray) draft = run (t, app, 0, CD_PREFLIGHT_FEE);
    g_assert_nonnull (find (draft, "day-lock", "$"));
  }
  cd_context_set_adjustment (t->ctx, 7, "late bank transfer");
  approved = run (t, app, id, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (approved, "day-lock"));
  cd_context_set_adjustment (t->ctx, 0, NULL);
}

/* ---- invoice and payment ---- */

static void
test_invoice (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) no_tax = make_app ("{\"invoice\":{\"title\":\"北京测试科技有限公司\",\"email\":\"inv@example.cn\"}}");
  g_autoptr(CdApplication) bare = make_app ("{\"invoice\":{\"taxpayer_id\":\"914403001922038217\"}}");
  g_autoptr(CdApplication) old_reg = make_app ("{\"invoice\":{\"title\":\"北京测试科技有限公司\",\"taxpayer_id\":\"110105192203821\","
                                               "\"email\":\"inv@example.cn\"}}");
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) early = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  g_autoptr(GPtrArray) f3 = NULL;
  const CdPreflightFault *f;

  f1 = run (t, no_tax, 0, CD_PREFLIGHT_FEE);
  f = find (f1, "invoice", "$.invoice.taxpayer_id");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_FEE);
  g_assert_nonnull (strstr (f->message, "taxpayer ID"));
  /* not a fault before the fee step is reached */
  early = run (t, no_tax, 0, CD_PREFLIGHT_SEALS);
  g_assert_false (has_rule (early, "invoice"));
  f2 = run (t, bare, 0, CD_PREFLIGHT_FEE);
  g_assert_nonnull (find (f2, "invoice", "$.invoice.title"));
  g_assert_nonnull (find (f2, "invoice", "$.invoice.email"));
  /* a wrong check character: the validation names the character that makes it valid */
  f = NULL;
  for (guint i = 0; i < f2->len; i++)
    if (g_str_equal (((CdPreflightFault *) f2->pdata[i])->path, "$.invoice.taxpayer_id"))
      f = f2->pdata[i];
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "should be 6"));
  /* a 15-character registration number from before the USCC is a taxpayer ID */
  f3 = run (t, old_reg, 0, CD_PREFLIGHT_FEE);
  g_assert_false (has_rule (f3, "invoice"));
}

static void
test_payment (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) free_revoke = make_app ("{\"business\":\"revoke\",\"existing_certificate\":{\"serial\":\"0A1B\"}}");
  g_autoptr(CdApplication) unpaid = make_app (NULL);
  g_autoptr(CdApplication) short_paid = make_app ("{\"payment\":{\"method\":\"bank-transfer\",\"amount_fen\":10000}}");
  g_autoptr(CdApplication) paid = make_app ("{\"payment\":{\"method\":\"bank-transfer\",\"amount_fen\":30000}}");
  g_autoptr(CdApplication) wechat = make_app ("{\"payment\":{\"method\":\"wechat\",\"amount_fen\":30000}}");
  g_autoptr(GPtrArray) f0 = NULL;
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  g_autoptr(GPtrArray) f3 = NULL;
  g_autoptr(GPtrArray) f4 = NULL;
  const CdPreflightFault *f;

  set_now (t, "2026-12-06T02:00:00Z");
  add_certificate (t, "0A1B", UNIT_USCC, "2026-06-01T02:00:00Z", "2027-06-01T02:00:00Z", "issued");
  /* a free revocation needs no payment method */
  f0 = run (t, free_revoke, 0, CD_PREFLIGHT_FEE);
  g_assert_false (has_rule (f0, "payment"));
  g_assert_null (cd_preflight_first_error (f0, CD_PREFLIGHT_FEE));
  /* bj-gov unit, 1 year, 1 key: 200 + 100 yuan */
  f1 = run (t, unpaid, 0, CD_PREFLIGHT_FEE);
  f = find (f1, "payment", "$.payment.method");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "300.00 yuan"));
  f2 = run (t, short_paid, 0, CD_PREFLIGHT_FEE);
  f = find (f2, "payment", "$.payment.amount_fen");
  g_assert_nonnull (f);
  g_assert_nonnull (strstr (f->message, "100.00 yuan but the fee is 300.00 yuan"));
  f3 = run (t, paid, 0, CD_PREFLIGHT_FEE);
  g_assert_false (has_rule (f3, "payment"));
  /* 100000 yuan received for a 300-yuan fee: a mistyped amount, refused with the change named */
  {
    g_autoptr(CdApplication) typo = make_app ("{\"payment\":{\"method\":\"cash\",\"amount_fen\":30000,"
                                              "\"received_fen\":10000000}}");
    g_autoptr(CdApplication) note = make_app ("{\"payment\":{\"method\":\"cash\",\"amount_fen\":30000,"
                                              "\"received_fen\":130000}}");
    g_autoptr(GPtrArray) ft = run (t, typo, 0, CD_PREFLIGHT_FEE);
    g_autoptr(GPtrArray) fn = run (t, note, 0, CD_PREFLIGHT_FEE);

    f = find (ft, "payment", "$.payment.received_fen");
    g_assert_nonnull (f);
    g_assert_nonnull (strstr (f->message, "99700.00 yuan change, more than 1000.00 yuan"));
    /* 1000 yuan change is still change */
    g_assert_null (find (fn, "payment", "$.payment.received_fen"));
  }
  /* bj-gov takes bank transfers only */
  f4 = run (t, wechat, 0, CD_PREFLIGHT_FEE);
  g_assert_true (cd_preflight_has_errors (f4));
  g_assert_cmpstr (cd_preflight_first_error (f4, CD_PREFLIGHT_FEE)->path, ==, "$.payment.method");
}

/* ---- prices ---- */

static void
test_price (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdFeeQuote) quote = NULL;
  CdPriceOverride price = { "new", "standard", "cert", 0, 45000 };
  const CdPreflightFault *f;

  app = make_app ("{\"profile\":\"xj-ggzy\",\"options\":null,\"keys\":null,\"seals\":0}");
  before = run (t, app, 0, CD_PREFLIGHT_BUSINESS);
  f = find (before, "price", "$.business");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_BUSINESS);
  g_assert_nonnull (strstr (f->message, "Settings → Prices"));
  /* no internal code on screen: the project's name and the business's label */
  g_assert_null (strstr (f->message, "xj-ggzy"));
  g_assert_true (cd_price_store_set (t->ctx, "xj-ggzy", &price, &error));
  g_assert_no_error (error);
  after = run (t, app, 0, CD_PREFLIGHT_BUSINESS);
  g_assert_false (has_rule (after, "price"));
  /* the one effective fee every consumer reads */
  quote = cd_fee_compute (t->ctx, app, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quote->total_fen, ==, 45000);
}

/* ---- who applies ---- */

static void
test_uscc_type_warning (CdTestContext *t, gconstpointer data)
{
  char code[19];
  g_autofree char *extra = NULL;
  g_autoptr(CdApplication) enterprise = NULL;
  g_autoptr(CdApplication) government = NULL;
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  const CdPreflightFault *f;

  /* 11… : registered by the staffing authority as a government body */
  memcpy (code, "1111000040000001", 16);
  code[16] = cd_ident_orgcode_check_char (code + 8);
  code[17] = cd_ident_uscc_check_char (code);
  code[18] = '\0';
  g_assert_true (cd_ident_check_uscc (code, NULL));
  extra = g_strdup_printf ("{\"unit\":{\"name\":\"北京市某某局\",\"uscc\":\"%s\"}}", code);
  enterprise = make_app (extra);
  f1 = run (t, enterprise, 0, CD_PREFLIGHT_APPLICANT);
  f = find (f1, "applicant", "$.unit.uscc");
  g_assert_nonnull (f);
  g_assert_cmpint (f->severity, ==, CD_PREFLIGHT_FAULT_WARNING);
  g_assert_nonnull (strstr (f->message, "government body"));
  g_assert_false (cd_preflight_has_errors (f1));
  g_free (extra);
  extra = g_strdup_printf ("{\"applicant_type\":\"government\",\"unit\":{\"name\":\"北京市某某局\",\"uscc\":\"%s\"}}", code);
  government = make_app (extra);
  f2 = run (t, government, 0, CD_PREFLIGHT_APPLICANT);
  g_assert_null (find (f2, "applicant", "$.unit.uscc"));
}

static void
test_bj_person_agent (CdTestContext *t, gconstpointer data)
{
  static const char person[] =
    "{\"profile\":\"bj-gov\",\"business\":\"new\",\"applicant_type\":\"individual\",\"years\":1,\"seals\":0,"
    "\"options\":{\"has_uscc\":true,\"legal_person_present\":%s},"
    "\"person\":{\"name\":\"张三\",\"id_number\":\"65010220000229001X\",\"mobile\":\"13912345678\"}}";
  g_autofree char *through_unit = g_strdup_printf (person, "false");
  g_autofree char *in_person = g_strdup_printf (person, "true");
  g_autoptr(CdApplication) a = cd_application_from_data (through_unit, -1, NULL);
  g_autoptr(CdApplication) b = cd_application_from_data (in_person, -1, NULL);
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  const CdPreflightFault *f;

  g_assert_nonnull (a);
  f1 = run (t, a, 0, CD_PREFLIGHT_APPLICANT);
  f = find (f1, "applicant", "$.agent.name");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
  g_assert_nonnull (strstr (f->message, "agent’s ID copy"));
  g_assert_nonnull (find (f1, "applicant", "$.agent.id_number"));
  f2 = run (t, b, 0, CD_PREFLIGHT_APPLICANT);
  g_assert_false (has_rule (f2, "applicant"));
}


/* The documents the counter prints and the applicant signs are scanned at the print step; the burn needs
 * them. A stored application without their scans has a print-step fault from the print step on. */
static void
test_signed_scans (CdTestContext *t, gconstpointer data)
{
#define MARK "{\"original_seen\":true,\"copy\":true,\"stamped\":true,\"scans\":[\"m.jpg\"]}"
#define UNSCANNED "{\"original_seen\":true,\"copy\":true,\"stamped\":true}"
  g_autoptr(CdApplication) scanned = make_app ("{\"materials\":{\"application_form\":" MARK ",\"detail_sheet_unit\":"
                                               MARK ",\"unit_identity\":" MARK ",\"agent_id\":" MARK "}}");
  g_autoptr(CdApplication) unscanned = make_app ("{\"materials\":{\"application_form\":" UNSCANNED
                                                 ",\"detail_sheet_unit\":" MARK ",\"unit_identity\":" MARK
                                                 ",\"agent_id\":" MARK "}}");
#undef MARK
#undef UNSCANNED
  g_autoptr(GPtrArray) f1 = NULL;
  g_autoptr(GPtrArray) f2 = NULL;
  g_autoptr(GPtrArray) f3 = NULL;
  g_autoptr(GPtrArray) f4 = NULL;
  gint64 a = store_app (t, scanned), b = store_app (t, unscanned);
  const CdPreflightFault *f;

  f1 = run (t, scanned, a, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (f1, "signed-scans"));
  f2 = run (t, unscanned, b, CD_PREFLIGHT_BURN);
  f = find (f2, "signed-scans", "$.materials");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_PRINT);
  g_assert_nonnull (strstr (f->message, "not scanned yet"));
  /* not asked for before they are printed: the materials step and payment go on */
  f3 = run (t, unscanned, b, CD_PREFLIGHT_FEE);
  g_assert_false (has_rule (f3, "signed-scans"));
  g_assert_false (has_rule (f3, "materials"));
  /* an unsaved draft has printed nothing */
  f4 = run (t, unscanned, 0, CD_PREFLIGHT_BURN);
  g_assert_false (has_rule (f4, "signed-scans"));
}

/* ---- the whole ---- */

static void
test_check_and_json (CdTestContext *t, gconstpointer data)
{
#define MARK "{\"original_seen\":true,\"copy\":true,\"stamped\":true,\"scans\":[\"m.jpg\"]}"
  g_autoptr(CdApplication) good = make_app ("{\"payment\":{\"method\":\"bank-transfer\",\"amount_fen\":30000},"
                                            "\"materials\":{\"application_form\":" MARK ",\"detail_sheet_unit\":" MARK ","
                                            "\"unit_identity\":" MARK ",\"agent_id\":" MARK "}}");
#undef MARK
  g_autoptr(CdApplication) bad = make_app ("{\"business\":\"replace\",\"existing_certificate\":{\"serial\":\"FFFF\"}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  CdPreflightStep step;

  g_assert_true (cd_preflight_check (t->ctx, good, 0, CD_PREFLIGHT_FEE, &error));
  g_assert_no_error (error);
  g_assert_false (cd_preflight_check (t->ctx, bad, 0, CD_PREFLIGHT_BURN, &error));
  g_assert_error (error, CD_PREFLIGHT_ERROR, CD_PREFLIGHT_ERROR_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "$.existing_certificate.serial: "));
  faults = run (t, bad, 0, CD_PREFLIGHT_BURN);
  json = cd_preflight_faults_to_json (faults);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"step\":\"business\""));
  g_assert_nonnull (strstr (text, "\"severity\":\"error\""));
  /* the materials step: a required material not handed in */
  {
    g_autoptr(CdApplication) short_one = cd_application_copy (good);
    g_autoptr(GPtrArray) missing = NULL;
    const CdPreflightFault *m;

    g_hash_table_remove (short_one->materials, "agent_id");
    missing = run (t, short_one, 0, CD_PREFLIGHT_MATERIALS);
    m = find (missing, "materials", "$.materials");
    g_assert_nonnull (m);
    g_assert_cmpint (m->step, ==, CD_PREFLIGHT_MATERIALS);
    g_assert_true (g_str_has_prefix (m->message, "Material missing: "));
    g_clear_pointer (&missing, g_ptr_array_unref);
    missing = run (t, short_one, 0, CD_PREFLIGHT_APPLICANT);
    g_assert_false (has_rule (missing, "materials"));
  }
  /* a wizard draft before the project is chosen */
  {
    g_autoptr(CdApplication) empty = cd_application_new ();
    g_autoptr(GPtrArray) none = run (t, empty, 0, CD_PREFLIGHT_BURN);

    g_assert_cmpuint (none->len, ==, 1);
    g_assert_cmpstr (((CdPreflightFault *) none->pdata[0])->path, ==, "$.profile");
  }
  g_assert_true (cd_preflight_step_from_code ("seals", &step));
  g_assert_cmpint (step, ==, CD_PREFLIGHT_SEALS);
  g_assert_cmpstr (cd_preflight_step_to_code (CD_PREFLIGHT_BURN), ==, "burn");
}

/* A stand-in for the forms' font check: only 𠮷 (U+20BB7) is missing. */
static gunichar
no_ji (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) == 0x20bb7)
      return 0x20bb7;
  return 0;
}

/* Text the certificate and the forms carry: a direction override typed into a name, a character no font
 * prints; both are applicant-step errors on the field, before anything is paid. */
static void
test_text (CdTestContext *t, gconstpointer data)
{
  g_autoptr(CdApplication) app = make_app (NULL);
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(GPtrArray) again = NULL;
  const CdPreflightFault *f;

  g_free (app->unit->name);
  app->unit->name = g_strdup ("北京\u202e测试科技有限公司");
  g_free (app->legal_person->name);
  app->legal_person->name = g_strdup ("王\U00020bb7");
  faults = run (t, app, 0, CD_PREFLIGHT_APPLICANT);
  f = find (faults, "text", "$.unit.name");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
  g_assert_cmpint (f->severity, ==, CD_PREFLIGHT_FAULT_ERROR);
  g_assert_nonnull (strstr (f->message, "U+202E"));
  /* Without the forms' check, a rare character is fine as far as the core knows. */
  g_assert_null (find (faults, "text", "$.legal_person.name"));

  cd_preflight_set_glyph_check (no_ji);
  again = run (t, app, 0, CD_PREFLIGHT_APPLICANT);
  cd_preflight_set_glyph_check (NULL);
  f = find (again, "text", "$.legal_person.name");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
  g_assert_nonnull (strstr (f->message, "U+20BB7"));
  g_assert_nonnull (strstr (f->message, "\U00020bb7"));
}

/* The applicant type and the party role are chosen on the applicant step: their faults are filed there (the
 * wizard shows them on that page as they come), not reported on the business step before it is reached, and
 * check names their JSON path. */
static void
test_type_and_role_step (CdTestContext *t, gconstpointer data)
{
  static const char nmg[] =
    "{\"profile\":\"nmg-zfcg-sxca\",\"business\":\"new\",\"applicant_type\":\"%s\",%s\"years\":1,"
    "\"keys\":{\"main\":1},\"seals\":1,"
    "\"unit\":{\"name\":\"内蒙古草原建设工程有限公司\",\"uscc\":\"" OTHER_USCC "\"},"
    "\"legal_person\":{\"name\":\"王建国\",\"id_number\":\"150102199003071237\",\"mobile\":\"13904710001\"},"
    "\"agent\":{\"name\":\"李晓红\",\"id_number\":\"11010519491231002X\",\"mobile\":\"13804710002\"}}";
  g_autofree char *no_role_json = g_strdup_printf (nmg, "enterprise", "");
  g_autofree char *bad_type_json = g_strdup_printf (nmg, "individual", "\"party_role\":\"bidder\",");
  g_autofree char *good_json = g_strdup_printf (nmg, "enterprise", "\"party_role\":\"bidder\",");
  g_autoptr(CdApplication) no_role = cd_application_from_data (no_role_json, -1, NULL);
  g_autoptr(CdApplication) bad_type = cd_application_from_data (bad_type_json, -1, NULL);
  g_autoptr(CdApplication) good = cd_application_from_data (good_json, -1, NULL);
  g_autoptr(GPtrArray) on_business = NULL;
  g_autoptr(GPtrArray) on_applicant = NULL;
  g_autoptr(GPtrArray) type_faults = NULL;
  g_autoptr(GPtrArray) good_faults = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *text = NULL;
  const CdPreflightFault *f;

  g_assert_nonnull (no_role);
  g_assert_nonnull (bad_type);
  g_assert_nonnull (good);
  /* on the business step the role is not asked for yet */
  on_business = run (t, no_role, 0, CD_PREFLIGHT_BUSINESS);
  g_assert_null (find (on_business, "identifier", "$.party_role"));
  g_assert_false (cd_preflight_has_errors (on_business));
  on_applicant = run (t, no_role, 0, CD_PREFLIGHT_APPLICANT);
  f = find (on_applicant, "identifier", "$.party_role");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
  g_assert_cmpint (f->severity, ==, CD_PREFLIGHT_FAULT_ERROR);
  g_assert_nonnull (strstr (f->message, "party role"));
  g_assert_true (cd_preflight_first_error (on_applicant, CD_PREFLIGHT_APPLICANT) == f);
  g_assert_null (cd_preflight_first_error (on_applicant, CD_PREFLIGHT_BUSINESS));
  json = cd_preflight_faults_to_json (on_applicant);
  text = json_to_string (json, FALSE);
  g_assert_nonnull (strstr (text, "\"step\":\"applicant\",\"severity\":\"error\",\"rule\":\"identifier\","
                                  "\"path\":\"$.party_role\""));
  g_assert_false (cd_preflight_check (t->ctx, no_role, 0, CD_PREFLIGHT_SEALS, &error));
  g_assert_error (error, CD_PREFLIGHT_ERROR, CD_PREFLIGHT_ERROR_REFUSED);
  g_assert_true (g_str_has_prefix (error->message, "$.party_role: "));
  g_clear_error (&error);

  /* an applicant type the project does not take: the same step */
  g_assert_true (cd_preflight_run (t->ctx, bad_type, 0, CD_PREFLIGHT_BUSINESS, &type_faults, &error));
  g_assert_false (cd_preflight_has_errors (type_faults));
  g_clear_pointer (&type_faults, g_ptr_array_unref);
  type_faults = run (t, bad_type, 0, CD_PREFLIGHT_APPLICANT);
  f = find (type_faults, "identifier", "$.applicant_type");
  g_assert_nonnull (f);
  g_assert_cmpint (f->step, ==, CD_PREFLIGHT_APPLICANT);
  g_assert_null (strstr (f->message, "nmg-zfcg-sxca"));   /* the project by name, not its id */
  g_assert_false (has_rule (type_faults, "price"));
  g_assert_false (cd_preflight_check (t->ctx, bad_type, 0, CD_PREFLIGHT_SEALS, &error));
  g_assert_true (g_str_has_prefix (error->message, "$.applicant_type: "));

  /* with both chosen, neither is a fault */
  good_faults = run (t, good, 0, CD_PREFLIGHT_APPLICANT);
  g_assert_null (find (good_faults, "identifier", "$.party_role"));
  g_assert_null (find (good_faults, "identifier", "$.applicant_type"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, CdTestContext, NULL, cd_test_context_setup, fn, cd_test_context_teardown)
  ADD ("/preflight/subject-length", test_subject_length);
  ADD ("/preflight/names-and-phones", test_names_and_phones);
  ADD ("/preflight/text", test_text);
  ADD ("/preflight/subject-normalized", test_subject_normalized);
  ADD ("/preflight/renew-window", test_renew_window);
  ADD ("/preflight/replace-unknown", test_replace_unknown);
  ADD ("/preflight/other-customer", test_other_customer);
  ADD ("/preflight/certificate-state", test_certificate_state);
  ADD ("/preflight/day-lock", test_day_lock);
  ADD ("/preflight/invoice", test_invoice);
  ADD ("/preflight/payment", test_payment);
  ADD ("/preflight/price", test_price);
  ADD ("/preflight/uscc-type-warning", test_uscc_type_warning);
  ADD ("/preflight/bj-person-agent", test_bj_person_agent);
  ADD ("/preflight/signed-scans", test_signed_scans);
  ADD ("/preflight/check-and-json", test_check_and_json);
  ADD ("/preflight/type-and-role-step", test_type_and_role_step);
  return g_test_run ();
}
