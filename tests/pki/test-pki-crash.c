/* test-pki-crash.c: the burn as a transaction, killed. `certdesk-cli accept` on SoftHSM2 with the local CA and
 * a random-PIN profile kills itself (SIGKILL, the test-only hook CERTDESK_TEST_CRASH_AT, src/pki/README.md) at
 * every journal step and phase, after the final record, before the state change and around the PIN slip;
 * then at random delays (CERTDESK_TEST_CRASH_AFTER_MS). After each kill `burn --id` resumes, and the
 * invariants are checked from outside: every certificate the CA signed (`ca list`) is the one on the key and
 * recorded issued, or revoked and recorded so; the PIN slip opens the key; one issued certificate per
 * application; no note of an unrecorded certificate is left; `audit verify` exits 0. Then the database locked
 * by another writer (the sqlite3 shell holding BEGIN EXCLUSIVE for 10 s) at the issue step, and a full disk
 * under the database when a tmpfs can be mounted. Issue 17: the note of a certificate the locked database could
 * not record is sealed and still recorded at the next start; a clear ledger's sealing rewrite killed before its
 * rename leaves the old ledger whole.
 * CERTDESK_CRASH_KILLS: how many random-delay kills (default 4; the campaign's figure in the README: 200+). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "cd-issuer-local.h"
#include "pki-crash-util.h"

/* The invariants after a kill and its resume. */
static void
check_invariants (PkiFixture *f, const char *what)
{
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *on_key = NULL;
  g_autofree char *label = NULL;
  JsonArray *certs;
  guint issued = 0;
  int code;

  /* Every certificate the CA signed is accounted for. */
  code = pki_crash_run (f, NULL, NULL, FALSE, NULL, &out, "ca", "list", NULL);
  g_assert_cmpint (code, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  certs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "certificates");
  g_assert_cmpuint (json_array_get_length (certs), >=, 1);
  pki_crash.signed_count = json_array_get_length (certs);
  pki_fixture_reopen (f);
  on_key = pki_db_text (f, "SELECT certificate_serial FROM token WHERE state = 'active'");
  label = pki_db_text (f, "SELECT label FROM token WHERE state = 'active'");
  for (guint i = 0; i < json_array_get_length (certs); i++)
    {
      JsonObject *c = json_array_get_object_element (certs, i);
      const char *serial = json_object_get_string_member (c, "serial");
      const char *state = json_object_get_string_member (c, "state");
      g_autofree char *sql = g_strdup_printf ("SELECT state FROM certificate WHERE serial = '%s'", serial);
      g_autofree char *recorded = pki_db_text (f, sql);

      if (g_strcmp0 (recorded, state) != 0)
        g_error ("%s: the CA has %s as %s, the records as %s", what, serial, state, recorded ? recorded : "nothing");
      if (g_str_equal (state, "issued"))
        {
          issued++;
          g_assert_cmpstr (serial, ==, on_key);
          g_assert_false (json_object_get_null_member (c, "application"));
        }
    }
  g_assert_cmpuint (issued, ==, 1);
  pki_crash_check_one_issued (f);
  g_clear_object (&f->ctx);
  /* The slip's PIN opens the key, which holds the issued certificate. The key by its recorded label: a kill
   * inside C_InitToken can leave SoftHSM2's label torn, and the resume then labels the DEMO key anew. */
  pki_crash_check_key_and_audit (f, label, what);
}

static void
fresh (PkiFixture *f)
{
  g_clear_object (&f->ctx);
  pki_fixture_teardown (f, NULL);
  pki_fixture_setup (f, NULL);
  pki_make_token (f, "DEMO-A");
  g_clear_object (&f->ctx);
}

static void
test_every_step (PkiFixture *f, gconstpointer data)
{
  static const char *const extra[] = { "slip:saved", "ca:signed", "record:done", "state:start", "slip:start",
                                       "slip:done", NULL };
  g_autoptr(GPtrArray) points = pki_crash_points (extra);

  for (guint i = 0; i < points->len; i++)
    {
      pki_crash_kill_at (f, points->pdata[i]);
      /* Killed anywhere on the way, the resume takes up what was done: one certificate signed, never two. */
      if (pki_crash.signed_count != 1)
        g_error ("killed at %s: the CA signed %u certificates", (char *) points->pdata[i], pki_crash.signed_count);
    }
}

