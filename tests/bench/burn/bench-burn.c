/* bench-burn.c: a new-certificate burn on SoftHSM2 with the local CA (EC P-256 and RSA-2048), against the
 * command-line pipeline doing the same steps (pkcs11-tool --init-token/--init-pin/--keypairgen, openssl req
 * through the pkcs11 engine, openssl x509 -req, pkcs11-tool --write-object). Medians of N runs (default 9)
 * in one run; a fresh blank key for each run on each side, prepared outside the timing. Two burns of ours:
 * the full one (init → keygen → CSR → issue → write → verify), and the one the clerk waits for at the
 * counter when the key pair was generated ahead (cd-keygen-ahead.h, untimed: it runs while the clerk takes
 * the payment and prints). Targets (issue 4): EC burn ≤ 1/4 of the pipeline; RSA: burn time beyond the
 * token's own key generation < 25 ms, where the token's own key generation is the C_GenerateKeyPair call
 * alone, timed inside the burn (CdBurnResult.keygen_us, also in the journal's keygen row).
 *
 * Where the SoftHSM2 token folders live decides most of the figures: SoftHSM2's file store rewrites an
 * object's file once per attribute (some 25 rewrites for a certificate, 60 for a key pair), and on a disk
 * each truncate-and-rewrite starts a writeback (ext4 auto_da_alloc), so on disk the token's own work is some
 * 25–40 ms besides the key generation (itself ~20 ms for an EC key pair there, 3 ms in memory) and swings
 * with the machine's disk load. A USB key has no such store. Both
 * runs are made, with the same folders for both sides: token folders in memory (tmpfs; the targets are
 * judged there) and on disk (TMPDIR). The counter's own state (database, CA) is on disk in both.
 *
 * The token's floor: what any client pays the token for the steps of a full burn besides the key generation
 * (C_InitToken, SO login, C_InitPIN, user login, two certificate objects — ours and the CA's —, two
 * signatures), the bare PKCS#11 calls timed in a child process on a fresh token of the same storage. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <dlfcn.h>
#include <glib/gstdio.h>
#include <linux/magic.h>
#include <openssl/pem.h>
#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <sys/statfs.h>

#include "cd-application-store.h"
#include "cd-burn.h"
#include "cd-issuer-local.h"
#include "cd-keygen-ahead.h"

#define SOFTHSM "/usr/lib/softhsm/libsofthsm2.so"
#define ENGINE "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so"

static char *root;          /* on disk: the counter's state, the CA, the pipeline's files */
static char *token_root;    /* the SoftHSM2 token folders of this run */
static char *fixtures;
static const char *self_path;   /* argv[0], for the floor's child */

static void
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s", argv[0], argv[1], err ? err : error->message);
}

/* A SoftHSM2 token folder of its own with one blank key "BENCH" (initialised as vendors ship them), and a
 * working folder on disk of the same name (returned). */
static char *
fresh_token_dir (const char *name)
{
  char *dir = g_build_filename (root, name, NULL);
  g_autofree char *tokens = g_build_filename (token_root, name, "tokens", NULL);
  g_autofree char *conf = g_build_filename (dir, "softhsm2.conf", NULL);
  g_autofree char *text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n",
                                           tokens);
  const char *init[] = { "softhsm2-util", "--init-token", "--free", "--label", "BENCH", "--so-pin", "87654321",
                         "--pin", "000000", NULL };

  g_mkdir_with_parents (tokens, 0700);
  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (conf, text, -1, NULL);
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  run (init);
  return dir;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *a)
{
  g_array_sort (a, cmp_double);
  return a->len % 2 ? g_array_index (a, double, a->len / 2)
                    : (g_array_index (a, double, a->len / 2 - 1) + g_array_index (a, double, a->len / 2)) / 2;
}

typedef struct {
  gint64 start;
  gint64 last;
  gint64 init_start;
  gint64 init_end;
} Marks;

