/* cd-paths.h: where the shipped data (profiles, texts) and the counter's own files (database, scans) live. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The shipped, read-only data folder: $CERTDESK_DATADIR, the source tree's data/ when running from the
 * build folder, or the installed $prefix/share/certdesk. */
const char *cd_paths_shipped_data_dir (void);

/* The folder of the compiled data generated in the build tree (schemas, locale), or NULL when installed. */
const char *cd_paths_build_dir (void);

/* The counter's writable folder: $XDG_DATA_HOME/certdesk. */
char       *cd_paths_default_state_dir (void);

/* A data file by relative path: the state folder's copy (a CA's replacement) wins over the shipped one. */
char       *cd_paths_find_data_file (const char *state_dir, const char *relative);

G_END_DECLS
