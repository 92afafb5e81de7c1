/* test-pki-pull.c: issue 14 items 4 and 5. A key holding a certificate is never erased without consent, also
 * when this counter's database does not know it (the holder named in readable UTF-8 with serial and end date);
 * the key pair generated ahead never erases such a key; a key that cannot make the profile's key pair is
 * refused before anything is erased. And keys pulled out at every step of the burn, through the fault module
 * and by renaming the SoftHSM2 token folder as a real pull does: no signal, one sentence without PKCS#11
 * codes, and the burn completes on the key put back or on a fresh key. PKI_PULL_LOOPS=N repeats pulls at
 * random moments N times (the release-build evidence; the suite runs a few). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>

#include "cd-keygen-ahead.h"
#include "cd-pki-error.h"
#include "cd-so-escrow-store.h"
#include "cd-token-records.h"
#include "pki-test-util.h"

#define UNIT_A "内蒙古甲乙建设有限公司"
#define UNIT_B "呼和浩特某某科技有限公司"
#define USCC_B "91150100234567894T"

typedef struct {
  PkiFixture base;
  char      *control;
  char      *tokens;
  char      *away;
} PullFixture;

static void
pull_setup (PullFixture *f, gconstpointer data)
{
  pki_fixture_setup (&f->base, data);
  f->control = g_build_filename (f->base.dir, "fault.conf", NULL);
  f->tokens = g_build_filename (f->base.dir, "tokens", NULL);
  f->away = g_build_filename (f->base.dir, "away", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->away, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->control, "", -1, NULL));
  g_setenv ("CD_FAULT_CONTROL", f->control, TRUE);
  g_setenv ("CD_FAULT_TARGET", PKI_SOFTHSM, TRUE);
}

static void
pull_teardown (PullFixture *f, gconstpointer data)
{
  g_unsetenv ("PKI_MODULE");
  pki_fixture_teardown (&f->base, data);
  g_free (f->control);
  g_free (f->tokens);
  g_free (f->away);
}

static void
fault (PullFixture *f, const char *spec)
{
  g_assert_true (g_file_set_contents (f->control, spec, -1, NULL));
}

/* One sentence a clerk can read: no line break, no PKCS#11 code, no escaped bytes. */
static void
assert_sentence (const GError *error)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strstr (error->message, "CKR_"));
  g_assert_null (strstr (error->message, "\\x"));
  g_assert_cmpuint (strlen (error->message), <, 400);
}

static gint64
app (PullFixture *f, const char *profile, const char *uscc, const char *name)
{
  g_autofree char *json = pki_app_json (profile, "new", uscc, name, NULL, 0, NULL);
  return pki_application (&f->base, json, CD_STATE_PRINTED);
}

static char *
state_of (PullFixture *f, gint64 id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT state FROM application WHERE id = %" G_GINT64_FORMAT, id);
  return pki_db_text (&f->base, sql);
}

/* Certificates on the key as anyone sees them: pkcs11-tool without login. */
static guint
certs_on_key (const char *label)
{
  g_autofree char *out = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", PKI_SOFTHSM, "--token-label", label,
                                  "--list-objects", "--type", "cert", NULL);
  g_auto(GStrv) parts = g_strsplit (out, "Certificate Object", -1);

  return g_strv_length (parts) - 1;
}

/* The counter's database starts afresh (reset, or another counter): it knows no key and no certificate. */
static void
forget_database (PullFixture *f)
{
  const char *suffix[] = { "", "-wal", "-shm" };

  g_clear_object (&f->base.ctx);
  for (guint i = 0; i < G_N_ELEMENTS (suffix); i++)
    {
      g_autofree char *p = g_strconcat (f->base.db_path, suffix[i], NULL);
      g_unlink (p);
    }
  pki_fixture_reopen (&f->base);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM token"), ==, 0);
}

/* A key holding a certificate issued at a counter whose database no longer knows it: refused naming the
 * holder (UTF-8 Chinese, serial, end date), the key untouched; erased and issued with the consent. */