/* BENCH_STEPS=1: each progress report with the time since the previous one (the first: since the start). */
static void
on_progress (const char *step, const char *label, double fraction, gpointer data)
{
  Marks *m = data;
  gint64 now = g_get_monotonic_time ();

  if (g_getenv ("BENCH_STEPS"))
    g_printerr ("  %-7s %.2f %+7.1f ms\n", step, fraction, (now - (m->last ? m->last : m->start)) / 1000.0);
  m->last = now;
  if (g_str_equal (step, "init") && m->init_start == 0)
    m->init_start = now;
  else if (g_str_equal (step, "keygen") && m->init_end == 0)
    m->init_end = now;
}

/* The child (`bench-burn --floor ALG`, SOFTHSM2_CONF set): the bare calls on the blank key "BENCH", in ms. */
static int
floor_child (const char *alg, const char *cert_pem)
{
  void *dl = dlopen (SOFTHSM, RTLD_NOW | RTLD_LOCAL);
  CK_C_GetFunctionList get = dl ? (CK_C_GetFunctionList) dlsym (dl, "C_GetFunctionList") : NULL;
  CK_FUNCTION_LIST *f = NULL;
  CK_SLOT_ID slots[16];
  CK_ULONG n = G_N_ELEMENTS (slots);
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE h;
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
  CK_CERTIFICATE_TYPE x509 = CKC_X_509;
  static const guchar p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
  static const guchar f4[] = { 0x01, 0x00, 0x01 };
  CK_ULONG bits = 2048;
  gboolean ec = g_str_equal (alg, "ec-p256");
  CK_MECHANISM gen = { ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0 };
  CK_MECHANISM sign = { ec ? CKM_ECDSA : CKM_SHA256_RSA_PKCS, NULL, 0 };
  guchar id[16] = { 1 }, digest[32] = { 2 }, sig[512];
  CK_ULONG sig_len;
  CK_ATTRIBUTE pub_ec[] = { { CKA_EC_PARAMS, (void *) p256, sizeof p256 }, { CKA_TOKEN, &yes, 1 }, { CKA_ID, id, 16 } };
  CK_ATTRIBUTE pub_rsa[] = { { CKA_MODULUS_BITS, &bits, sizeof bits }, { CKA_PUBLIC_EXPONENT, (void *) f4, 3 },
                             { CKA_TOKEN, &yes, 1 }, { CKA_ID, id, 16 } };
  CK_ATTRIBUTE priv[] = { { CKA_TOKEN, &yes, 1 }, { CKA_PRIVATE, &yes, 1 }, { CKA_SIGN, &yes, 1 },
                          { CKA_EXTRACTABLE, &no, 1 }, { CKA_ID, id, 16 } };
  CK_OBJECT_HANDLE hpub, hpriv, hcert;
  char label[32];
  guchar *der = NULL, *subject = NULL;
  int der_len, subject_len;
  X509 *cert;
  FILE *fp = fopen (cert_pem, "r");
  double total = 0;
  gint64 t;

#define CALL(x) do { CK_RV rv_ = (x); if (rv_ != CKR_OK) g_error ("%s: 0x%lx", #x, (unsigned long) rv_); } while (0)
#define TIMED(x) do { t = g_get_monotonic_time (); CALL (x); total += (g_get_monotonic_time () - t) / 1000.0; } while (0)
  g_assert_nonnull (get);
  g_assert_nonnull (fp);
  cert = PEM_read_X509 (fp, NULL, NULL, NULL);
  fclose (fp);
  der_len = i2d_X509 (cert, &der);
  subject_len = i2d_X509_NAME (X509_get_subject_name (cert), &subject);
  CALL (get (&f));
  CALL (f->C_Initialize (NULL));
  CALL (f->C_GetSlotList (CK_TRUE, slots, &n));
  for (CK_ULONG i = 0; i < n; i++)
    {
      CK_TOKEN_INFO ti;
      if (f->C_GetTokenInfo (slots[i], &ti) == CKR_OK && memcmp (ti.label, "BENCH ", 6) == 0)
        slot = slots[i];
    }
  memset (label, ' ', sizeof label);
  memcpy (label, "BENCH", 5);
  TIMED (f->C_InitToken (slot, (CK_UTF8CHAR *) "87654321", 8, (CK_UTF8CHAR *) label));
  n = G_N_ELEMENTS (slots);
  CALL (f->C_GetSlotList (CK_TRUE, slots, &n));          /* SoftHSM2 moves the key to another slot */
  for (CK_ULONG i = 0; i < n; i++)
    {
      CK_TOKEN_INFO ti;
      if (f->C_GetTokenInfo (slots[i], &ti) == CKR_OK && (ti.flags & CKF_TOKEN_INITIALIZED)
          && memcmp (ti.label, "BENCH ", 6) == 0)
        slot = slots[i];
    }
  CALL (f->C_OpenSession (slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &h));
  TIMED (f->C_Login (h, CKU_SO, (CK_UTF8CHAR *) "87654321", 8));
  TIMED (f->C_InitPIN (h, (CK_UTF8CHAR *) "123456", 6));
  TIMED (f->C_Logout (h));
  TIMED (f->C_Login (h, CKU_USER, (CK_UTF8CHAR *) "123456", 6));
  /* The key generation is not the floor's: it is timed on its own. */
  CALL (f->C_GenerateKeyPair (h, &gen, ec ? pub_ec : pub_rsa, ec ? G_N_ELEMENTS (pub_ec) : G_N_ELEMENTS (pub_rsa), priv,
                              G_N_ELEMENTS (priv), &hpub, &hpriv));
  for (int i = 0; i < 2; i++)
    {
      CK_ATTRIBUTE tmpl[] = {
        { CKA_CLASS, &cert_class, sizeof cert_class }, { CKA_TOKEN, &yes, 1 }, { CKA_CERTIFICATE_TYPE, &x509, sizeof x509 },
        { CKA_SUBJECT, subject, subject_len }, { CKA_VALUE, der, der_len }, { CKA_ID, id, 16 },
      };

      id[15] = i;                                       /* ours and the CA's */
      TIMED (f->C_CreateObject (h, tmpl, G_N_ELEMENTS (tmpl), &hcert));
      sig_len = sizeof sig;
      id[15] = 0;
      TIMED (f->C_SignInit (h, &sign, hpriv));
      TIMED (f->C_Sign (h, digest, sizeof digest, sig, &sig_len));
    }
#undef TIMED
#undef CALL
  f->C_Finalize (NULL);
  OPENSSL_free (der);
  OPENSSL_free (subject);
  X509_free (cert);
  printf ("%.3f\n", total);
  return 0;
}

