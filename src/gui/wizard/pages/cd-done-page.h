/* cd-done-page.h: the last wizard step: a summary of the application; Next starts the next applicant. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_DONE_PAGE (cd_done_page_get_type ())
G_DECLARE_FINAL_TYPE (CdDonePage, cd_done_page, CD, DONE_PAGE, GtkBox)

G_END_DECLS
