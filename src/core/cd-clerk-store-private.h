/* cd-clerk-store-private.h: what cd-clerk-store*.c share — reading a clerk row. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-clerk-store.h"

G_BEGIN_DECLS

/* The columns cd_clerk_from_row reads, in its order. */
#define CLERK_COLUMNS "id, outlet_id, login, name, role, enabled, failed_logins, locked_until, central"

CdClerk  *cd_clerk_from_row  (sqlite3_stmt *stmt);
gboolean  cd_clerk_is_blank  (const char *s);

G_END_DECLS
