/* cd-cert-action-page.h: the step after Print for the businesses that work on an existing certificate and make
 * no key pair: revocation, suspension and application activation. It shows the certificate, asks before an
 * irreversible revocation, runs the business at the issuer (cd_burn_run_async) and advances the state. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CD_TYPE_CERT_ACTION_PAGE (cd_cert_action_page_get_type ())
G_DECLARE_FINAL_TYPE (CdCertActionPage, cd_cert_action_page, CD, CERT_ACTION_PAGE, GtkScrolledWindow)

/* "idle", "running", "failed" or "done": for tests. */
const char *cd_cert_action_page_get_activity (CdCertActionPage *self);
/* The confirmation being asked (revocation), or NULL: for tests. */
GtkWidget  *cd_cert_action_page_get_confirmation (CdCertActionPage *self);

G_END_DECLS