/* The token's floor on a fresh blank key of the current storage (a child process: one C_Initialize each). */
static double
token_floor (const char *alg, int i, const char *ca_cert)
{
  g_autofree char *name = g_strdup_printf ("floor-%s-%d", alg, i);
  g_autofree char *dir = fresh_token_dir (name);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const char *argv[] = { self_path, "--floor", alg, ca_cert, NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, NULL))
    g_error ("the floor's child failed: %s", error ? error->message : "exit status");
  return g_ascii_strtod (out, NULL);
}

/* Our burn: the counter is running (context open, module loaded as the key watch keeps it); timed from the
 * burn's start to the recorded, verified certificate. @ahead: the key pair was generated ahead (untimed). */
static void
ours (const char *profile, int i, gboolean ahead, double *out_total, double *out_keygen, double *out_init)
{
  g_autofree char *name = g_strdup_printf ("ours-%s-%s-%d", ahead ? "ahead" : "full", profile, i);
  g_autofree char *dir = fresh_token_dir (name);
  g_autofree char *state = g_build_filename (dir, "state", NULL);
  g_autofree char *profiles = g_build_filename (state, "profiles", NULL);
  g_autofree char *src = g_strdup_printf ("%s/%s.json", fixtures, profile);
  g_autofree char *dst = g_strdup_printf ("%s/%s.json", profiles, profile);
  g_autofree char *app_path = g_build_filename (fixtures, "app-new.json", NULL);
  g_autofree char *data = NULL;
  g_autofree char *app_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CdContext) ctx = NULL;
  g_autoptr(CdApplication) app = NULL;
  g_autoptr(CdApplicationInfo) info = NULL;
  g_autoptr(CdBurnOptions) opts = NULL;
  g_autoptr(CdBurnResult) r = NULL;
  g_autoptr(CdTokenModule) module = NULL;
  g_autoptr(GRegex) re = g_regex_new ("\"pki-ec\"", 0, 0, NULL);
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", profile);
  Marks marks = { 0 };
  gint64 id, t0, t1;

  g_mkdir_with_parents (profiles, 0700);
  g_file_get_contents (src, &data, NULL, NULL);
  g_file_set_contents (dst, data, -1, NULL);
  ctx = cd_context_new (state, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (app_path, &app_json, NULL, NULL);
  g_free (data);
  data = g_regex_replace_literal (re, app_json, -1, 0, quoted, 0, NULL);
  app = cd_application_from_data (data, -1, &error);
  g_assert_no_error (error);
  g_assert_true (cd_application_store_create (ctx, app, TRUE, &id, &error));
  g_assert_true (cd_application_store_check (ctx, id, &error));
  g_assert_true (cd_application_store_load (ctx, id, NULL, &info, &error));
  module = cd_token_module_open (SOFTHSM, &error);
  opts = cd_burn_options_new (id);
  opts->module_path = g_strdup (SOFTHSM);
  opts->so_pin = cd_pin_new ("87654321");
  opts->issuer = (CdIssuer *) cd_issuer_local_new (ctx, &error);   /* created at first run, not per burn */
  opts->advance_state = TRUE;
  if (ahead)
    {
      /* While the clerk takes the payment: the key initialised, its key pair generated. */
      g_autoptr(CdKeygenAhead) a = cd_keygen_ahead_run (ctx, opts, NULL, &error);

      g_assert_no_error (error);
      g_assert_true (a->generated);
      opts->user_pin = cd_pin_copy (a->pin);
    }
  g_assert_true (cd_application_store_pay (ctx, id, CD_PAYMENT_WECHAT, info->fee_total_fen, info->fee_total_fen, FALSE,
                                           &error));
  g_assert_true (cd_application_store_transition (ctx, id, CD_STATE_PRINTED, NULL, &error));
  t0 = marks.start = g_get_monotonic_time ();
  r = cd_burn_run (ctx, opts, on_progress, &marks, NULL, &error);
  t1 = g_get_monotonic_time ();
  if (g_getenv ("BENCH_STEPS"))
    g_printerr ("  %-7s      %+7.1f ms (records, state)  = %.1f ms %s\n", "end", (t1 - marks.last) / 1000.0,
                (t1 - t0) / 1000.0, ahead ? "ahead" : "full");
  g_assert_no_error (error);
  g_assert_nonnull (r->certificate_serial);
  *out_total = (t1 - t0) / 1000.0;
  /* The token's own key generation: its C_GenerateKeyPair call alone, timed inside the burn. */
  *out_keygen = r->keygen_us / 1000.0;
  g_assert_true (ahead ? r->keygen_us == 0 : r->keygen_us > 0);
  /* The init step (C_InitToken, SO login, C_InitPIN, user login: PBKDF-bound in SoftHSM2), as reported. */
  *out_init = marks.init_end > marks.init_start ? (marks.init_end - marks.init_start) / 1000.0 : 0;
}

