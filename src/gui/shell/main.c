/* main.c: the certdesk executable. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include "cd-app.h"

int
main (int argc, char *argv[])
{
  g_autoptr(CdApp) app = NULL;

  cd_app_setup_environment ();
  app = cd_app_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
