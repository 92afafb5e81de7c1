/* bench-central.c: many outlets, one CA (issue 16, docs/central.md), on a PostgreSQL 15 of its own
 * (tests/central/cd-test-pg.c), each figure printed beside the single-counter SQLite figure of the same run:
 *
 * 1. a day's work of 250 counters (50 outlets, 5 counters each; 200 applications per counter, each created,
 *    checked, paid, printed, given a key and a certificate, issued and closed through the store API, so the
 *    counter's own triggers write the outbox with the audit rows) pushed by cd_central_sync, BENCH_PUSHERS
 *    (default 4) counters at a time: target under 60 s. Peer: the rate at which one counter's SQLite records
 *    the same work (the outbox rows it writes per second).
 * 2. customer lookup over a central database of 5 million applications (bulk-loaded with generate_series),
 *    200 lookups by USCC, ID number and name fragment, as an outlet's role, as `customer find --central` asks
 *    (cd_central_lookup_customers_on: persons through their blind indexes): p95 target under 50 ms. Peer: the
 *    counter's own lookup (cd_central_find_customers) over its SQLite after it pulled every outlet's customers.
 * 3. the head office's day report over 10 million applications: target under 1 s. Peer: `report` of the day
 *    (cd_report_build) on one counter's SQLite file.
 *
 * BENCH_COUNTERS and BENCH_MILLIONS (applications loaded for the lookup, doubled for the report) make a
 * smaller run for trying things; the targets are judged on the full run only. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cd-application-store.h"
#include "cd-central.h"
#include "cd-central-keys.h"
#include "cd-central-report.h"
#include "cd-audit.h"
#include "cd-ident.h"
#include "cd-report.h"
#include "cd-test-pg.h"

#define N_OUTLETS        50
#define APPS_PER_COUNTER 200
#define N_LOOKUPS        200
#define REPORT_RUNS      9
/* Days the bulk-loaded history covers: about 50,000 applications a day, what 250 counters do. */
#define APPS_PER_DAY     50000

static CdTestPg *server;
static char *workdir;
static int n_counters = 250;
static gint64 n_bulk = 5000000;   /* applications loaded before the lookup; as many again before the report */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static double
now_s (void)
{
  return g_get_monotonic_time () / 1e6;
}

static void
pg_ok (PGconn *conn, const char *sql)
{
  g_autoptr(PGresult) res = PQexec (conn, sql);
  ExecStatusType st = PQresultStatus (res);

  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    g_error ("%.200s: %s", sql, PQerrorMessage (conn));
}

static gint64
pg_int (PGconn *conn, const char *sql)
{
  return cd_test_pg_int (conn, sql);
}

static char *
counter_dir (int k)
{
  return g_strdup_printf ("%s/counter-%03d", workdir, k);
}

static char *
outlet_role (int o)
{
  return g_strdup_printf ("outlet_%02d", o);
}

/* ---- 1. a day's work of many counters ---- */

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
                                        "马", "朱", "胡", "郭", "何", "高", "林", "罗", "艾", "买", "阿", "热" };
static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
                                     "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "古丽", "江", "提" };

/* A valid resident ID number, different for each (counter, application). */
static char *
id_number_for (int k, int i)
{
  char first17[18];
  char *out;

  g_snprintf (first17, sizeof first17, "650102%04d%02d%02d%03d", 1960 + (k + i) % 45, 1 + i % 12, 1 + k % 28,
              i % 1000);
  out = g_strdup_printf ("%s%c", first17, cd_ident_resident_check_char (first17));
  return out;
}

static char *
person_name_for (int k, int i)
{
  return g_strdup_printf ("%s%s%s", surnames[(k * 7 + i) % G_N_ELEMENTS (surnames)],
                          given[(i * 5 + k) % G_N_ELEMENTS (given)], given[(i / 3 + k * 11) % G_N_ELEMENTS (given)]);
}

/* A certificate's PEM of the usual size (about 1 KB: the outbox carries it). */
static char *
fake_pem (int k, int i)
{
  GString *s = g_string_new ("-----BEGIN CERTIFICATE-----\n");

  for (int line = 0; line < 14; line++)
    {
      for (int c = 0; c < 64; c++)
        g_string_append_c (s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(k * 31 + i * 17 + line * 7
                                                                                                       + c) % 64]);
      g_string_append_c (s, '\n');
    }
  g_string_append (s, "-----END CERTIFICATE-----\n");
  return g_string_free (s, FALSE);
}

#define CHECK(call) G_STMT_START { if (!(call)) g_error ("%s: %s", #call, error->message); } G_STMT_END

/* BENCH_STEPS=1: each step's time of the first counter's day, summed, printed on stderr. */
static double step_s[8];
#define STEP(n, call) G_STMT_START { double t_ = now_s (); CHECK (call); step_s[n] += now_s () - t_; } G_STMT_END

