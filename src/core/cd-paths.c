/* cd-paths.c: locating data both in the build tree and installed, without installing first. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-paths.h"

static gboolean
running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe && g_str_has_prefix (exe, CD_BUILD_ROOT "/");
}

const char *
cd_paths_shipped_data_dir (void)
{
  static const char *dir;

  if (g_once_init_enter (&dir))
    {
      const char *env = g_getenv ("CERTDESK_DATADIR");
      const char *d = env && *env ? g_intern_string (env)
                      : running_from_build_tree () ? CD_SOURCE_DATADIR : CD_PKGDATADIR;
      g_once_init_leave (&dir, d);
    }
  return dir;
}

const char *
cd_paths_build_dir (void)
{
  return running_from_build_tree () ? CD_BUILD_ROOT : NULL;
}

char *
cd_paths_default_state_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "certdesk", NULL);
}

char *
cd_paths_find_data_file (const char *state_dir, const char *relative)
{
  if (state_dir)
    {
      g_autofree char *local = g_build_filename (state_dir, relative, NULL);
      if (g_file_test (local, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&local);
    }
  return g_build_filename (cd_paths_shipped_data_dir (), relative, NULL);
}
