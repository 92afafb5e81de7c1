/* pki-crash-util.h: what the crash campaigns (test-pki-crash.c on the local CA, test-pki-crash-cmp.c over CMP)
 * share: running certdesk-cli that kills itself at a point or after a delay (CERTDESK_TEST_CRASH_AT,
 * CERTDESK_TEST_CRASH_AFTER_MS), resuming with `burn --id`, the kill points, the random-delay loop, and the
 * invariants checked from outside that do not depend on the CA (one issued certificate and application, the PIN
 * slip opens the key which holds the certificate, no note left, `audit verify`). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pki-test-util.h"

G_BEGIN_DECLS

/* The campaign of this process: set by its main() (or fixture) before the tests run. */
typedef struct {
  const char         *module;      /* the PKCS#11 module the campaign burns on */
  const char         *profile;     /* the application's profile (a random-PIN one) */
  const char *const  *env;         /* more environment for every run, name/value pairs, NULL-ended (or NULL) */
  const char *const  *burn_opts;   /* the options accept and burn take beyond the application (module, issuer) */
  void (*fresh) (PkiFixture *f);   /* a new counter with a blank key, before each kill */
  void (*check) (PkiFixture *f, const char *what);   /* the invariants after a kill and its resume */
  guint               total_kills;
  guint               retries;     /* resumes the key refused once and took on the clerk's retry */
  guint               signed_count;   /* how many certificates the CA signed, at the last check */
} PkiCrash;

extern PkiCrash pki_crash;

const char *pki_crash_cli       (void);
/* certdesk-cli's argv begun: the program, --db @db (NULL: the fixture's), --data-dir; the caller adds the rest
 * and the NULL. */
GPtrArray  *pki_crash_argv      (PkiFixture *f, const char *db);
/* The campaign's application (its profile) in @f's folder, and the PIN slip's path there. */
char       *pki_crash_app_file  (PkiFixture *f);
char       *pki_crash_slip_path (PkiFixture *f);
/* The PIN on the slip file, or NULL. */
char       *pki_crash_slip_pin  (const char *path);
/* The children's environment: the fixture's key folder, the SO PIN, no PIN, the campaign's and @extra. */
GStrv       pki_crash_env       (PkiFixture *f, const char *const *extra);
/* Runs certdesk-cli on @db (NULL: the fixture's) with the arguments, then pki_crash.burn_opts when @burn;
 * *out_signal: the signal that ended it, or 0; *out_text: stdout and stderr. Returns the exit code or -1. */
int         pki_crash_run       (PkiFixture *f, const char *const *extra_env, const char *db, gboolean burn,
                                 int *out_signal, char **out_text, ...) G_GNUC_NULL_TERMINATED;
/* A value from the database, the context opened for it and closed again. */
gint64      pki_crash_db_int    (PkiFixture *f, const char *sql);

/* `burn --id` after a kill (or `accept` again when nothing was stored), with the clerk's retry, at most twice,
 * when a kill inside a PKCS#11 call left the key refusing the next one. Returns the exit code. */
int         pki_crash_try_resume (PkiFixture *f, const char *app, const char *what, char **out_text);
/* The same, which must succeed. */
void        pki_crash_resume     (PkiFixture *f, const char *app, const char *what);
/* One kill on a fresh counter: accept with @env, which must end by SIGKILL (FALSE when it finished: the point was
 * not reached; the invariants are checked either way). */
gboolean    pki_crash_kill_and_resume (PkiFixture *f, const char *const *env, const char *what);
/* pki_crash_kill_and_resume with CERTDESK_TEST_CRASH_AT @point, which the burn must reach. */
void        pki_crash_kill_at   (PkiFixture *f, const char *point);

/* Every kill point: each journal step's start and done, then @extra (NULL-ended). */
GPtrArray  *pki_crash_points    (const char *const *extra);
/* Kills after random delays below @span ms until CERTDESK_CRASH_KILLS (default @default_kills) kills, which it
 * asserts were reached in at most kills * 4 + 10 runs; a run that finishes first shortens the span. Returns the
 * kills; *out_runs, *out_second, *out_seconds: the runs, the resumes the CA signed again for, the time taken. */
guint       pki_crash_random_delays (PkiFixture *f, guint default_kills, guint span, guint *out_runs,
                                     guint *out_second, double *out_seconds);

/* With the context open: one certificate and one application recorded issued. */
void        pki_crash_check_one_issued (PkiFixture *f);
/* The slip's PIN opens the key @label, which holds the certificate; no note of an unrecorded certificate is
 * left; `audit verify` exits 0. */
void        pki_crash_check_key_and_audit (PkiFixture *f, const char *label, const char *what);

G_END_DECLS