/* One application from the applicant's arrival to the closed file, as the counter's code writes it. */
static void
work_one (CdContext *ctx, const CdApplication *template, int k, int i)
{
  g_autoptr(GError) error = NULL;
  CdApplication *app = cd_application_copy (template);
  CdStore *store = cd_context_get_store (ctx);
  g_autofree char *serial = g_strdup_printf ("5A%03X%05X", k, i);
  g_autofree char *token_serial = g_strdup_printf ("FT%03d%05d", k, i);
  g_autofree char *pem = fake_pem (k, i);
  g_autofree char *subject = NULL;
  gint64 id = 0, token_id = 0;

  g_free (app->person->name);
  app->person->name = person_name_for (k, i);
  g_free (app->person->id_number);
  app->person->id_number = id_number_for (k, i);
  subject = g_strdup_printf ("CN=%s,O=个人,C=CN", app->person->name);
  STEP (0, cd_application_store_create (ctx, app, TRUE, &id, &error));
  STEP (1, cd_application_store_check (ctx, id, &error));
  STEP (2, cd_application_store_pay (ctx, id, CD_PAYMENT_BANK_TRANSFER, 21000, 21000, FALSE, &error));
  STEP (3, cd_application_store_transition (ctx, id, CD_STATE_PRINTED, NULL, &error));
  {
    /* The key and its certificate as the burn records them (src/pki): both rows and their audit rows in one
     * transaction. */
    double t0 = now_s ();
    g_autoptr(sqlite3_stmt) tok = NULL;
    g_autoptr(sqlite3_stmt) cert = NULL;
    g_autoptr(GDateTime) at_dt = cd_store_now (store);
    g_autofree char *at = g_date_time_format (at_dt, "%Y-%m-%dT%H:%M:%SZ");
    g_autofree char *day = g_date_time_format (at_dt, "%Y-%m-%d");
    sqlite3 *db = cd_store_get_db (store);

    CHECK (cd_store_begin (store, &error));
    CHECK (cd_store_prepare (store, "INSERT INTO token (serial, label, manufacturer, model, is_demo, state,"
                             " application_id, cka_id, certificate_serial, updated_at) VALUES (?1, 'CertDesk',"
                             " 'Feitian', 'ePass3003', 0, 'active', ?2, '01A2B3C4', ?3, ?4)", &tok, &error));
    sqlite3_bind_text (tok, 1, token_serial, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (tok, 2, id);
    sqlite3_bind_text (tok, 3, serial, -1, SQLITE_STATIC);
    sqlite3_bind_text (tok, 4, at, -1, SQLITE_STATIC);
    CHECK (cd_store_step_done (store, tok, &error));
    token_id = sqlite3_last_insert_rowid (db);
    {
      g_autoptr(JsonNode) detail = cd_audit_detail_new ("serial", token_serial, "state", "active",
                                                        "certificate", serial, NULL);
      CHECK (cd_audit_append (store, "clerk:bench", "token.state", "token", token_id, detail, &error));
    }
    CHECK (cd_store_prepare (store, "INSERT INTO certificate (serial, application_id, token_id, issuer, subject,"
                             " not_before, not_after, state, pem, day, at) VALUES (?1, ?2, ?3, 'local', ?4,"
                             " '2026-12-07T00:00:00Z', '2027-12-07T00:00:00Z', 'issued', ?5, ?6, ?7)", &cert,
                             &error));
    sqlite3_bind_text (cert, 1, serial, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (cert, 2, id);
    sqlite3_bind_int64 (cert, 3, token_id);
    sqlite3_bind_text (cert, 4, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text (cert, 5, pem, -1, SQLITE_STATIC);
    sqlite3_bind_text (cert, 6, day, -1, SQLITE_STATIC);
    sqlite3_bind_text (cert, 7, at, -1, SQLITE_STATIC);
    CHECK (cd_store_step_done (store, cert, &error));
    {
      g_autoptr(JsonNode) detail = cd_audit_detail_new ("serial", serial, "state", "issued", NULL);
      CHECK (cd_audit_append (store, "clerk:bench", "certificate.issue", "certificate", sqlite3_last_insert_rowid (db),
                              detail, &error));
    }
    CHECK (cd_store_commit (store, &error));
    step_s[4] += now_s () - t0;
  }
  STEP (5, cd_application_store_transition (ctx, id, CD_STATE_ISSUED, NULL, &error));
  STEP (6, cd_application_store_transition (ctx, id, CD_STATE_CLOSED, NULL, &error));
  cd_application_free (app);
}

static gint64
store_int (CdStore *store, const char *sql)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) error = NULL;

  CHECK (cd_store_prepare (store, sql, &stmt, &error));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Counter @k joins as its outlet and does its day; writes "k seconds outbox_rows" to @out. */
static void
make_counter (int k, const CdApplication *template, FILE *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = counter_dir (k);
  g_autofree char *role = outlet_role (k % N_OUTLETS);
  g_autofree char *url = cd_test_pg_url (server, role);
  g_autofree char *code = g_strdup_printf ("XJ-%02d", k % N_OUTLETS);
  g_autofree char *name = g_strdup_printf ("%s %d号窗口", code, k / N_OUTLETS + 1);
  g_autoptr(CdContext) ctx = NULL;
  double t0;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  ctx = cd_context_new (dir, NULL, &error);
  g_assert_no_error (error);
  CHECK (cd_central_join (cd_context_get_store (ctx), url, code, name, NULL, NULL, &error));
  t0 = now_s ();
  for (int i = 0; i < APPS_PER_COUNTER; i++)
    work_one (ctx, template, k, i);
  if (k == 0 && g_getenv ("BENCH_STEPS"))
    g_printerr ("steps of counter 0 (s): create %.2f check %.2f pay %.2f printed %.2f key+certificate %.2f issued %.2f"
                " closed %.2f\n", step_s[0], step_s[1], step_s[2], step_s[3], step_s[4], step_s[5], step_s[6]);
  fprintf (out, "%d %.6f %" G_GINT64_FORMAT "\n", k, now_s () - t0,
           store_int (cd_context_get_store (ctx), "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL"));
}

typedef struct {
  double  seconds;    /* generation time */
  gint64  outbox;     /* outbox rows */
  char   *uuid;       /* the counter's UUID */
  gint64  max_seq;
} Counter;

static Counter *counters;

static sqlite3 *open_raw (int k);

static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%.200s: %s", sql, msg);
}

/* Counter @k's day as the outbox rows counter 0's triggers wrote for its own day, under identities of counter
 * @k's own: a copy of counter 0's file with a new counter UUID, outlet and URL, every record UUID replaced
 * (also inside the rows that refer to another record) and new event UUIDs; then registered centrally by
 * cd_central_join. What is pushed is the same kind and number of rows a day of the store API writes. */
static void
copy_counter (int k)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *src_dir = counter_dir (0);
  g_autofree char *src = g_build_filename (src_dir, "certdesk.db", NULL);
  g_autofree char *dir = counter_dir (k);
  g_autofree char *dst = g_build_filename (dir, "certdesk.db", NULL);
  g_autofree char *bytes = NULL;
  g_autofree char *role = outlet_role (k % N_OUTLETS);
  g_autofree char *url = cd_test_pg_url (server, role);
  g_autofree char *code = g_strdup_printf ("XJ-%02d", k % N_OUTLETS);
  g_autofree char *name = g_strdup_printf ("%s %d号窗口", code, k / N_OUTLETS + 1);
  g_autofree char *counter = g_uuid_string_random ();
  char *settings;
  gsize len;
  sqlite3 *db;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (dst, bytes, len, NULL));
  /* Counter 0's store is closed (its WAL checkpointed into the file): the file alone is the whole database. */
  {
    g_autofree char *wal = g_strconcat (src, "-wal", NULL);
    struct stat st;
    g_assert_true (g_stat (wal, &st) != 0 || st.st_size == 0);
  }
  db = open_raw (k);
  settings = sqlite3_mprintf ("UPDATE setting SET value = %Q WHERE key = 'central.counter';"
                              "UPDATE setting SET value = %Q WHERE key = 'central.outlet';", counter, code);
  raw_exec (db, "BEGIN");
  raw_exec (db, settings);
  raw_exec (db, "CREATE TEMP TABLE map (old TEXT PRIMARY KEY, new TEXT NOT NULL);"
                "INSERT INTO map SELECT uuid, lower(hex(randomblob(16))) FROM sync_record;"
                "UPDATE sync_record SET uuid = (SELECT new FROM map WHERE old = uuid);"
                "UPDATE sync_outbox SET event_uuid = lower(hex(randomblob(16))),"
                "  record_uuid = (SELECT new FROM map WHERE old = record_uuid);"
                "UPDATE sync_outbox SET row = json_set(row, '$.applicant_uuid',"
                "  (SELECT new FROM map WHERE old = json_extract(row, '$.applicant_uuid')))"
                "  WHERE json_type(row, '$.applicant_uuid') = 'text';"
                "UPDATE sync_outbox SET row = json_set(row, '$.application_uuid',"
                "  (SELECT new FROM map WHERE old = json_extract(row, '$.application_uuid')))"
                "  WHERE json_type(row, '$.application_uuid') = 'text';"
                "DROP TABLE map;");
  raw_exec (db, "COMMIT");
  sqlite3_free (settings);
  sqlite3_close (db);
  {
    g_autoptr(CdStore) store = cd_store_open (dst, &error);
    g_assert_no_error (error);
    CHECK (cd_central_join (store, url, code, name, NULL, NULL, &error));
    counters[k].outbox = store_int (store, "SELECT count(*) FROM sync_outbox WHERE sent_at IS NULL");
  }
}

/* Counter 0's day through the store API (timed: the peer), then the other counters' as copies of its outbox
 * under their own identities. */
static void
generate_counters (void)
{
  g_autofree char *fixture = g_build_filename (g_getenv ("CERTDESK_SOURCE_ROOT"), "tests", "fixtures",
                                               "app-bj-person.json", NULL);
  g_autoptr(GError) error = NULL;
  CdApplication *template = cd_application_load_file (fixture, &error);
  g_autofree char *path = g_strdup_printf ("%s/gen.txt", workdir);
  FILE *out = fopen (path, "w+");
  int k;

  g_assert_no_error (error);
  counters = g_new0 (Counter, n_counters);
  make_counter (0, template, out);
  cd_application_free (template);
  rewind (out);
  g_assert_cmpint (fscanf (out, "%d %lf %" G_GINT64_FORMAT, &k, &counters[0].seconds, &counters[0].outbox), ==, 3);
  fclose (out);
  for (k = 1; k < n_counters; k++)
    copy_counter (k);
}