static void
test_unknown_key_needs_consent (PullFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(GPtrArray) escrow = NULL;
  g_autofree char *so_pin = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = app (f, "pki-ec", NULL, NULL);
  first = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certs_on_key ("DEMO-A"), >=, 1);
  /* The key's SO PIN is the random one the CA gave it (docs/central.md, SO-PIN escrow): with the database gone,
   * it is what the head office gives the clerk from the central escrow, typed here. */
  escrow = cd_so_escrow_lookup (cd_context_get_store (f->base.ctx), first->token_serial, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (escrow->len, ==, 1);
  so_pin = g_strdup (((CdSoEscrow *) escrow->pdata[0])->so_pin);
  forget_database (f);

  id = app (f, "pki-ec", USCC_B, UNIT_B);
  r = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NOT_BLANK);
  assert_sentence (error);
  g_assert_nonnull (strstr (error->message, UNIT_A));
  g_assert_nonnull (strstr (error->message, first->certificate_serial));
  g_assert_nonnull (strstr (error->message, "valid until 20"));
  g_assert_cmpuint (certs_on_key ("DEMO-A"), >=, 1);
  {
    g_autofree char *s = state_of (f, id);
    g_assert_cmpstr (s, ==, "printed");
  }
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal WHERE step = 'init' AND phase = 'done'"),
                   ==, 0);
  g_clear_error (&error);

  /* The clerk (or `burn --erase`) confirms: erased and issued. */
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->token_label = g_strdup ("DEMO-A");
  opts->so_pin = cd_pin_new (so_pin);
  opts->confirm_erase = TRUE;
  opts->advance_state = TRUE;
  r = cd_burn_run (f->base.ctx, opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *s = state_of (f, id);
    g_assert_cmpstr (s, ==, "issued");
  }
}

/* The public listing the resume compares with: the certificate and its CKA_ID, read without login. */
static void
test_list_public_certs (PullFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdTokenModule) module = NULL;
  g_autoptr(CdToken) token = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  CdTokenSelector sel = { NULL, "DEMO-A", -1 };
  g_autofree char *cka = NULL;
  guint n_mine = 0;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = app (f, "pki-ec", NULL, NULL);
  first = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  cka = pki_db_text (&f->base, "SELECT cka_id FROM token WHERE state = 'active'");
  module = cd_token_module_open (PKI_SOFTHSM, &error);
  g_assert_no_error (error);
  token = cd_token_open (module, &sel, &error);
  g_assert_no_error (error);
  g_assert_true (cd_token_list_public_certs (token, &certs, &ids, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < certs->len; i++)
    {
      g_autofree char *serial = cd_cert_serial_hex (certs->pdata[i]);
      gsize len;
      const guchar *d = g_bytes_get_data (ids->pdata[i], &len);
      g_autofree char *hex = cd_hex_encode (d, len);

      if (g_str_equal (serial, first->certificate_serial))
        {
          n_mine++;
          g_assert_cmpstr (hex, ==, cka);
          g_assert_false (cd_token_cert_is_ca (certs->pdata[i]));
        }
    }
  g_assert_cmpuint (n_mine, ==, 1);
}

/* The key pair generated ahead never erases a key holding anything, known here or not. */
static void
test_ahead_never_erases (PullFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdKeygenAhead) ahead = NULL;
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = app (f, "pki-ec", NULL, NULL);
  first = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  forget_database (f);
  id = app (f, "pki-ec", USCC_B, UNIT_B);
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->token_label = g_strdup ("DEMO-A");
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  ahead = cd_keygen_ahead_run (f->base.ctx, opts, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ahead);
  g_assert_false (ahead->generated);
  g_assert_nonnull (ahead->skipped);
  g_test_message ("skipped: %s", ahead->skipped);
  g_assert_cmpuint (certs_on_key ("DEMO-A"), >=, 1);
  g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM burn_journal"), ==, 0);
}

/* A key without EC key generation (the fault module hides CKM_EC_KEY_PAIR_GEN, as opencryptoki's software
 * token lacks EC): an EC profile is refused before the key is erased, even with the erase confirmed; an RSA
 * profile then issues on it. */