static void
test_random_delays (PkiFixture *f, gconstpointer data)
{
  guint runs, second;
  double seconds;
  guint kills = pki_crash_random_delays (f, 4, 1200, &runs, &second, &seconds);

  g_test_message ("%u random-delay kills in %u runs, %.1f s (%u resumes needed a second certificate, the first "
                  "revoked); %u kills in this process so far", kills, runs, seconds, second, pki_crash.total_kills);
  g_printerr ("# crash campaign: %u kills in this process, %u resumes retried after the key refused\n",
              pki_crash.total_kills, pki_crash.retries);
}

/* The process that was started with CERTDESK_TEST_PAUSE_AT stops itself there: wait for that. */
static void
wait_stopped (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);

  for (int i = 0; i < 3000; i++)
    {
      g_autofree char *stat = NULL;
      const char *paren;

      if (g_file_get_contents (path, &stat, NULL, NULL) && (paren = strrchr (stat, ')')) && paren[2] == 'T')
        return;
      g_usleep (10000);
    }
  g_error ("the burn did not reach its pause point");
}

typedef struct {
  GSubprocess *proc;
  GPid         pid;
} Paused;

/* Started with CERTDESK_TEST_PAUSE_AT @point, and killed at @crash_at when not NULL. */
static void
start_paused_crash (PkiFixture *f, const char *db, const char *point, const char *retry_s, const char *crash_at,
                    Paused *out)
{
  g_autofree char *app = pki_crash_app_file (f);
  g_autofree char *slip = pki_crash_slip_path (f);
  g_autoptr(GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_auto(GStrv) envp = pki_crash_env (f, (const char *const[]) { "CERTDESK_TEST_PAUSE_AT", point,
                                                           "CERTDESK_RECORD_RETRY_S", retry_s,
                                                           crash_at ? "CERTDESK_TEST_CRASH_AT" : NULL, crash_at,
                                                           NULL });
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_environ (l, envp);
  out->proc = g_subprocess_launcher_spawn (l, &error, pki_crash_cli (), "--db", db, "--data-dir", f->state_dir,
                                           "accept", app, "--module", PKI_SOFTHSM, "--pin-slip", slip, NULL);
  g_assert_no_error (error);
  out->pid = atoi (g_subprocess_get_identifier (out->proc));
  wait_stopped (out->pid);
}

static void
start_paused (PkiFixture *f, const char *db, const char *point, const char *retry_s, Paused *out)
{
  start_paused_crash (f, db, point, retry_s, NULL, out);
}

/* Another writer: the sqlite3 shell holding BEGIN EXCLUSIVE for @seconds; returns once it holds the lock. */
static GSubprocess *
lock_database (const char *db, int seconds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_strdup_printf ("PRAGMA busy_timeout = 5000;\nBEGIN EXCLUSIVE;\n"
                                             "INSERT INTO setting (key, value) VALUES ('test.lock', 'held')"
                                             " ON CONFLICT (key) DO UPDATE SET value = 'held';\n"
                                             "SELECT 'locked';\n.shell sleep %d\nCOMMIT;\n", seconds);
  GSubprocess *sq = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                      "sqlite3", db, NULL);
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  GOutputStream *stdin_pipe;

  g_assert_no_error (error);
  stdin_pipe = g_subprocess_get_stdin_pipe (sq);
  g_assert_true (g_output_stream_write_all (stdin_pipe, script, strlen (script), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (stdin_pipe, NULL, &error));
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sq));
  /* The shell echoes the busy timeout first. */
  do
    {
      g_free (line);
      line = g_data_input_stream_read_line (in, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
    }
  while (!g_str_equal (line, "locked"));
  return sq;
}

/* Locked for 10 s at the issue step: the burn waits (retrying the record) and completes. With a record budget
 * shorter than the lock it refuses the certificate instead (the CA revokes it), keeps a note outside the
 * database, and the next start records it as revoked; the resume then completes with a second certificate. */
