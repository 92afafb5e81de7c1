/* pki-crash-util.c: the crash campaigns' shared machinery (pki-crash-util.h). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include "pki-crash-util.h"

PkiCrash pki_crash = { .module = PKI_SOFTHSM, .profile = "pki-random" };

const char *
pki_crash_cli (void)
{
  const char *path = g_getenv ("CERTDESK_CLI");

  g_assert_nonnull (path);
  return path;
}

GPtrArray *
pki_crash_argv (PkiFixture *f, const char *db)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) pki_crash_cli ());
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (gpointer) (db ? db : f->db_path));
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, f->state_dir);
  return argv;
}

char *
pki_crash_app_file (PkiFixture *f)
{
  g_autofree char *json = pki_app_json (pki_crash.profile, "new", NULL, NULL, NULL, 0, NULL);
  char *path = g_build_filename (f->dir, "app.json", NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

char *
pki_crash_slip_path (PkiFixture *f)
{
  return g_build_filename (f->dir, "slip.txt", NULL);
}

char *
pki_crash_slip_pin (const char *path)
{
  g_autofree char *text = NULL;
  const char *at;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(at = strstr (text, "PIN: ")))
    return NULL;
  return g_strchomp (g_strdup (at + 5));
}

GStrv
pki_crash_env (PkiFixture *f, const char *const *extra)
{
  GStrv envp = g_get_environ ();

  /* The fixture's own key folder, also when several fixtures' burns run at once. */
  envp = g_environ_setenv (envp, "SOFTHSM2_CONF", f->softhsm_conf, TRUE);
  /* Under AddressSanitizer the children keep its memory checks but skip the leak check: leaks are the other
   * pki tests' (which run the same code), and the full allocation stacks those need make every run of the
   * campaign about ten times slower. */
  if (g_environ_getenv (envp, "ASAN_OPTIONS"))
    envp = g_environ_setenv (envp, "ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1", TRUE);
  envp = g_environ_setenv (envp, "CERTDESK_SO_PIN", PKI_SO_PIN, TRUE);
  envp = g_environ_unsetenv (envp, "CERTDESK_PIN");
  for (guint i = 0; pki_crash.env && pki_crash.env[i]; i += 2)
    envp = g_environ_setenv (envp, pki_crash.env[i], pki_crash.env[i + 1], TRUE);
  for (guint i = 0; extra && extra[i]; i += 2)
    envp = g_environ_setenv (envp, extra[i], extra[i + 1], TRUE);
  return envp;
}