static sqlite3 *
open_raw (int k)
{
  g_autofree char *dir = counter_dir (k);
  g_autofree char *path = g_build_filename (dir, "certdesk.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  return db;
}

/* Each counter is told it has already seen every other counter's changes of this day (its cursor at their last
 * sequence): the timed rounds are the push, each with an empty pull. Pulling every other counter's day is
 * timed once, on its own (part 2's peer). */
static void
preset_cursors (void)
{
  for (int k = 0; k < n_counters; k++)
    {
      sqlite3 *db = open_raw (k);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT value FROM setting WHERE key = 'central.counter'),"
                                               " (SELECT max(seq) FROM sync_outbox)", -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      counters[k].uuid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      counters[k].max_seq = sqlite3_column_int64 (stmt, 1);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
  for (int k = 0; k < n_counters; k++)
    {
      sqlite3 *db = open_raw (k);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO sync_cursor (counter_uuid, seq) VALUES (?1, ?2)", -1,
                                           &stmt, NULL), ==, SQLITE_OK);
      for (int j = 0; j < n_counters; j++)
        {
          if (j == k)
            continue;
          sqlite3_bind_text (stmt, 1, counters[j].uuid, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, counters[j].max_seq);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
          sqlite3_reset (stmt);
        }
      sqlite3_finalize (stmt);
      g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
}

/* The CPU time of the server's backends that have exited (the postmaster's children: each counter's round is a
 * connection of its own), in seconds. Unlike pg_stat_statements' times, which are wall-clock and grow with
 * whatever else the shared machine runs, this is the server's work itself. */
static double
server_children_cpu_s (void)
{
  g_autofree char *dir = g_path_get_dirname (cd_test_pg_log (server));
  g_autofree char *pid_file = g_build_filename (dir, "data", "postmaster.pid", NULL);
  g_autofree char *pid_text = NULL, *stat_path = NULL, *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (pid_file, &pid_text, NULL, NULL))
    return 0;
  stat_path = g_strdup_printf ("/proc/%ld/stat", strtol (pid_text, NULL, 10));
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL) || !(after_name = strrchr (stat, ')')))
    return 0;
  /* After "pid (comm)": state is field 3, cutime and cstime fields 16 and 17 (proc(5)). */
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 15)
    return 0;
  return (g_ascii_strtod (fields[13], NULL) + g_ascii_strtod (fields[14], NULL)) / sysconf (_SC_CLK_TCK);
}

/* The pushers' own CPU time (the counters' side: reading the outbox, building each batch's JSON, marking it
 * sent, applying what a round pulls), beside the server's: both share the machine's cores. */
static double pushers_cpu_s;

/* @pushers processes, each syncing its share of the counters one after another (a counter's round is
 * cd_central_sync, as `certdesk-cli sync` runs it). Their stores are opened before the clock starts (a
 * counter's store is open all day); returns the wall-clock seconds from the start to the last round's end. */
static double
push_all (int pushers)
{
  g_autofree pid_t *pids = g_new0 (pid_t, pushers);
  int ready[2], go[2];
  double t0;
  char c = 'g';

  g_assert_cmpint (pipe (ready), ==, 0);
  g_assert_cmpint (pipe (go), ==, 0);
  for (int p = 0; p < pushers; p++)
    {
      pids[p] = fork ();
      g_assert_cmpint (pids[p], >=, 0);
      if (pids[p] == 0)
        {
          g_autoptr(GPtrArray) stores = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_store_close);
          char byte;

          prctl (PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
          close (ready[0]);
          close (go[1]);
          for (int k = p; k < n_counters; k += pushers)
            {
              g_autoptr(GError) error = NULL;
              g_autofree char *dir = counter_dir (k);
              g_autofree char *path = g_build_filename (dir, "certdesk.db", NULL);
              CdStore *store = cd_store_open (path, &error);

              g_assert_no_error (error);
              g_ptr_array_add (stores, store);
            }
          g_assert_cmpint (write (ready[1], "r", 1), ==, 1);
          g_assert_cmpint (read (go[0], &byte, 1), ==, 1);
          for (guint i = 0; i < stores->len; i++)
            {
              g_autoptr(GError) error = NULL;
              CdCentralSyncResult r;

              if (!cd_central_sync (stores->pdata[i], &r, &error))
                g_error ("sync: %s", error->message);
              /* The cursors make the other counters' customers and certificates nothing new; what the round
               * still pulls (the shared customer fields, the head office's prices) is part of its cost. */
              g_assert_cmpint (r.pending, ==, 0);
            }
          _exit (0);
        }
    }
  close (ready[1]);
  close (go[0]);
  for (int p = 0; p < pushers; p++)
    g_assert_cmpint (read (ready[0], &c, 1), ==, 1);
  t0 = now_s ();
  for (int p = 0; p < pushers; p++)
    g_assert_cmpint (write (go[1], "g", 1), ==, 1);
  pushers_cpu_s = 0;
  for (int p = 0; p < pushers; p++)
    {
      struct rusage ru;
      int status;
      g_assert_cmpint (wait4 (pids[p], &status, 0, &ru), ==, pids[p]);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      pushers_cpu_s += ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    }
  close (ready[0]);
  close (go[1]);
  return now_s () - t0;
}

/* The machine's 1-minute load average (the figures depend on what else runs). */
static const char *
load_average (void)
{
  static char text[32];
  g_autofree char *bytes = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &bytes, NULL, NULL))
    return "?";
  g_strlcpy (text, bytes, sizeof text);
  *strchrnul (text, ' ') = 0;
  return text;
}