static void
test_database_locked (PkiFixture *f, gconstpointer data)
{
  const char *budget = data;
  Paused p;
  g_autoptr(GSubprocess) sq = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *app = NULL;
  gint64 t0;

  fresh (f);
  /* The database exists before the lock is taken. */
  g_assert_cmpint (pki_crash_run (f, NULL, NULL, FALSE, NULL, NULL, "audit", "verify", NULL), ==, 0);
  start_paused (f, f->db_path, "issue:start", budget, &p);
  sq = lock_database (f->db_path, 10);
  t0 = g_get_monotonic_time ();
  kill (p.pid, SIGCONT);
  g_assert_true (g_subprocess_communicate_utf8 (p.proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (sq, NULL, &error));
  g_test_message ("accept exited %d after %.1f s: %s", g_subprocess_get_exit_status (p.proc),
                  (g_get_monotonic_time () - t0) / 1e6, out);
  if (g_str_equal (budget, "30"))
    {
      /* Waited for the other writer and completed. */
      g_assert_cmpint (g_subprocess_get_exit_status (p.proc), ==, 0);
      g_assert_cmpint (g_get_monotonic_time () - t0, >=, 5 * G_USEC_PER_SEC);
      check_invariants (f, "locked 10 s");
      g_assert_cmpint (pki_crash_db_int (f, "SELECT count(*) FROM certificate"), ==, 1);
    }
  else
    {
      g_autofree char *pending = g_build_filename (f->state_dir, "burn-pending", NULL);
      g_autoptr(GDir) dir = g_dir_open (pending, 0, NULL);

      g_assert_cmpint (g_subprocess_get_exit_status (p.proc), !=, 0);
      g_assert_nonnull (strstr (out, "could not be recorded; the next start records it as revoked"));
      /* The note holds the certificate until the database takes it: at the rollback, when the lock was gone
       * by then (the note is removed), else at the next start. */
      g_assert_true ((dir && g_dir_read_name (dir))
                     || pki_crash_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'revoked'") == 1);
      app = pki_crash_app_file (f);
      pki_crash_resume (f, app, "locked beyond the record budget");
      check_invariants (f, "locked beyond the record budget");
      g_assert_cmpint (pki_crash_db_int (f, "SELECT count(*) FROM certificate WHERE state = 'revoked'"
                                  " AND revoke_reason = 'cessationOfOperation'"), ==, 1);
    }
  g_object_unref (p.proc);
}

/* Another writer holds the database for 6 s (beyond the store's 5 s busy timeout) as each step starts: the
 * burn waits or fails and rolls back, the resume completes, and the invariants hold — nothing the CA signed
 * is lost, one certificate is issued, the slip opens the key. The six points run at once, each on a counter
 * of its own (database, key folder, CA): each burn still meets its own 6 s lock at its own point, and the
 * locks are waited out together instead of one after the other. */
static void
test_database_locked_every_step (PkiFixture *f, gconstpointer data)
{
  static const char *const points[] = { "init:start", "keygen:start", "csr:start", "issue:start", "write:start",
                                        "verify:start" };
  PkiFixture counters[G_N_ELEMENTS (points)] = { 0 };
  Paused p[G_N_ELEMENTS (points)];
  GSubprocess *sq[G_N_ELEMENTS (points)];

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      pki_fixture_setup (&counters[i], NULL);
      pki_make_token (&counters[i], "DEMO-A");
      g_clear_object (&counters[i].ctx);
      g_assert_cmpint (pki_crash_run (&counters[i], NULL, NULL, FALSE, NULL, NULL, "audit", "verify", NULL), ==, 0);
      start_paused (&counters[i], counters[i].db_path, points[i], "30", &p[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      sq[i] = lock_database (counters[i].db_path, 6);
      kill (p[i].pid, SIGCONT);
    }
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *app = NULL;
      g_autofree char *what = g_strdup_printf ("locked 6 s at %s", points[i]);

      g_assert_true (g_subprocess_communicate_utf8 (p[i].proc, NULL, NULL, &out, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (sq[i], NULL, &error));
      g_test_message ("%s: accept exited %d: %s", what, g_subprocess_get_exit_status (p[i].proc), out);
      /* pkcs11-tool in the checks reads this counter's keys */
      g_setenv ("SOFTHSM2_CONF", counters[i].softhsm_conf, TRUE);
      if (g_subprocess_get_exit_status (p[i].proc) != 0)
        {
          app = pki_crash_app_file (&counters[i]);
          pki_crash_resume (&counters[i], app, what);
        }
      check_invariants (&counters[i], what);
      g_object_unref (p[i].proc);
      g_object_unref (sq[i]);
      pki_fixture_teardown (&counters[i], NULL);
    }
  g_setenv ("SOFTHSM2_CONF", f->softhsm_conf, TRUE);
}

/* The database's disk fills up at the issue step (a 4 MiB tmpfs for the database alone). */
static void
test_disk_full (PkiFixture *f, gconstpointer data)
{
  g_autofree char *mnt = NULL;
  g_autofree char *db = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *out = NULL;
  g_autofree char *slip = NULL;
  g_autoptr(GError) error = NULL;
  Paused p;
  int fd, code;
  char block[65536] = { 0 };

  fresh (f);
  mnt = g_build_filename (f->dir, "dbdisk", NULL);
  g_assert_cmpint (g_mkdir (mnt, 0700), ==, 0);
  if (mount ("tmpfs", mnt, "tmpfs", 0, "size=4m") != 0)
    {
      g_test_skip_printf ("a full disk needs a tmpfs, and mounting one failed: %s", g_strerror (errno));
      return;
    }
  db = g_build_filename (mnt, "certdesk.db", NULL);
  g_assert_cmpint (pki_crash_run (f, NULL, db, FALSE, NULL, NULL, "audit", "verify", NULL), ==, 0);
  start_paused (f, db, "issue:start", "3", &p);
  filler = g_build_filename (mnt, "filler", NULL);
  fd = g_open (filler, O_WRONLY | O_CREAT, 0600);
  while (write (fd, block, sizeof block) > 0)
    ;
  close (fd);
  kill (p.pid, SIGCONT);
  g_assert_true (g_subprocess_communicate_utf8 (p.proc, NULL, NULL, &out, NULL, &error));
  g_test_message ("accept on a full disk exited %d: %s", g_subprocess_get_exit_status (p.proc), out);
  g_unlink (filler);
  g_free (f->db_path);
  f->db_path = g_strdup (db);
  if (g_subprocess_get_exit_status (p.proc) != 0)
    {
      g_autofree char *pending = g_build_filename (f->state_dir, "burn-pending", NULL);
      g_autoptr(GDir) dir = g_dir_open (pending, 0, NULL);

      /* The disk was still full at the rollback: only the note outside the database holds the certificate. */
      g_assert_nonnull (dir);
      g_assert_nonnull (g_dir_read_name (dir));
      slip = pki_crash_slip_path (f);
      g_clear_pointer (&out, g_free);
      code = pki_crash_run (f, NULL, NULL, TRUE, NULL, &out, "burn", "--id", "1", "--pin-slip", slip, NULL);
      g_assert_cmpint (code, ==, 0);
    }
  check_invariants (f, "disk full");
  g_object_unref (p.proc);
  g_assert_cmpint (umount2 (mnt, MNT_DETACH), ==, 0);
}

/* The local CA's ledger entries, read in a context of their own. */
static GPtrArray *
ca_entries (PkiFixture *f)
{
  GPtrArray *entries;

  pki_fixture_reopen (f);
  entries = pki_ca_entries (f);
  g_clear_object (&f->ctx);
  return entries;
}

/* The entry for @serial in `ca list`'s output, as "<state> <application or null>", or NULL when not listed. */
static char *
ca_list_find (const char *out, const char *serial)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *start = strchr (out, '{'), *end = strrchr (out, '}');   /* stdout's JSON, before stderr's lines */
  JsonArray *certs;

  g_assert_true (start && end && json_parser_load_from_data (parser, start, end - start + 1, NULL));
  certs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "certificates");
  for (guint i = 0; i < json_array_get_length (certs); i++)
    {
      JsonObject *c = json_array_get_object_element (certs, i);

      if (g_str_equal (json_object_get_string_member (c, "serial"), serial))
        return g_strdup_printf ("%s %s", json_object_get_string_member (c, "state"),
                                json_object_get_null_member (c, "application") ? "null"
                                : json_object_get_string_member (c, "application"));
    }
  return NULL;
}

/* The database not writable when the CA has signed (another writer holds it beyond the record budget) and the
 * counter killed right after it kept its note of the certificate (issue 17): the note names the application in
 * the clear (`ca list` shows it) and holds the certificate sealed — not its PEM; the next start records it as
 * revoked (the CA revokes it in its ledger, which the kill left unsaid), removes the note, and the resume
 * completes. */
static void
test_note_sealed (PkiFixture *f, gconstpointer data)
{
  g_autofree char *pending = NULL;
  g_autofree char *note = NULL;
  g_autofree char *text = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *out = NULL;
  g_autofree char *app = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GSubprocess) sq = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_auto(GStrv) pem_lines = NULL;
  Paused p;

  fresh (f);
  pending = g_build_filename (f->state_dir, "burn-pending", NULL);
  g_assert_cmpint (pki_crash_run (f, NULL, NULL, FALSE, NULL, NULL, "audit", "verify", NULL), ==, 0);
  start_paused_crash (f, f->db_path, "issue:start", "1", "pending:noted", &p);
  sq = lock_database (f->db_path, 7);
  kill (p.pid, SIGCONT);
  g_assert_true (g_subprocess_communicate_utf8 (p.proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("accept: %s", out);
  g_clear_pointer (&out, g_free);
  g_assert_true (g_subprocess_get_if_signaled (p.proc));
  g_assert_cmpint (g_subprocess_get_term_sig (p.proc), ==, SIGKILL);
  g_assert_true (g_subprocess_wait (sq, NULL, &error));

  /* one note, its certificate sealed */
  dir = g_dir_open (pending, 0, &error);
  g_assert_no_error (error);
  note = g_strdup (g_dir_read_name (dir));
  g_assert_nonnull (note);
  g_assert_null (g_dir_read_name (dir));
  g_assert_true (g_str_has_suffix (note, ".pem"));
  serial = g_strndup (note, strlen (note) - strlen (".pem"));
  {
    g_autofree char *name = g_steal_pointer (&note);

    note = g_build_filename (pending, name, NULL);
  }
  g_assert_true (g_file_get_contents (note, &text, NULL, NULL));
  g_test_message ("the note: %s", text);
  g_assert_true (g_str_has_prefix (text, "application: 1\n"));
  g_assert_nonnull (strstr (text, "\ncertificate: cd1."));
  g_assert_null (strstr (text, "BEGIN CERTIFICATE"));
  entries = ca_entries (f);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpstr (((CdLedgerEntry *) entries->pdata[0])->serial, ==, serial);
  pem_lines = g_strsplit (((CdLedgerEntry *) entries->pdata[0])->pem, "\n", -1);
  g_assert_cmpuint (g_strv_length (pem_lines), >, 5);
  for (guint i = 1; i < 5; i++)
    g_assert_null (strstr (text, pem_lines[i]));
  /* `ca list` names the application from the note's clear header */
  g_assert_cmpint (pki_crash_run (f, NULL, NULL, FALSE, NULL, &out, "ca", "list", NULL), ==, 0);
  want = ca_list_find (out, serial);
  g_assert_nonnull (want);
  g_assert_true (g_str_has_prefix (want, "issued CD-"));

  /* the next start records it as revoked, the resume completes */
  app = pki_crash_app_file (f);
  pki_crash_resume (f, app, "killed after the note");
  check_invariants (f, "killed after the note");
  g_free (want);
  want = g_strdup_printf ("SELECT count(*) FROM certificate WHERE serial = '%s' AND state = 'revoked'", serial);
  g_assert_cmpint (pki_crash_db_int (f, want), ==, 1);
  g_object_unref (p.proc);
}

/* The ledger as CertDesk wrote it before issue 17 (subjects and PEMs in the clear). */
static char *
clear_ledger (GPtrArray *entries)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      CdLedgerEntry *e = entries->pdata[i];
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), json_object_new ());
      JsonObject *o = json_node_get_object (node);
      g_autofree char *line = NULL;

      json_object_set_string_member (o, "event", "issued");
      json_object_set_string_member (o, "serial", e->serial);
      json_object_set_string_member (o, "subject", e->subject);
      json_object_set_string_member (o, "not_after", e->not_after);
      json_object_set_string_member (o, "at", "2026-01-05T09:00:00Z");
      json_object_set_string_member (o, "pem", e->pem);
      line = json_to_string (node, FALSE);
      g_string_append_printf (out, "%s\n", line);
      if (g_str_equal (e->state, "revoked"))
        g_string_append_printf (out, "{\"event\":\"revoked\",\"serial\":\"%s\",\"reason\":\"%s\",\"at\":\"x\"}\n",
                                e->serial, e->reason);
    }
  return g_string_free (out, FALSE);
}

