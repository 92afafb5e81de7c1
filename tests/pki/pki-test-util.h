/* pki-test-util.h: what the pki tests share: a temporary counter (state dir, database, SoftHSM2 token
 * folder), applications brought to "printed", and running the outsiders' tools. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-application-store.h"
#include "cd-burn.h"
#include "cd-context.h"

G_BEGIN_DECLS

#define PKI_SOFTHSM "/usr/lib/softhsm/libsofthsm2.so"
#define PKI_SO_PIN  "87654321"
#define PKI_PIN     "123456"

typedef struct {
  char      *dir;
  char      *state_dir;
  char      *db_path;
  char      *softhsm_conf;
  CdContext *ctx;
} PkiFixture;

void      pki_fixture_setup     (PkiFixture *f, gconstpointer data);
void      pki_fixture_teardown  (PkiFixture *f, gconstpointer data);
/* Opens the context again (another "start" of the counter). */
void      pki_fixture_reopen    (PkiFixture *f);

/* A blank key as a vendor ships it: initialised with an SO PIN and a label, no objects. */
void      pki_make_token        (PkiFixture *f, const char *label);

/* The fixture application (tests/pki/fixtures/app-new.json) with changes; NULL keeps the value. */
char     *pki_app_json          (const char *profile, const char *business, const char *uscc, const char *name,
                                 const char *existing_serial, guint seals, const char *seal_path);
/* Imports and brings the application to @state (checked, paid, printed). */
gint64    pki_application       (PkiFixture *f, const char *json, CdState state);

/* Burns with SoftHSM2 (or $PKI_MODULE), the key chosen by label, PINs from strings. */
CdBurnResult *pki_burn          (PkiFixture *f, gint64 app_id, const char *label, const char *pin,
                                 const char *so_pin, CdIssuer *issuer, GError **error);

/* Runs argv (NULL-terminated), returns stdout; asserts the exit status when @expect_ok. */
char     *pki_run               (gboolean expect_ok, int *out_status, char **out_stderr, const char *first, ...)
                                 G_GNUC_NULL_TERMINATED;
gboolean  pki_file_contains     (const char *path, const char *needle);
char     *pki_db_text           (PkiFixture *f, const char *sql);
gint64    pki_db_int            (PkiFixture *f, const char *sql);
/* The local CA's ledger entries (CdLedgerEntry), the CA opened on the fixture's open context for it. */
GPtrArray *pki_ca_entries       (PkiFixture *f);

/* opencryptoki: its library, slot daemon and software token (test-pki-opencryptoki.c, test-pki-crash-cmp.c). */
#define PKI_OCK_MODULE "/usr/lib/x86_64-linux-gnu/opencryptoki/libopencryptoki.so.0"
#define PKI_OCK_SLOTD  "/usr/sbin/pkcsslotd"
#define PKI_OCK_SW     "/usr/lib/x86_64-linux-gnu/opencryptoki/stdll/libpkcs11_sw.so"
/* The daemon has /etc/opencryptoki, /var/lib/opencryptoki and /run compiled in: a script run in a private mount
 * namespace (`unshare -m`) with a folder $1 of etc, lib, run and log binds them there, and a private /dev/shm
 * (the daemon's shared token state: each run starts from a token as shipped); the caller's script then starts
 * PKI_OCK_SLOTD, waits with PKI_OCK_NS_WAIT, runs its test into rc and ends with PKI_OCK_NS_END. */
#define PKI_OCK_NS_MOUNTS \
  "set -e\n" \
  "T=\"$1\"; shift\n" \
  "mount --bind \"$T/etc\" /etc/opencryptoki\n" \
  "mount --bind \"$T/lib\" /var/lib/opencryptoki\n" \
  "mount --bind \"$T/run\" /run\n" \
  "mount -t tmpfs tmpfs /dev/shm\n" \
  "if [ -d /var/log/opencryptoki ]; then mount --bind \"$T/log\" /var/log/opencryptoki; fi\n"
#define PKI_OCK_NS_WAIT \
  "for i in $(seq 50); do [ -S /run/pkcsslotd.socket ] && break; sleep 0.1; done\n" \
  "set +e\n"
#define PKI_OCK_NS_END \
  "kill $(cat /run/pkcsslotd.pid) 2>/dev/null\n" \
  "exit $rc\n"

G_END_DECLS