/* BENCH_STATS: the push's statements by the server's total time (top level and inside triggers). */
static void
print_statement_stats (PGconn *conn)
{
  /* Summed over the outlets' roles (each role's statement is an entry of its own). */
  g_autoptr(PGresult) res = PQexec (conn, "SELECT round(sum(total_exec_time))::text, sum(calls)::text,"
                                    " sum(rows)::text, q FROM (SELECT total_exec_time, calls, rows,"
                                    " regexp_replace(left(query, 300), '\\s+', ' ', 'g') AS q"
                                    " FROM pg_stat_statements) s GROUP BY q ORDER BY sum(total_exec_time) DESC LIMIT 16");

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("pg_stat_statements: %s", PQerrorMessage (conn));
  g_printerr ("   server time during the push (ms, calls, rows, statement):\n");
  for (int i = 0; i < PQntuples (res); i++)
    g_printerr ("   %8s %8s %9s  %.150s\n", PQgetvalue (res, i, 0), PQgetvalue (res, i, 1), PQgetvalue (res, i, 2),
                PQgetvalue (res, i, 3));
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The @q quantile (0..1) of @v, nearest rank. */
static double
quantile (GArray *v, double q)
{
  guint rank;

  g_array_sort (v, cmp_double);
  rank = (guint) ceil (q * v->len);
  return g_array_index (v, double, rank ? rank - 1 : 0);
}

/* ---- 2. the central database's history, bulk-loaded ---- */

/* SQL helpers of the load (a schema of the benchmark's own, dropped at the end): names, identifiers and the
 * rows' JSON as the counters' triggers write them (cd-store-outbox.h). */
static const char bench_functions[] =
  "CREATE SCHEMA bench;"
  "CREATE FUNCTION bench.pick(a text[], i bigint) RETURNS text LANGUAGE sql IMMUTABLE"
  "  AS $$ SELECT a[1 + (i % array_length(a, 1))] $$;"
  /* A company: city + two characters + trade + 有限公司; a person: surname + given names. */
  "CREATE FUNCTION bench.customer_name(i bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN i % 3 <> 0"
  "  THEN bench.pick('{乌鲁木齐,昌吉,伊犁,喀什,阿克苏,哈密,吐鲁番,克拉玛依,石河子,库尔勒,和田,塔城,阿勒泰,博乐}', i)"
  "    || bench.pick('{天,山,瀚,海,金,源,绿,洲,丝,路,新,华,雪,莲,胡,杨,昆,仑,博,格,达,戈,壁,明,珠,长,风,西,域,宏}', i / 14)"
  "    || bench.pick('{泰,盛,安,达,通,远,恒,信,丰,瑞,和,昌,兴,隆,祥,德,鑫,晟,嘉,禾,众,诚,润,宇,峰,川,康,泽,弘,茂}', i / 420)"
  "    || bench.pick('{建设工程,商贸,农业科技,能源,物流,电子科技,建筑安装,石油技术,棉业,果业,畜牧,旅游开发,信息技术,环保科技,"
  "医药,食品,纺织,矿业,运输,房地产开发}', i / 12600) || '有限公司'"
  "  ELSE bench.pick('{王,李,张,刘,陈,杨,赵,黄,周,吴,徐,孙,马,朱,胡,郭,艾,买,阿,热,古,努,吐,依}', i)"
  "    || bench.pick('{伟,芳,娜,敏,静,丽,强,磊,军,洋,勇,艳,杰,娟,涛,明,超,秀,霞,平,刚,古丽,江,提,尔,孜,汗,克}', i / 24)"
  "    || bench.pick('{英,华,明,兰,新,文,丹,玲,斌,红,木,拉,尔,别,克,江,买,提,力,娜}', i / 672) END $$;"
  "CREATE FUNCTION bench.uscc(i bigint) RETURNS text LANGUAGE sql IMMUTABLE"
  "  AS $$ SELECT CASE WHEN i % 3 <> 0 THEN '9165' || lpad(((i * 7919) % 100000000000000)::text, 14, '0') END $$;"
  "CREATE FUNCTION bench.id_number(i bigint) RETURNS text LANGUAGE sql IMMUTABLE"
  "  AS $$ SELECT CASE WHEN i % 3 = 0 THEN '65' || lpad(((i * 104729) % 10000000000000000)::text, 16, '0') END $$;"
  /* i::text, not text || bigint: that operator is STABLE (anytextcat), and an IMMUTABLE SQL function holding a
   * STABLE call is not inlined but run through the SQL-function executor on every call (16 µs against 4 µs a
   * call under load; three to four calls a row). The texts hashed are the same. */
  "CREATE FUNCTION bench.hex(kind text, i bigint) RETURNS text LANGUAGE sql IMMUTABLE"
  "  AS $$ SELECT md5(kind || i::text) $$;"
  "CREATE FUNCTION bench.counter(o int) RETURNS uuid LANGUAGE sql IMMUTABLE"
  "  AS $$ SELECT md5('history-counter' || o::text)::uuid $$;";

static gint64 n_customers (gint64 apps) { return apps * 2 / 5; }

/* Customers @from..@to (1-based): 2 of 3 companies with a USCC, 1 of 3 persons with an ID number. As counters
 * send them since issue 17: a person's name, ID number and mobile sealed ("cd1.…", a different text in every row)
 * with their blind indexes beside them. The load cannot compute the CA's HMAC in SQL (the key never leaves the
 * key set), so the indexes are stand-ins of the same form and selectivity, "bi1." + md5(kind ‖ value), which
 * lookup_index() computes for the questions: the server compares text either way. */
static char *
customers_sql (gint64 from, gint64 to)
{
  return g_strdup_printf (
    "INSERT INTO certdesk.customer (uuid, outlet_code, counter_uuid, local_id, seq, data)"
    " SELECT bench.hex('cust', i)::uuid, 'XJ-' || lpad((i %% %d)::text, 2, '0'), bench.counter((i %% %d)::int), i, i,"
    "  CASE WHEN i %% 3 <> 0 THEN jsonb_build_object('id', i, 'kind', 'unit',"
    "   'name', bench.customer_name(i), 'uscc', bench.uscc(i), 'data', '{}', 'updated_at', '2026-06-01T08:00:00Z')"
    "  ELSE jsonb_build_object('id', i, 'kind', 'person',"
    "   'name', 'cd1.0123456789abcdef.' || md5('n' || i || random()), 'uscc', NULL,"
    "   'id_number', 'cd1.0123456789abcdef.' || md5('i' || i || random()),"
    "   'mobile', 'cd1.0123456789abcdef.' || md5('m' || i || random()), 'data', '{}',"
    "   'name_bidx', 'bi1.' || md5('name' || bench.customer_name(i)),"
    "   'id_number_bidx', 'bi1.' || md5('id_number' || bench.id_number(i)),"
    "   'mobile_bidx', 'bi1.' || md5('mobile' || '139' || lpad((i %% 100000000)::text, 8, '0')),"
    "   'updated_at', '2026-06-01T08:00:00Z') END"
    " FROM generate_series(%" G_GINT64_FORMAT "::bigint, %" G_GINT64_FORMAT "::bigint) AS i",
    N_OUTLETS, N_OUTLETS, from, to);
}

/* The stand-in blind index of a typed @value as customers_sql writes it. */
static char *
lookup_index (const char *kind, const char *value)
{
  g_autofree char *text = g_strconcat (kind, value, NULL);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);

  return g_strconcat ("bi1.", md5, NULL);
}

#define APPS_FROM \
    " FROM (SELECT i, 'XJ-' || lpad((i %% %d)::text, 2, '0') AS outlet, bench.counter((i %% %d)::int) AS counter," \
    "   1 + (i * 7919) %% %" G_GINT64_FORMAT " AS cust, (DATE '2026-12-06' - (i / %d)::int)::text AS day," \
    "   CASE WHEN i %% 25 = 0 THEN 'voided' ELSE 'closed' END AS state," \
    "   (ARRAY['new','new','new','new','renew','renew','renew','replace','unlock','change','revoke','new'])[1 + i %% 12]" \
    "   AS business, 10000 * (1 + i %% 5) AS fee" \
    "  FROM generate_series(%" G_GINT64_FORMAT "::bigint, %" G_GINT64_FORMAT "::bigint) AS i) s"

/* Applications @from..@to with their payments (none for a voided one), certificates (closed ones) and the
 * voided ones' audit rows (@table: "application", "payment", "certificate", "audit_row"), about
 * APPS_PER_DAY a day backwards from 2026-12-06, the rows' JSON as the counters write it (no PEM: the
 * certificate's PEM is not read by the lookup or the report). */