/* A clear ledger of before is rewritten sealed at the CA's next opening; killed between writing the sealed copy
 * and renaming it over the ledger, the old ledger is whole and the next opening seals it. */
static void
test_ledger_rewrite_killed (PkiFixture *f, gconstpointer data)
{
  const char *env[] = { "CERTDESK_TEST_CRASH_AT", "ledger:sealed-written", NULL };
  g_autofree char *ledger = NULL;
  g_autofree char *app = NULL;
  g_autofree char *slip = NULL;
  g_autofree char *out = NULL;
  g_autofree char *clear = NULL;
  g_autofree char *text = NULL;
  g_autofree char *want = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  int sig;

  fresh (f);
  ledger = g_build_filename (f->state_dir, "ca", "ledger.jsonl", NULL);
  app = pki_crash_app_file (f);
  slip = pki_crash_slip_path (f);
  g_assert_cmpint (pki_crash_run (f, NULL, NULL, TRUE, NULL, &out, "accept", app, "--pin-slip", slip, NULL), ==, 0);
  entries = ca_entries (f);
  g_assert_cmpuint (entries->len, ==, 1);
  clear = clear_ledger (entries);
  g_assert_true (g_file_set_contents (ledger, clear, -1, &error));

  g_clear_pointer (&out, g_free);
  pki_crash_run (f, env, NULL, FALSE, &sig, &out, "ca", "list", NULL);
  g_assert_cmpint (sig, ==, SIGKILL);
  g_assert_true (g_file_get_contents (ledger, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, clear);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (pki_crash_run (f, NULL, NULL, FALSE, NULL, &out, "ca", "list", NULL), ==, 0);
  want = ca_list_find (out, ((CdLedgerEntry *) entries->pdata[0])->serial);
  g_assert_nonnull (want);
  g_assert_true (g_str_has_prefix (want, "issued CD-"));
  g_assert_false (pki_file_contains (ledger, "BEGIN CERTIFICATE"));
  g_assert_true (pki_file_contains (ledger, "\"pem\":\"cd1."));
  check_invariants (f, "ledger rewrite killed");
}

int
main (int argc, char **argv)
{
  static const char *const burn_opts[] = { "--module", PKI_SOFTHSM, NULL };

  g_test_init (&argc, &argv, NULL);
  pki_crash.burn_opts = burn_opts;
  pki_crash.fresh = fresh;
  pki_crash.check = check_invariants;
#define T(path, fn, data) g_test_add (path, PkiFixture, data, pki_fixture_setup, fn, pki_fixture_teardown)
  T ("/pki/crash/every-step", test_every_step, NULL);
  T ("/pki/crash/random-delays", test_random_delays, NULL);
  T ("/pki/crash/database-locked/waits", test_database_locked, "30");
  T ("/pki/crash/database-locked/revokes", test_database_locked, "2");
  T ("/pki/crash/database-locked/every-step", test_database_locked_every_step, NULL);
  T ("/pki/crash/disk-full", test_disk_full, NULL);
  T ("/pki/crash/note-sealed", test_note_sealed, NULL);
  T ("/pki/crash/ledger-rewrite-killed", test_ledger_rewrite_killed, NULL);
  return g_test_run ();
}
