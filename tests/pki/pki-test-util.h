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

G_END_DECLS