static char *
applications_sql (const char *table, gint64 from, gint64 to, gint64 customers)
{
  g_autofree char *from_sql = g_strdup_printf (APPS_FROM, N_OUTLETS, N_OUTLETS, customers, APPS_PER_DAY, from, to);

  if (g_str_equal (table, "application"))
    return g_strconcat (
      "INSERT INTO certdesk.application (uuid, outlet_code, counter_uuid, local_id, seq, data)"
      " SELECT bench.hex('app', i)::uuid, outlet, counter, i, i, jsonb_build_object('id', i,"
      "  'number', outlet || '-' || replace(day, '-', '') || '-' || lpad(i::text, 8, '0'), 'outlet_id', 1,"
      "  'clerk_id', 1 + i % 3, 'applicant_id', cust, 'applicant_uuid', bench.hex('cust', cust),"
      "  'profile', 'xj-fee-mgmt', 'business', business,"
      "  'applicant_type', CASE WHEN cust % 3 <> 0 THEN 'enterprise' ELSE 'individual' END, 'state', state,"
      "  'step', 'done', 'name', bench.customer_name(cust), 'fee_total_fen', fee, 'data', '{}', 'day', day,"
      "  'created_at', day || 'T03:00:00Z', 'updated_at', day || 'T03:30:00Z',"
      "  'void_reason', CASE WHEN state = 'voided' THEN '申请人放弃办理' END)", from_sql, NULL);
  if (g_str_equal (table, "payment"))
    return g_strconcat (
      "INSERT INTO certdesk.payment (uuid, outlet_code, counter_uuid, local_id, seq, data)"
      " SELECT bench.hex('pay', i)::uuid, outlet, counter, i, i, jsonb_build_object('id', i, 'application_id', i,"
      "  'application_uuid', bench.hex('app', i),"
      "  'method', (ARRAY['cash','wechat','alipay','bank-card','bank-transfer'])[1 + i % 5],"
      "  'amount_fen', fee, 'received_fen', fee, 'invoice_requested', 0, 'clerk_id', 1 + i % 3, 'day', day,"
      "  'at', day || 'T03:10:00Z')", from_sql, " WHERE state <> 'voided'", NULL);
  if (g_str_equal (table, "audit_row"))
    /* A void's audit row as the counter's cd_application_store_transition writes it (the detail a JSON text):
     * the report lists each void of the day (report_app_event, through audit_row_report_void). The other audit
     * rows of an application (its seven other state changes, key and certificate: some 80 million at 10
     * million applications) are not loaded: no query of the lookup or the report reads them, and the push's
     * own 400,000 are there. local_id: the row's place in its counter's chain, unique per counter. */
    return g_strconcat (
      "INSERT INTO certdesk.audit_row (uuid, outlet_code, counter_uuid, local_id, seq, data)"
      " SELECT bench.hex('audit', i)::uuid, outlet, counter, i, i, jsonb_build_object('id', i,"
      "  'at', day || 'T03:40:00Z', 'actor', 'clerk:clerk' || (1 + i % 3)::text, 'action', 'application.state',"
      "  'entity', 'application', 'entity_id', i,"
      "  'detail', '{\"reason\":\"申请人放弃办理\",\"from\":\"checked\",\"to\":\"voided\"}',"
      "  'prev_hash', md5('prev' || i::text) || md5('prev2' || i::text),"
      "  'hash', md5('hash' || i::text) || md5('hash2' || i::text))", from_sql, " WHERE state = 'voided'", NULL);
  return g_strconcat (
    "INSERT INTO certdesk.certificate (uuid, outlet_code, counter_uuid, local_id, seq, data)"
    " SELECT bench.hex('cert', i)::uuid, outlet, counter, i, i, jsonb_build_object('id', i,"
    "  'serial', upper(lpad(to_hex(i), 12, '0')) || 'C1', 'application_id', i, 'application_uuid', bench.hex('app', i),"
    "  'applicant_uuid', bench.hex('cust', cust), 'token_id', i, 'issuer', 'cmp',"
    "  'subject', 'CN=' || bench.customer_name(cust) || ',C=CN', 'not_before', day || 'T03:20:00Z',"
    "  'not_after', (day::date + 365)::text || 'T03:20:00Z', 'state', 'issued', 'day', day,"
    "  'at', day || 'T03:20:00Z')", from_sql, " WHERE state = 'closed'", NULL);
}

/* Runs @sqls on the two connections, each taking the next statement when its last one is done (two cores, two
 * server processes always busy, whatever each statement costs), in the order given. */
static void
pg_queue (PGconn *a, PGconn *b, GPtrArray *sqls)
{
  PGconn *conns[] = { a, b };
  const char *running[] = { NULL, NULL };
  guint next = 0;

  for (;;)
    {
      struct pollfd fds[2];
      int n = 0;

      for (int c = 0; c < 2; c++)
        if (!running[c] && next < sqls->len)
          {
            running[c] = sqls->pdata[next++];
            if (!PQsendQuery (conns[c], running[c]))
              g_error ("%.300s: %s", running[c], PQerrorMessage (conns[c]));
          }
      for (int c = 0; c < 2; c++)
        if (running[c])
          fds[n++] = (struct pollfd) { .fd = PQsocket (conns[c]), .events = POLLIN };
      if (n == 0)
        return;
      if (poll (fds, n, -1) < 0)
        continue;
      for (int c = 0; c < 2; c++)
        {
          PGresult *res;

          if (!running[c])
            continue;
          if (!PQconsumeInput (conns[c]))
            g_error ("%.300s: %s", running[c], PQerrorMessage (conns[c]));
          if (PQisBusy (conns[c]))
            continue;
          while ((res = PQgetResult (conns[c])))
            {
              ExecStatusType st = PQresultStatus (res);
              if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
                g_error ("%.300s: %s", running[c], PQerrorMessage (conns[c]));
              PQclear (res);
            }
          running[c] = NULL;
        }
    }
}

/* The indexes of the bulk-loaded @tables, their primary keys too, are dropped for the load and made again
 * afterwards from their own definitions (a sorted build instead of millions of random inserts, the UUID keys
 * above all): returns the statements that make them again, the schema ending as it was. Nothing refers to
 * these tables' keys (no foreign key; the push's ON CONFLICT needs them only while it runs, before). */
static GPtrArray *
drop_indexes (PGconn *conn, const char *tables)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),"
    "  format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname, pg_get_constraintdef(oid))"
    " FROM pg_constraint WHERE contype = 'p' AND conrelid = ANY (ARRAY[%s]::regclass[])"
    " UNION ALL SELECT format('DROP INDEX certdesk.%%I', indexname), indexdef FROM pg_indexes"
    "  WHERE schemaname = 'certdesk' AND 'certdesk.' || tablename = ANY (ARRAY[%s])"
    "  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype = 'p')", tables, tables);
  g_autoptr(PGresult) res = PQexec (conn, sql);
  GPtrArray *defs = g_ptr_array_new_with_free_func (g_free);

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  for (int i = 0; i < PQntuples (res); i++)
    {
      pg_ok (conn, PQgetvalue (res, i, 0));
      g_ptr_array_add (defs, g_strdup (PQgetvalue (res, i, 1)));
    }
  return defs;
}

/* Settings of the server for the load only, as for a restore: no autovacuum racing the load for the two cores
 * (the load ends with its own VACUUM ANALYZE), no wait for the WAL at each commit, and the WAL recycled after
 * 4 GB rather than 16 (the full run's tables take some 30 GB of /tmp; with fsync off a checkpoint costs only its
 * writes). The test server always runs with fsync=off and full_page_writes=off (cd-test-pg.c) and
 * wal_level=minimal (main). */
static const char *const load_settings[] = {
  "ALTER SYSTEM SET autovacuum = off", "ALTER SYSTEM SET synchronous_commit = off",
  "ALTER SYSTEM SET max_wal_size = '4GB'", "SELECT pg_reload_conf()", NULL
};
static const char *const load_settings_restored[] = {
  "ALTER SYSTEM RESET autovacuum", "ALTER SYSTEM RESET synchronous_commit", "ALTER SYSTEM RESET max_wal_size",
  "SELECT pg_reload_conf()", NULL
};

/* Rows of one table's statements per chunk: the two connections take chunks in turn. */
#define LOAD_CHUNK 250000

/* Applications @from..@to with their payments, certificates and the voids' audit rows (and their customers when
 * @with_customers), in chunks on two connections at once, with the loaded tables' indexes dropped before and made again
 * after; then the settings restored, a CHECKPOINT (the load's dirty pages written before anything is timed), and
 * VACUUM ANALYZE of the tables loaded (the visibility map that index-only scans need, and statistics). */
