/* cd-central-escrow.h: the central SO-PIN escrow (docs/central.md, "SO-PIN escrow"): sync hands the SO PINs of
 * the keys this counter initialised to certdesk.escrow_so_pin(), and an unlock at any outlet gets one back from
 * certdesk.release_so_pin() with a supervisor's approval, audited centrally. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <glib.h>

#include "cd-store.h"

G_BEGIN_DECLS

/* The central database's refusals of a release, in words (CD_CENTRAL_ERROR_ESCROW_*) and the rest as
 * CD_CENTRAL_ERROR. */
#define CD_CENTRAL_ESCROW_ERROR (cd_central_escrow_error_quark ())
GQuark cd_central_escrow_error_quark (void);

typedef enum {
  CD_CENTRAL_ESCROW_ERROR_NOT_OUTLET,     /* the role logged in is no outlet's */
  CD_CENTRAL_ESCROW_ERROR_REASON,         /* no reason given */
  CD_CENTRAL_ESCROW_ERROR_NOT_SUPERVISOR, /* the login is not an enabled supervisor of this outlet centrally */
  CD_CENTRAL_ESCROW_ERROR_OFFLINE,        /* the central database cannot be reached */
} CdCentralEscrowError;

/* Gives every confirmed SO PIN of this counter's escrow that the centre does not hold yet to
 * certdesk.escrow_so_pin(), marking each sent after the server took it; @conn: the sync round's connection.
 * *out_sent: how many. The SO PIN travels only as the function's parameter, never in the outbox. */
gboolean cd_central_escrow_push    (CdStore *store, gpointer conn, gint64 *out_sent, GError **error);

/* Asks the central database for the SO PIN of key @serial, for an unlock approved by supervisor
 * @supervisor_login of this counter's outlet (whose password the caller checked) for @reason. *out_so_pin: the
 * SO PIN (free it with cd_central_escrow_wipe), or NULL when the centre holds none (a vendor key). */
gboolean cd_central_release_so_pin (CdStore *store, const char *serial, const char *supervisor_login,
                                    const char *reason, char **out_so_pin, GError **error);
void     cd_central_escrow_wipe    (char *so_pin);

G_END_DECLS
