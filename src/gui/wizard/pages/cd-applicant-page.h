/* cd-applicant-page.h: wizard step 2: applicant type, party role, unit / legal person / agent / person,
 * invoice data, each identifier checked by the core as it is typed. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_APPLICANT_PAGE (cd_applicant_page_get_type ())
G_DECLARE_FINAL_TYPE (CdApplicantPage, cd_applicant_page, CD, APPLICANT_PAGE, GtkScrolledWindow)

G_END_DECLS