static void
test_algorithm_before_erase (PullFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CdBurnResult) first = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autofree char *mech = g_strdup_printf ("no-mech 0x%lx\n", (unsigned long) CKM_EC_KEY_PAIR_GEN);
  gint64 id;

  pki_make_token (&f->base, "DEMO-A");
  id = app (f, "pki-rsa", NULL, NULL);
  first = pki_burn (&f->base, id, "DEMO-A", NULL, PKI_SO_PIN, NULL, &error);
  g_assert_no_error (error);
  fault (f, mech);
  id = app (f, "pki-ec", USCC_B, UNIT_B);
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (PKI_FAULT_MODULE);
  opts->token_label = g_strdup ("DEMO-A");
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  opts->confirm_erase = TRUE;
  opts->advance_state = TRUE;
  r = cd_burn_run (f->base.ctx, opts, NULL, NULL, NULL, &error);
  g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN);
  assert_sentence (error);
  g_assert_nonnull (strstr (error->message, "cannot make EC P-256 keys"));
  g_assert_nonnull (strstr (error->message, "RSA"));
  /* Nothing was erased: the first customer's certificate is still there. */
  g_assert_cmpuint (certs_on_key ("DEMO-A"), >=, 1);
  {
    g_autofree char *serial = pki_db_text (&f->base, "SELECT serial FROM certificate WHERE state = 'issued'");
    g_assert_cmpstr (serial, ==, first->certificate_serial);
  }
  g_clear_error (&error);
  /* An RSA project on the same key. */
  g_clear_pointer (&r, cd_burn_result_free);
  id = app (f, "pki-rsa", USCC_B, UNIT_B);
  opts->application_id = id;
  r = cd_burn_run (f->base.ctx, opts, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

typedef struct {
  const char *step;
  const char *spec;
} PullStep;

/* Through the fault module, at every step: the key reports itself gone from that call on. */
static const PullStep fault_steps[] = {
  { "init", "fail C_InitToken CKR_DEVICE_REMOVED sticky\n" },
  { "keygen", "fail C_GenerateKeyPair CKR_DEVICE_REMOVED sticky\n" },
  { "csr", "fail C_SignInit CKR_DEVICE_REMOVED sticky\n" },
  { "write", "fail C_CreateObject CKR_DEVICE_REMOVED sticky\n" },
  /* The CSR is the first signature, the verification's round trip the second. */
  { "verify", "fail C_SignInit CKR_DEVICE_REMOVED skip 1 sticky\n" },
  /* The key answering CKR_GENERAL_ERROR as it goes, as SoftHSM2 does when its folder vanishes. */
  { "verify-general", "fail C_FindObjectsInit CKR_GENERAL_ERROR skip 1 sticky\n" },
};

static void
test_pulled_fault_every_step (PullFixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (fault_steps); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CdBurnResult) r = NULL;
      g_autofree char *label = g_strdup_printf ("DEMO-%u", i);
      g_autofree char *fresh = g_strdup_printf ("FRESH-%u", i);
      g_autofree char *s = NULL;
      gint64 id;

      g_test_message ("pulled at %s", fault_steps[i].step);
      pki_make_token (&f->base, label);
      pki_make_token (&f->base, fresh);
      g_setenv ("PKI_MODULE", PKI_FAULT_MODULE, TRUE);
      id = app (f, "pki-ec", NULL, NULL);
      fault (f, fault_steps[i].spec);
      r = pki_burn (&f->base, id, label, NULL, PKI_SO_PIN, NULL, &error);
      g_assert_nonnull (error);
      assert_sentence (error);
      if (!g_str_equal (fault_steps[i].step, "verify-general"))
        g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
      s = state_of (f, id);
      g_assert_cmpstr (s, ==, "printed");
      g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, i);
      g_clear_error (&error);
      fault (f, "");
      /* Even steps: the key put back; odd: a fresh key. */
      r = pki_burn (&f->base, id, i % 2 ? fresh : label, NULL, PKI_SO_PIN, NULL, &error);
      g_assert_no_error (error);
      g_clear_pointer (&s, g_free);
      s = state_of (f, id);
      g_assert_cmpstr (s, ==, "issued");
      g_assert_cmpint (pki_db_int (&f->base, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, i + 1);
      g_unsetenv ("PKI_MODULE");
    }
}

/* The SoftHSM2 token folder of the key (its only subfolder). */
static char *
token_folder (PullFixture *f, const char *base)
{
  g_autoptr(GDir) dir = g_dir_open (base, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (base, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&p);
    }
  return NULL;
}

/* Every key leaves the reader (their folders moved away): the next round starts with none. */
static void
clear_tokens (PullFixture *f, const char *tag)
{
  char *folder;
  guint n = 0;

  while ((folder = token_folder (f, f->tokens)))
    {
      g_autofree char *gone = g_strdup_printf ("%s/%s-%u", f->away, tag, n++);
      g_assert_cmpint (g_rename (folder, gone), ==, 0);
      g_free (folder);
    }
}