/* The peer: the same steps with the command-line tools; the CA exists beforehand, as ours does. */
static double
pipeline (const char *alg, int i, const char *ca_cert, const char *ca_key)
{
  g_autofree char *name = g_strdup_printf ("peer-%s-%d", alg, i);
  g_autofree char *dir = fresh_token_dir (name);
  g_autofree char *csr = g_build_filename (dir, "req.csr", NULL);
  g_autofree char *crt = g_build_filename (dir, "cert.der", NULL);
  g_autofree char *cnf = g_build_filename (dir, "openssl.cnf", NULL);
  g_autofree char *cnf_text = g_strdup_printf (
    "openssl_conf = init\n[init]\nengines = engines\n[engines]\npkcs11 = pkcs11\n"
    "[pkcs11]\nengine_id = pkcs11\ndynamic_path = %s\nMODULE_PATH = %s\ninit = 0\n", ENGINE, SOFTHSM);
  const char *keytype = g_str_equal (alg, "ec-p256") ? "EC:prime256v1" : "rsa:2048";
  const char *init_token[] = { "pkcs11-tool", "--module", SOFTHSM, "--init-token", "--label", "BENCH", "--so-pin",
                               "87654321", NULL };
  const char *init_pin[] = { "pkcs11-tool", "--module", SOFTHSM, "--token-label", "BENCH", "--login", "--login-type",
                             "so", "--so-pin", "87654321", "--init-pin", "--pin", "123456", NULL };
  const char *keygen[] = { "pkcs11-tool", "--module", SOFTHSM, "--token-label", "BENCH", "--login", "--pin", "123456",
                           "--keypairgen", "--key-type", keytype, "--id", "01", "--label", "bench", NULL };
  const char *req[] = { "openssl", "req", "-new", "-engine", "pkcs11", "-keyform", "engine", "-key",
                        "pkcs11:token=BENCH;object=bench;type=private;pin-value=123456", "-sha256", "-utf8",
                        "-subj", "/C=CN/ST=内蒙古/O=内蒙古甲乙建设有限公司/serialNumber=91150100123456788B/CN=内蒙古甲乙建设有限公司",
                        "-out", csr, NULL };
  const char *sign[] = { "openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-days", "365",
                         "-sha256", "-outform", "DER", "-out", crt, NULL };
  const char *write[] = { "pkcs11-tool", "--module", SOFTHSM, "--token-label", "BENCH", "--login", "--pin", "123456",
                          "--write-object", crt, "--type", "cert", "--id", "01", "--label", "bench", NULL };
  gint64 t0;

  g_file_set_contents (cnf, cnf_text, -1, NULL);
  t0 = g_get_monotonic_time ();
  run (init_token);
  run (init_pin);
  run (keygen);
  g_setenv ("OPENSSL_CONF", cnf, TRUE);     /* the engine for the key on the token only */
  run (req);
  g_unsetenv ("OPENSSL_CONF");
  run (sign);
  run (write);
  return (g_get_monotonic_time () - t0) / 1000.0;
}