static double
bulk_load (PGconn *a, PGconn *b, gint64 from, gint64 to, gboolean with_customers)
{
  gint64 customers = n_customers (n_bulk);
  double t0 = now_s (), t;
  const char *tables = with_customers ? "'certdesk.customer', 'certdesk.application', 'certdesk.payment',"
                                        " 'certdesk.certificate'"
                                      : "'certdesk.application', 'certdesk.payment', 'certdesk.certificate'";
  g_autoptr(GPtrArray) defs = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) vacuum = g_ptr_array_new ();
  GString *steps = g_string_new (NULL);

  for (int i = 0; load_settings[i]; i++)
    pg_ok (a, load_settings[i]);
  defs = drop_indexes (a, tables);
  if (with_customers)
    for (gint64 c = 1; c <= customers; c += LOAD_CHUNK)
      g_ptr_array_add (rows, customers_sql (c, MIN (c + LOAD_CHUNK - 1, customers)));
  for (gint64 c = from; c <= to; c += LOAD_CHUNK)
    {
      gint64 last = MIN (c + LOAD_CHUNK - 1, to);
      g_ptr_array_add (rows, applications_sql ("application", c, last, customers));
      g_ptr_array_add (rows, applications_sql ("payment", c, last, customers));
      g_ptr_array_add (rows, applications_sql ("audit_row", c, last, customers));
      /* Also in the second load: the report counts the day's certificates by business. */
      g_ptr_array_add (rows, applications_sql ("certificate", c, last, customers));
    }
  t = now_s ();
  pg_queue (a, b, rows);
  g_string_append_printf (steps, " rows %.0f s (%u statements of up to %d rows),", now_s () - t, rows->len,
                          LOAD_CHUNK);
  t = now_s ();
  pg_queue (a, b, defs);
  g_string_append_printf (steps, " %u indexes and keys %.0f s,", defs->len, now_s () - t);
  t = now_s ();
  for (int i = 0; load_settings_restored[i]; i++)
    pg_ok (a, load_settings_restored[i]);
  pg_ok (a, "CHECKPOINT");
  g_string_append_printf (steps, " settings restored and CHECKPOINT %.0f s,", now_s () - t);
  t = now_s ();
  if (with_customers)
    g_ptr_array_add (vacuum, "VACUUM ANALYZE certdesk.customer");
  g_ptr_array_add (vacuum, "VACUUM ANALYZE certdesk.certificate");
  g_ptr_array_add (vacuum, "VACUUM ANALYZE certdesk.application");
  g_ptr_array_add (vacuum, "VACUUM ANALYZE certdesk.payment");
  g_ptr_array_add (vacuum, "VACUUM ANALYZE certdesk.audit_row");
  pg_queue (a, b, vacuum);
  g_string_append_printf (steps, " VACUUM ANALYZE %.0f s", now_s () - t);
  g_print ("   load (autovacuum off, synchronous_commit off, max_wal_size 4GB during the load only):%s\n",
           steps->str);
  g_string_free (steps, TRUE);
  return now_s () - t0;
}

/* A question of the lookup: the text as typed, normalised as an identifier, and its (stand-in) blind indexes. */
typedef struct {
  char *text;
  char *ident;
  char *name_bidx;
  char *id_number_bidx;
  char *mobile_bidx;
} Lookup;

/* N_LOOKUPS questions: a third by USCC, a third by ID number, a third by a name fragment (four characters
 * from the middle of a company's name, or a person's full name), of customers picked at random. */
static GArray *
central_questions (PGconn *conn)
{
  GArray *qs = g_array_new (FALSE, TRUE, sizeof (Lookup));
  g_autoptr(GRand) rand = g_rand_new_with_seed (16);
  gint64 customers = n_customers (n_bulk);

  for (int i = 0; i < N_LOOKUPS; i++)
    {
      gint64 c = g_rand_int_range (rand, 1, (gint32) MIN (customers, G_MAXINT32));
      Lookup q = { 0 };
      g_autofree char *sql = NULL;
      g_autoptr(PGresult) res = NULL;

      if (i % 3 == 0)
        c += (3 - c % 3) % 3 + 1; /* a company */
      else if (i % 3 == 1)
        c += (3 - c % 3) % 3;     /* a person */
      if (c > customers)
        c -= 3;
      sql = g_strdup_printf ("SELECT bench.customer_name(%" G_GINT64_FORMAT "), coalesce(bench.uscc(%" G_GINT64_FORMAT
                             "), bench.id_number(%" G_GINT64_FORMAT "))", c, c, c);
      res = PQexec (conn, sql);
      g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
      if (i % 3 == 2)
        {
          const char *name = PQgetvalue (res, 0, 0);
          q.text = g_utf8_strlen (name, -1) > 8 ? g_utf8_substring (name, 2, 6) : g_strdup (name);
        }
      else
        q.text = g_strdup (PQgetvalue (res, 0, 1));
      q.ident = cd_ident_normalize (q.text);
      q.name_bidx = lookup_index ("name", q.text);
      q.id_number_bidx = lookup_index ("id_number", q.ident);
      q.mobile_bidx = lookup_index ("mobile", q.ident);
      g_array_append_val (qs, q);
    }
  return qs;
}

/* p95 of the lookups as outlet 0's role (row-level security on), each exactly as `customer find --central` asks
 * the central database (cd_central_lookup_customers_on: units by name fragment or USCC, persons through the blind
 * indexes, each customer's certificates); @found: hits of all lookups. */
static double
time_central_lookups (GArray *qs, gint64 *found, double *median)
{
  g_autoptr(PGconn) conn = cd_test_pg_connect (server, "outlet_00");
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  *found = 0;
  for (guint i = 0; i < qs->len; i++)
    {
      Lookup *q = &g_array_index (qs, Lookup, i);
      g_autoptr(GError) error = NULL;
      double t0 = now_s (), v;
      g_autoptr(JsonNode) r = cd_central_lookup_customers_on (conn, NULL, q->text, q->ident, q->name_bidx,
                                                              q->id_number_bidx, q->mobile_bidx, 20, &error);

      g_assert_no_error (error);
      v = (now_s () - t0) * 1000;
      *found += json_array_get_length (json_object_get_array_member (json_node_get_object (r), "customers")) > 0;
      g_array_append_val (ms, v);
    }
  *median = quantile (ms, 0.5);
  return quantile (ms, 0.95);
}

/* The peer: cd_central_find_customers on counter 0's SQLite after it pulled every counter's day. */
static double
time_local_lookups (CdStore *store, gint64 *found, double *median)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  *found = 0;
  for (int i = 0; i < N_LOOKUPS; i++)
    {
      /* Every counter's day holds counter 0's people (copy_counter): each is found at every outlet. */
      int k = 0, a = (i * 53) % APPS_PER_COUNTER;
      g_autofree char *text = i % 2 ? id_number_for (k, a) : person_name_for (k, a);
      g_autoptr(GError) error = NULL;
      double t0 = now_s (), v;
      g_autoptr(JsonNode) r = cd_central_find_customers (store, text, 20, &error);

      g_assert_no_error (error);
      v = (now_s () - t0) * 1000;
      *found += json_array_get_length (json_object_get_array_member (json_node_get_object (r), "customers")) > 0;
      g_array_append_val (ms, v);
    }
  *median = quantile (ms, 0.5);
  return quantile (ms, 0.95);
}

/* ---- 3. the head office's day report ---- */

/* cd_central_report_build (src/central/cd-central-report.c, what `report --central` and the head office's
 * reports page run) for one day, every outlet, as the head office's role; median of @runs days. */