int
pki_crash_run (PkiFixture *f, const char *const *extra_env, const char *db, gboolean burn, int *out_signal,
               char **out_text, ...)
{
  g_autoptr(GPtrArray) argv = pki_crash_argv (f, db);
  g_auto(GStrv) envp = pki_crash_env (f, extra_env);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int wait = 0;
  va_list ap;

  va_start (ap, out_text);
  for (const char *a = va_arg (ap, const char *); a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  for (guint i = 0; burn && pki_crash.burn_opts && pki_crash.burn_opts[i]; i++)
    g_ptr_array_add (argv, (gpointer) pki_crash.burn_opts[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait, &error);
  g_assert_no_error (error);
  if (out_signal)
    *out_signal = WIFSIGNALED (wait) ? WTERMSIG (wait) : 0;
  if (out_text)
    *out_text = g_strconcat (out, err, NULL);
  return WIFEXITED (wait) ? WEXITSTATUS (wait) : -1;
}

gint64
pki_crash_db_int (PkiFixture *f, const char *sql)
{
  gint64 v;

  pki_fixture_reopen (f);
  v = pki_db_int (f, sql);
  g_clear_object (&f->ctx);
  return v;
}

int
pki_crash_try_resume (PkiFixture *f, const char *app, const char *what, char **out_text)
{
  g_autofree char *slip = pki_crash_slip_path (f);
  g_autofree char *out = NULL;
  int code = -1;

  if (pki_crash_db_int (f, "SELECT count(*) FROM application") == 0)
    code = pki_crash_run (f, NULL, NULL, TRUE, NULL, &out, "accept", app, "--pin-slip", slip, NULL);
  else
    /* A kill inside a PKCS#11 call can leave the key refusing the next one ("did not complete …; take it out,
     * insert it again and retry"): the clerk's retry, at most twice. */
    for (guint tries = 0; tries < 3; tries++)
      {
        g_clear_pointer (&out, g_free);
        code = pki_crash_run (f, NULL, NULL, TRUE, NULL, &out, "burn", "--id", "1", "--pin-slip", slip, NULL);
        if (code != 3)
          break;
        g_test_message ("%s: the key refused the resume, retried: %s", what, out);
        pki_crash.retries++;
      }
  if (out_text)
    *out_text = g_steal_pointer (&out);
  return code;
}

void
pki_crash_resume (PkiFixture *f, const char *app, const char *what)
{
  g_autofree char *out = NULL;
  int code = pki_crash_try_resume (f, app, what, &out);

  if (code != 0)
    g_error ("%s: the resume failed (%d): %s", what, code, out);
}

gboolean
pki_crash_kill_and_resume (PkiFixture *f, const char *const *env, const char *what)
{
  g_autofree char *app = NULL;
  g_autofree char *slip = NULL;
  g_autofree char *out = NULL;
  int code, sig;

  pki_crash.fresh (f);
  app = pki_crash_app_file (f);
  slip = pki_crash_slip_path (f);
  code = pki_crash_run (f, env, NULL, TRUE, &sig, &out, "accept", app, "--pin-slip", slip, NULL);
  if (sig == 0)
    {
      if (code != 0)
        g_error ("%s: accept failed without being killed (%d): %s", what, code, out);
      pki_crash.check (f, what);
      return FALSE;
    }
  g_assert_cmpint (sig, ==, SIGKILL);
  pki_crash.total_kills++;
  pki_crash_resume (f, app, what);
  pki_crash.check (f, what);
  return TRUE;
}

void
pki_crash_kill_at (PkiFixture *f, const char *point)
{
  const char *env[] = { "CERTDESK_TEST_CRASH_AT", point, NULL };

  g_test_message ("kill at %s", point);
  if (!pki_crash_kill_and_resume (f, env, point))
    g_error ("the burn never reached %s", point);
}

GPtrArray *
pki_crash_points (const char *const *extra)
{
  static const char *const steps[] = { "init", "keygen", "csr", "issue", "write", "verify" };
  GPtrArray *points = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_ptr_array_add (points, g_strdup_printf ("%s:start", steps[i]));
      g_ptr_array_add (points, g_strdup_printf ("%s:done", steps[i]));
    }
  for (guint i = 0; extra && extra[i]; i++)
    g_ptr_array_add (points, g_strdup (extra[i]));
  return points;
}

guint
pki_crash_random_delays (PkiFixture *f, guint default_kills, guint span, guint *out_runs, guint *out_second,
                         double *out_seconds)
{
  const char *env_kills = g_getenv ("CERTDESK_CRASH_KILLS");
  guint want = env_kills ? (guint) g_ascii_strtoull (env_kills, NULL, 10) : default_kills;
  guint kills = 0, runs = 0, second = 0;
  gint64 t0 = g_get_monotonic_time ();

  /* The delay runs from the first journal row; a burn takes well under @span ms here, and a run that finishes
   * first shortens the span. */
  while (kills < want && runs < want * 4 + 10)
    {
      g_autofree char *ms = g_strdup_printf ("%d", g_test_rand_int_range (0, span));
      g_autofree char *what = g_strdup_printf ("kill after %s ms", ms);
      const char *env[] = { "CERTDESK_TEST_CRASH_AFTER_MS", ms, NULL };

      runs++;
      if (pki_crash_kill_and_resume (f, env, what))
        {
          kills++;
          second += pki_crash.signed_count > 1;
        }
      else
        span = MAX (100, atoi (ms));
    }
  g_assert_cmpuint (kills, ==, want);
  *out_runs = runs;
  *out_second = second;
  *out_seconds = (g_get_monotonic_time () - t0) / 1e6;
  return kills;
}

void
pki_crash_check_one_issued (PkiFixture *f)
{
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'issued'"), ==, 1);
  g_assert_cmpint (pki_db_int (f, "SELECT count(*) FROM application WHERE state = 'issued'"), ==, 1);
}

void
pki_crash_check_key_and_audit (PkiFixture *f, const char *label, const char *what)
{
  g_autofree char *slip = pki_crash_slip_path (f);
  g_autofree char *pending = g_build_filename (f->state_dir, "burn-pending", NULL);
  g_autofree char *pin = pki_crash_slip_pin (slip);
  g_autofree char *out = NULL;
  g_autoptr(GDir) dir = NULL;
  int code;

  if (pin == NULL)
    g_error ("%s: no PIN slip", what);
  out = pki_run (TRUE, NULL, NULL, "pkcs11-tool", "--module", pki_crash.module, "--token-label", label, "--login",
                 "--pin", pin, "--list-objects", "--type", "cert", NULL);
  g_assert_nonnull (strstr (out, "CertDesk CD-"));
  /* No certificate waits outside the database. */
  if ((dir = g_dir_open (pending, 0, NULL)))
    g_assert_null (g_dir_read_name (dir));
  g_free (out);
  code = pki_crash_run (f, NULL, NULL, FALSE, NULL, &out, "audit", "verify", NULL);
  if (code != 0)
    g_error ("%s: audit verify: %s", what, out);
}