/* The figures of one storage of the token folders; TRUE when the targets are met. */
static gboolean
run_all (int n, const char *ca_cert, const char *ca_key)
{
  const char *algs[][2] = { { "ec-p256", "pki-ec" }, { "rsa-2048", "pki-rsa" } };
  gboolean ok = TRUE;

  for (guint a = 0; a < G_N_ELEMENTS (algs); a++)
    {
      g_autoptr(GArray) t_full = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_keygen = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_init = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_beyond = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_ahead = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_peer = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) t_floor = g_array_new (FALSE, FALSE, sizeof (double));
      double mf, mk, mi, mb, ma, mp, mfl;
      gboolean met_full, met_ahead;

      for (int i = 0; i < n; i++)
        {
          double total, keygen, init, beyond, with_ahead, unused, unused_init, peer, fl;

          /* Interleaved, so that a busy machine slows every side alike. */
          ours (algs[a][1], i, FALSE, &total, &keygen, &init);
          ours (algs[a][1], i, TRUE, &with_ahead, &unused, &unused_init);
          peer = pipeline (algs[a][0], i, ca_cert, ca_key);
          fl = token_floor (algs[a][0], i, ca_cert);
          beyond = total - keygen;
          g_array_append_val (t_full, total);
          g_array_append_val (t_keygen, keygen);
          g_array_append_val (t_init, init);
          g_array_append_val (t_beyond, beyond);
          g_array_append_val (t_ahead, with_ahead);
          g_array_append_val (t_peer, peer);
          g_array_append_val (t_floor, fl);
        }
      mf = median (t_full);
      mk = median (t_keygen);
      mi = median (t_init);
      mb = median (t_beyond);
      ma = median (t_ahead);
      mp = median (t_peer);
      mfl = median (t_floor);
      printf ("%-9s full  %8.1f ms (key init %5.1f ms, token keygen %7.1f ms, beyond keygen %5.1f ms) | pipeline %8.1f ms"
              " | ratio %.3f\n", algs[a][0], mf, mi, mk, mb, mp, mf / mp);
      printf ("%-9s ahead %8.1f ms (key pair generated ahead)%42s | pipeline %8.1f ms | ratio %.3f\n",
              algs[a][0], ma, "", mp, ma / mp);
      printf ("%-9s the token's floor beyond keygen (init, PINs, 2 certificate objects, 2 signatures): %.1f ms;"
              " full burn beyond keygen - floor: %.1f ms\n", algs[a][0], mfl, mb - mfl);
      if (a == 0)
        {
          met_full = mf <= mp / 4;
          met_ahead = ma <= mp / 4;
          printf ("  target EC: burn <= 1/4 of the pipeline (%.1f ms): full %s, ahead %s\n", mp / 4,
                  met_full ? "met" : "MISSED", met_ahead ? "met" : "MISSED");
        }
      else
        {
          met_full = mb < 25;
          met_ahead = ma < 25;
          printf ("  target RSA: beyond the token's key generation < 25 ms: full %s (%.1f ms), ahead %s (%.1f ms)\n",
                  met_full ? "met" : "MISSED", mb, met_ahead ? "met" : "MISSED", ma);
        }
      ok &= met_full && met_ahead;
    }
  return ok;
}