typedef struct {
  PullFixture *f;
  const char  *at;      /* pull when this step starts */
  gboolean     pulled;
  char        *moved;   /* where the folder went */
} Puller;

static void
pull_now (Puller *p)
{
  g_autofree char *folder = token_folder (p->f, p->f->tokens);
  g_autofree char *base = NULL;

  if (folder == NULL || p->pulled)
    return;
  base = g_path_get_basename (folder);
  p->moved = g_build_filename (p->f->away, base, NULL);
  g_assert_cmpint (g_rename (folder, p->moved), ==, 0);
  p->pulled = TRUE;
}

static void
put_back (Puller *p)
{
  g_autofree char *base = NULL;
  g_autofree char *dest = NULL;

  if (!p->pulled)
    return;
  base = g_path_get_basename (p->moved);
  dest = g_build_filename (p->f->tokens, base, NULL);
  g_assert_cmpint (g_rename (p->moved, dest), ==, 0);
  g_clear_pointer (&p->moved, g_free);
  p->pulled = FALSE;
}

static void
on_progress_pull (const char *step, const char *label, double fraction, gpointer data)
{
  Puller *p = data;

  if (g_str_equal (step, p->at))
    pull_now (p);
}

static CdBurnResult *
burn_with (PullFixture *f, gint64 id, const char *label, CdBurnProgressFunc progress, gpointer data, GError **error)
{
  g_autoptr(CdBurnOptions) opts = cd_burn_options_new (id);

  opts->module_path = g_strdup (PKI_SOFTHSM);
  opts->token_label = g_strdup (label);
  opts->so_pin = cd_pin_new (PKI_SO_PIN);
  opts->advance_state = TRUE;
  return cd_burn_run (f->base.ctx, opts, progress, data, NULL, error);
}

/* The key's folder renamed away when a step starts, as a key pulled out of its reader: the step fails in one
 * sentence, and with the folder back the burn completes (resumed or done again). */
static void
test_pulled_folder_every_step (PullFixture *f, gconstpointer data)
{
  static const char *const steps[] = { "init", "keygen", "csr", "issue", "write", "verify" };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CdBurnResult) r = NULL;
      g_autofree char *s = NULL;
      Puller p = { f, steps[i], FALSE, NULL };
      gint64 id;

      g_test_message ("folder pulled at %s", steps[i]);
      pki_make_token (&f->base, "DEMO-P");
      id = app (f, "pki-ec", NULL, NULL);
      r = burn_with (f, id, "DEMO-P", on_progress_pull, &p, &error);
      g_assert_true (p.pulled);
      /* The CA's step needs no key: the write after it finds the key gone. */
      g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
      assert_sentence (error);
      g_assert_nonnull (strstr (error->message, "DEMO-P"));
      s = state_of (f, id);
      g_test_message ("%s: %s", steps[i], error ? error->message : "completed before the module noticed");
      g_clear_error (&error);
      put_back (&p);
      if (!g_str_equal (s, "issued"))
        {
          g_clear_pointer (&r, cd_burn_result_free);
          r = burn_with (f, id, "DEMO-P", NULL, NULL, &error);
          g_assert_no_error (error);
          g_clear_pointer (&s, g_free);
          s = state_of (f, id);
        }
      g_assert_cmpstr (s, ==, "issued");
      /* The next round uses a new key in the folder: this one leaves. */
      {
        g_autofree char *folder = token_folder (f, f->tokens);
        g_autofree char *gone = g_strdup_printf ("%s/done-%u", f->away, i);
        g_assert_cmpint (g_rename (folder, gone), ==, 0);
      }
    }
}

/* Pulls at random moments, from another thread, as a clerk's hand would: a random step, then a random delay
 * into it (the burn goes on meanwhile). Every burn ends issued or with one sentence, never a signal; put back,
 * the application is issued. */
typedef struct {
  Puller      p;
  gint        go;
  guint       delay_us;
  gint64      started;
} RandomPull;

static void
on_progress_mark (const char *step, const char *label, double fraction, gpointer data)
{
  RandomPull *r = data;

  if (g_str_equal (step, r->p.at))
    g_atomic_int_set (&r->go, 1);
}

static gpointer
random_puller (gpointer data)
{
  RandomPull *r = data;

  /* Until the step starts, or the burn is over (a step it never reached). */
  while (!g_atomic_int_get (&r->go) && g_get_monotonic_time () - r->started < 20 * G_USEC_PER_SEC)
    g_usleep (200);
  if (g_atomic_int_get (&r->go) >= 0)
    {
      g_usleep (r->delay_us);
      pull_now (&r->p);
    }
  return NULL;
}

