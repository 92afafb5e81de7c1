/* cd-test-old-db.h: a database as an older CertDesk left it, for the tests of the sealing migration
 * (tests/unit/test-crypt-store, tests/gui/test-open-migration). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes at @path the schema before the sealing migration and @n applications of persons in the clear (each
 * its own name "@surname<i>", ID number and mobile; from tests/fixtures/app-bj-person.json), with plain SQL.
 * @expected (may be NULL) gets each application's JSON as stored, in id order. */
void cd_test_write_old_database (const char *path, guint n, const char *surname, GPtrArray *expected);

G_END_DECLS
