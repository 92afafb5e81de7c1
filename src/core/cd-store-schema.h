/* cd-store-schema.h: the numbered schema migrations of the database. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* migrations[i] brings the schema from version i to i + 1; never edit one that has shipped, add one. */
extern const char *const cd_store_migrations[];
extern const guint cd_store_n_migrations;

G_END_DECLS