static void
test_pulled_random (PullFixture *f, gconstpointer data)
{
  static const char *const steps[] = { "init", "keygen", "csr", "issue", "write", "verify" };
  const char *env = g_getenv ("PKI_PULL_LOOPS");
  guint loops = env ? (guint) atoi (env) : 4;
  guint failed = 0, completed = 0, pulled = 0, damaged = 0;

  for (guint i = 0; i < loops; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CdBurnResult) r = NULL;
      g_autofree char *s = NULL;
      g_autofree char *label = g_strdup_printf ("DEMO-R%u", i);
      RandomPull rp = { { f, steps[g_random_int_range (0, G_N_ELEMENTS (steps))], FALSE, NULL }, 0,
                        g_random_int_range (0, 15000), g_get_monotonic_time () };
      GThread *t;
      gint64 id;

      pki_make_token (&f->base, label);
      id = app (f, i % 3 == 2 ? "pki-rsa" : "pki-ec", NULL, NULL);
      t = g_thread_new ("puller", random_puller, &rp);
      r = burn_with (f, id, label, on_progress_mark, &rp, &error);
      /* A step never reached: the puller stops waiting. */
      if (!g_atomic_int_get (&rp.go))
        g_atomic_int_set (&rp.go, -1);
      g_thread_join (t);
      pulled += rp.p.pulled;
      g_test_message ("round %u: pulled %s %u µs into %s: %s", i, rp.p.pulled ? "" : "(not)", rp.delay_us, rp.p.at,
                      error ? error->message : "issued first");
      if (error)
        {
          assert_sentence (error);
          /* Pulled: it says so, naming the key (or, pulled before the burn found it, that it is not there). */
          if (!g_error_matches (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_TOKEN))
            {
              g_assert_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED);
              g_assert_nonnull (strstr (error->message, label));
            }
          failed++;
        }
      else
        completed++;
      g_clear_error (&error);
      put_back (&rp.p);
      s = state_of (f, id);
      if (!g_str_equal (s, "issued"))
        {
          g_clear_pointer (&r, cd_burn_result_free);
          r = burn_with (f, id, label, NULL, NULL, &error);
          if (error)
            {
              /* Pulled in the middle of a write, the key itself can be left damaged (SoftHSM2 then fails
               * C_InitToken with CKR_DEVICE_ERROR): the sentence says to use another key, and on a fresh
               * key the application is issued. */
              g_autofree char *fresh = g_strdup_printf ("FRESH-R%u", i);

              g_test_message ("round %u: the key put back fails: %s", i, error->message);
              assert_sentence (error);
              damaged++;
              g_clear_error (&error);
              g_clear_pointer (&r, cd_burn_result_free);
              pki_make_token (&f->base, fresh);
              r = burn_with (f, id, fresh, NULL, NULL, &error);
              g_assert_no_error (error);
            }
          g_clear_pointer (&s, g_free);
          s = state_of (f, id);
        }
      g_assert_cmpstr (s, ==, "issued");
      {
        g_autofree char *tag = g_strdup_printf ("random-%u", i);
        clear_tokens (f, tag);
      }
    }
  g_print ("# random pulls: %u burns, %u keys pulled, %u failed in one sentence, %u completed first; all issued after "
           "the key was put back (%u of them on a fresh key: the one put back was damaged)\n", loops, pulled, failed,
           completed, damaged);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!g_file_test (PKI_SOFTHSM, G_FILE_TEST_EXISTS))
    {
      g_print ("1..0 # SKIP SoftHSM2 is not installed\n");
      return 77;
    }
#define T(path, fn) g_test_add (path, PullFixture, NULL, pull_setup, fn, pull_teardown)
  T ("/pki/pull/unknown-key-needs-consent", test_unknown_key_needs_consent);
  T ("/pki/pull/list-public-certs", test_list_public_certs);
  T ("/pki/pull/ahead-never-erases", test_ahead_never_erases);
  T ("/pki/pull/algorithm-before-erase", test_algorithm_before_erase);
  T ("/pki/pull/fault-every-step", test_pulled_fault_every_step);
  T ("/pki/pull/folder-every-step", test_pulled_folder_every_step);
  T ("/pki/pull/random", test_pulled_random);
  return g_test_run ();
}
