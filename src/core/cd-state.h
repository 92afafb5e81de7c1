/* cd-state.h: the application state machine: draft → checked → paid → printed → issued → closed, or voided. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-types.h"

G_BEGIN_DECLS

#define CD_STATE_ERROR (cd_state_error_quark ())
GQuark cd_state_error_quark (void);

typedef enum {
  CD_STATE_ERROR_REFUSED,
  CD_STATE_ERROR_PRECONDITION,
  CD_STATE_ERROR_DAY_SIGNED,     /* the application's day is signed off: the write needs an adjustment */
} CdStateError;

gboolean cd_state_can_transition (CdState from, CdState to);
/* The same, with a sentence for the clerk when refused. */
gboolean cd_state_check_transition (CdState from, CdState to, GError **error);
gboolean cd_state_is_final (CdState state);

G_END_DECLS