static double
time_central_report (CdContext *ctx, gint64 *outlets, gint64 *apps, int runs)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *url = cd_test_pg_url (server, "head_office");
  gint64 days = (2 * n_bulk) / APPS_PER_DAY;

  for (int r = 0; r < runs; r++)
    {
      g_autoptr(GDate) d = g_date_new_dmy (6, 12, 2026);
      g_autoptr(GError) error = NULL;
      char day[16];
      CdCentralReportQuery q = { day, day, NULL, url };
      g_autoptr(JsonNode) rep = NULL;
      double t0, v;

      /* Days spread over the history, none at its partly filled ends. */
      g_date_subtract_days (d, 1 + (guint) ((r * 37) % MAX (days - 2, 1)));
      g_date_strftime (day, sizeof day, "%Y-%m-%d", d);
      t0 = now_s ();
      rep = cd_central_report_build (ctx, &q, &error);
      if (!rep)
        g_error ("report --central: %s", error->message);
      v = (now_s () - t0) * 1000;
      g_array_append_val (ms, v);
      if (r == 0)
        {
          JsonObject *o = json_node_get_object (rep);
          g_autoptr(JsonGenerator) gen = json_generator_new ();
          g_autofree char *text = NULL;

          *outlets = json_array_get_length (json_object_get_array_member (o, "outlets"));
          json_generator_set_root (gen, rep);
          text = json_generator_to_data (gen, NULL);
          /* How many applications the day had, as the report counts them. */
          *apps = json_object_has_member (o, "count") ? json_object_get_int_member (o, "count") : -1;
          if (g_getenv ("BENCH_SHOW_REPORT"))
            g_printerr ("%s\n", text);
        }
    }
  return quantile (ms, 0.5);
}