/* A folder in memory for the token folders: $XDG_RUNTIME_DIR or /dev/shm when they are tmpfs. */
static char *
memory_dir (void)
{
  const char *candidates[] = { g_getenv ("XDG_RUNTIME_DIR"), "/dev/shm" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      struct statfs st;

      if (candidates[i] && statfs (candidates[i], &st) == 0 && st.f_type == TMPFS_MAGIC
          && g_access (candidates[i], W_OK) == 0)
        {
          char *tmpl = g_build_filename (candidates[i], "certdesk-bench-tokens-XXXXXX", NULL);

          if (g_mkdtemp (tmpl))
            return tmpl;
          g_free (tmpl);
        }
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  int n;
  g_autofree char *ca_cert = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *memory = NULL;
  gboolean ok = TRUE;

  if (argc == 4 && g_str_equal (argv[1], "--floor"))
    return floor_child (argv[2], argv[3]);
  n = argc > 1 ? atoi (argv[1]) : 9;
  self_path = argv[0];
  root = g_dir_make_tmp ("certdesk-bench-burn-XXXXXX", NULL);
  fixtures = g_strdup (g_getenv ("PKI_FIXTURES") ? g_getenv ("PKI_FIXTURES") : PKI_FIXTURES);
  ca_cert = g_build_filename (root, "ca.pem", NULL);
  ca_key = g_build_filename (root, "ca-key.pem", NULL);
  {
    const char *mk[] = { "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", ca_key, "-out", ca_cert, "-subj", "/CN=Bench CA", "-days", "3650", NULL };
    run (mk);
  }
  n = MAX (n, 9);
  printf ("burn benchmark: %d runs each, medians; peer: pkcs11-tool + openssl (pkcs11 engine) pipeline\n", n);
  printf ("  full: init, keygen, CSR, issue, write, verify; ahead: the key pair was generated ahead (while the clerk\n"
          "  took the payment), the burn signs, issues, writes and verifies; token keygen: the key's own\n"
          "  C_GenerateKeyPair alone; key init: C_InitToken, SO login, C_InitPIN, user login (the pipeline's too)\n");
  memory = memory_dir ();
  if (memory)
    {
      token_root = memory;
      printf ("token folders in memory (%s, tmpfs), the counter's state on disk (%s): targets judged here\n",
              token_root, root);
      ok = run_all (n, ca_cert, ca_key);
    }
  token_root = root;
  printf ("token folders on disk (%s): SoftHSM2 rewrites an object's file per attribute, the disk's writeback\n"
          "dominates both sides%s\n", root, memory ? " (informative)" : ": targets judged here");
  if (memory)
    run_all (n, ca_cert, ca_key);
  else
    ok = run_all (n, ca_cert, ca_key);
  {
    /* The token folders hold key pairs of no value, but hundreds of them: tmpfs is memory. */
    const char *rm[] = { "rm", "-rf", root, memory, NULL };
    run (rm);
  }
  return ok ? 0 : 1;
}