static double
time_local_report (CdContext *ctx)
{
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GDateTime) today = cd_store_now (cd_context_get_store (ctx));
  g_autofree char *day = g_date_time_format (today, "%Y-%m-%d");

  for (int r = 0; r < REPORT_RUNS; r++)
    {
      CdReportQuery q = { day, day, 0, 0 };
      g_autoptr(GError) error = NULL;
      double t0 = now_s (), v;
      g_autoptr(JsonNode) rep = cd_report_build (ctx, &q, &error);

      g_assert_no_error (error);
      v = (now_s () - t0) * 1000;
      g_array_append_val (ms, v);
    }
  return quantile (ms, 0.5);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin_url = NULL;
  CdTestPgOptions options = {
    /* The central server as a CA would set it for this load (memory for the working set, room for the bulk
     * load's WAL); synchronous_commit stays on (docs/central.md). */
    .settings = "-c shared_buffers=2GB -c max_wal_size=16GB -c checkpoint_timeout=30min -c wal_level=minimal"
                " -c max_wal_senders=0 -c maintenance_work_mem=1GB -c work_mem=64MB -c effective_cache_size=8GB"
                " -c max_parallel_maintenance_workers=1 -c jit=off",
  };
  const char *env;
  int pushers = 4;
  gint64 total_outbox = 0;
  double push_s, server_cpu_s, gen_median_rate, pull_s, load1_s, load2_s;
  double c_p95, c_median, l_p95, l_median, rep_ms, local_rep_ms;
  gint64 pulled = 0, c_found, l_found, rep_rows, rep_apps = 0, apps_central;
  gboolean full, pass;

  setlocale (LC_ALL, "C.UTF-8");
  if ((env = g_getenv ("BENCH_COUNTERS")))
    n_counters = CLAMP (atoi (env), 2, 250);
  if ((env = g_getenv ("BENCH_MILLIONS")))
    n_bulk = (gint64) (g_ascii_strtod (env, NULL) * 1e6);
  if ((env = g_getenv ("BENCH_PUSHERS")))
    pushers = CLAMP (atoi (env), 1, 8);
  full = n_counters == 250 && n_bulk == 5000000;
  /* BENCH_EXPLAIN=1: every statement over 200 ms is logged with its plan (server.log kept in the folder). */
  if (g_getenv ("BENCH_EXPLAIN"))
    options.settings = g_strconcat (options.settings, " -c session_preload_libraries=auto_explain"
                                    " -c auto_explain.log_min_duration=200 -c auto_explain.log_analyze=on", NULL);
  /* BENCH_PLANS=1 (with BENCH_KEEP=1): after the timed lookups and the timed reports, six lookups and one day's
   * report more, untimed, with every statement's EXPLAIN ANALYZE and buffers logged in server.log (auto_explain,
   * switched on for outlet_00 and head_office only then: the figures carry none of its cost): which index each
   * statement reads and how many rows. */
  if (g_getenv ("BENCH_PLANS"))
    options.settings = g_strconcat (options.settings, " -c session_preload_libraries=auto_explain"
                                    " -c auto_explain.log_min_duration=-1 -c auto_explain.log_analyze=on"
                                    " -c auto_explain.log_buffers=on", NULL);
  /* BENCH_STATS=1: the server's time per statement during the push (pg_stat_statements, the triggers' own
   * statements counted apart), printed after it: where the push spends its time. */
  if (g_getenv ("BENCH_STATS"))
    options.settings = g_strconcat (options.settings, " -c shared_preload_libraries=pg_stat_statements"
                                    " -c pg_stat_statements.track=all", NULL);
  workdir = g_dir_make_tmp ("certdesk-bench-central-XXXXXX", &error);
  g_assert_no_error (error);
  server = cd_test_pg_start_with (&options);
  admin_url = cd_test_pg_url (server, "certdesk_admin");

  /* The schema, 50 outlets with their roles, and the head office. */
  CHECK (cd_central_init (admin_url, NULL, NULL, NULL, NULL, NULL, &error));
  for (int o = 0; o < N_OUTLETS; o++)
    {
      g_autofree char *code = g_strdup_printf ("XJ-%02d", o);
      g_autofree char *name = g_strdup_printf ("新疆第%d服务网点", o + 1);
      g_autofree char *role = outlet_role (o);
      CHECK (cd_central_init (admin_url, code, name, role, NULL, NULL, &error));
    }
  {
    g_autoptr(PGconn) admin = cd_test_pg_connect (server, "certdesk_admin");
    pg_ok (admin, "CREATE ROLE head_office LOGIN IN ROLE certdesk_head_office");
  }

  /* 1. The day of every counter, then its push. */
  {
    double t0 = now_s ();
    g_autoptr(PGconn) admin = NULL;

    generate_counters ();
    for (int k = 0; k < n_counters; k++)
      total_outbox += counters[k].outbox;
    gen_median_rate = counters[0].outbox / counters[0].seconds;
    g_print ("central benchmark (load average %s): %d counters of %d outlets, %d applications each (%d in all),"
             " made in %.0f s\n", load_average (), n_counters, N_OUTLETS, APPS_PER_COUNTER,
             n_counters * APPS_PER_COUNTER, now_s () - t0);
    preset_cursors ();
    if (g_getenv ("BENCH_STATS"))
      {
        g_autoptr(PGconn) su = cd_test_pg_connect (server, "certdesk_admin");
        pg_ok (su, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        pg_ok (su, "SELECT pg_stat_statements_reset()");
      }
    server_cpu_s = server_children_cpu_s ();
    push_s = push_all (pushers);
    server_cpu_s = server_children_cpu_s () - server_cpu_s;
    admin = cd_test_pg_connect (server, "certdesk_admin");
    if (g_getenv ("BENCH_STATS"))
      print_statement_stats (admin);
    g_assert_cmpint (pg_int (admin, "SELECT count(*) FROM certdesk.change_event"), ==, total_outbox);
    apps_central = pg_int (admin, "SELECT count(*) FROM certdesk.application WHERE state = 'closed'");
    g_assert_cmpint (apps_central, ==, n_counters * APPS_PER_COUNTER);
    g_assert_cmpint (pg_int (admin, "SELECT count(*) FROM certdesk.certificate"), ==, n_counters * APPS_PER_COUNTER);
    g_print ("1. a day's work pushed: %" G_GINT64_FORMAT " outbox rows (%.1f per application: customer, application"
             " and its states, payment, key, certificate, audit rows) in %.1f s by %d counters at a time, %.0f rows/s"
             " (target < 60 s); load average %s after it; CPU time: the server's %.1f s, the counters' %.1f s\n",
             total_outbox, (double) total_outbox / (n_counters * APPS_PER_COUNTER), push_s, pushers,
             total_outbox / push_s, load_average (), server_cpu_s, pushers_cpu_s);
    g_print ("   peer: one counter's SQLite records the same work through the store API at %.0f outbox rows/s"
             " (%.1f s for its day of %d applications)\n", gen_median_rate, counters[0].seconds, APPS_PER_COUNTER);
  }

  /* Counter 0 pulls every other counter's customers and certificates (its cursors cleared): the copy its own
   * lookup reads. */
  {
    g_autoptr(CdStore) store = NULL;
    g_autofree char *dir = counter_dir (0);
    g_autofree char *path = g_build_filename (dir, "certdesk.db", NULL);
    CdCentralSyncResult r;
    double t0;

    store = cd_store_open (path, &error);
    g_assert_no_error (error);
    CHECK (cd_store_exec (store, "DELETE FROM sync_cursor", &error));
    t0 = now_s ();
    CHECK (cd_central_sync (store, &r, &error));
    pull_s = now_s () - t0;
    pulled = r.pulled;
    l_p95 = time_local_lookups (store, &l_found, &l_median);
  }

  /* 2. The history: n_bulk applications with their customers, payments and certificates. */
  {
    g_autoptr(PGconn) a = cd_test_pg_connect (server, "certdesk_admin");
    g_autoptr(PGconn) b = cd_test_pg_connect (server, "certdesk_admin");
    g_autoptr(GArray) qs = NULL;

    /* The bulk load builds its rows' references right (every outlet and counter exists): no foreign-key
     * trigger per row, as a restore does it. */
    pg_ok (a, "SET session_replication_role = replica");
    pg_ok (b, "SET session_replication_role = replica");

    pg_ok (a, bench_functions);
    for (int o = 0; o < N_OUTLETS; o++)
      {
        g_autofree char *sql = g_strdup_printf ("INSERT INTO certdesk.counter (uuid, outlet_code, name)"
                                                " VALUES (bench.counter(%d), 'XJ-%02d', 'history')", o, o);
        pg_ok (a, sql);
      }
    load1_s = bulk_load (a, b, 1, n_bulk, TRUE);
    g_print ("2. history loaded: %" G_GINT64_FORMAT " applications, %" G_GINT64_FORMAT " customers, their payments,"
             " certificates and voids' audit rows in %.0f s, %.0f applications/s with their rows (load average %s)\n",
             pg_int (a, "SELECT count(*) FROM certdesk.application"),
             pg_int (a, "SELECT count(*) FROM certdesk.customer"), load1_s, n_bulk / load1_s, load_average ());
    qs = central_questions (a);
    c_p95 = time_central_lookups (qs, &c_found, &c_median);
    g_print ("   customer lookup over the central database: p95 %.2f ms, median %.2f ms of %d (by USCC, ID number,"
             " name fragment; %" G_GINT64_FORMAT " found something) (target p95 < 50 ms) (load average %s)\n", c_p95,
             c_median, N_LOOKUPS, c_found, load_average ());
    if (g_getenv ("BENCH_PLANS"))
      {
        g_autoptr(GArray) some = g_array_new (FALSE, FALSE, sizeof (Lookup));
        gint64 found;
        double median;

        g_array_append_vals (some, qs->data, MIN (qs->len, 6));
        pg_ok (a, "ALTER ROLE outlet_00 SET auto_explain.log_min_duration = 0");
        time_central_lookups (some, &found, &median);
        pg_ok (a, "ALTER ROLE outlet_00 RESET auto_explain.log_min_duration");
      }
    g_print ("   peer: the counter's own lookup (cd_central_find_customers) over its SQLite with every outlet's"
             " day pulled (%" G_GINT64_FORMAT " changes pulled in %.1f s): p95 %.2f ms, median %.2f ms"
             " (%" G_GINT64_FORMAT " of %d found)\n", pulled, pull_s, l_p95, l_median, l_found, N_LOOKUPS);
    for (guint i = 0; i < qs->len; i++)
      {
        g_free (g_array_index (qs, Lookup, i).text);
        g_free (g_array_index (qs, Lookup, i).ident);
        g_free (g_array_index (qs, Lookup, i).name_bidx);
        g_free (g_array_index (qs, Lookup, i).id_number_bidx);
        g_free (g_array_index (qs, Lookup, i).mobile_bidx);
      }

    /* 3. As many applications again, then the day report. */
    load2_s = bulk_load (a, b, n_bulk + 1, 2 * n_bulk, FALSE);
    g_print ("3. history grown to %" G_GINT64_FORMAT " applications (%.0f s, %.0f applications/s with their rows;"
             " load average %s)\n", pg_int (a, "SELECT count(*) FROM certdesk.application"), load2_s,
             n_bulk / load2_s, load_average ());
    {
      g_autofree char *dir = counter_dir (0);
      g_autoptr(CdContext) ctx = cd_context_new (dir, NULL, &error);
      g_assert_no_error (error);
      rep_ms = time_central_report (ctx, &rep_rows, &rep_apps, REPORT_RUNS);
      if (g_getenv ("BENCH_PLANS"))
        {
          gint64 outlets, apps;

          pg_ok (a, "ALTER ROLE head_office SET auto_explain.log_min_duration = 0");
          time_central_report (ctx, &outlets, &apps, 1);
          pg_ok (a, "ALTER ROLE head_office RESET auto_explain.log_min_duration");
        }
      local_rep_ms = time_local_report (ctx);
    }
    g_print ("   the head office's day report (cd_central_report_build, every outlet): %.1f ms median of %d days"
             " (%" G_GINT64_FORMAT " outlets, about %d applications a day) (target < 1000 ms) (load average %s)\n",
             rep_ms, REPORT_RUNS, rep_rows, APPS_PER_DAY, load_average ());
    g_print ("   peer: `report` of the day on one counter's SQLite file (%d applications): %.1f ms median\n",
             APPS_PER_COUNTER, local_rep_ms);
    pg_ok (a, "DROP SCHEMA bench CASCADE");
  }

  pass = push_s < 60 && c_p95 < 50 && rep_ms < 1000;
  if (full)
    g_print ("   %s\n", pass ? "PASS" : "FAIL: above target");
  else
    g_print ("   (a smaller run: BENCH_COUNTERS/BENCH_MILLIONS; targets judged on the full run only)\n");
  if (g_getenv ("BENCH_KEEP"))
    {
      g_autofree char *log = NULL;
      g_autofree char *copy = g_build_filename (workdir, "server.log", NULL);
      gsize len;
      if (g_file_get_contents (cd_test_pg_log (server), &log, &len, NULL))
        g_file_set_contents (copy, log, len, NULL);
    }
  cd_test_pg_stop (server);
  if (g_getenv ("BENCH_KEEP"))
    g_print ("   counters' files kept in %s\n", workdir);
  else
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", workdir);
      g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
    }
  return !full || pass ? 0 : 1;
}
