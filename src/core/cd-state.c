/* cd-state.c: which state changes are allowed. Everything else is refused, whoever asks. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>

#include "cd-state.h"

G_DEFINE_QUARK (cd-state-error-quark, cd_state_error)

gboolean
cd_state_is_final (CdState state)
{
  return state == CD_STATE_CLOSED || state == CD_STATE_VOIDED;
}

gboolean
cd_state_can_transition (CdState from, CdState to)
{
  if (from >= CD_N_STATES || to >= CD_N_STATES || cd_state_is_final (from))
    return FALSE;
  if (to == CD_STATE_VOIDED)
    return TRUE;                          /* any open application can be voided (by a supervisor) */
  if (from == CD_STATE_CHECKED && to == CD_STATE_DRAFT)
    return TRUE;                          /* edited again before payment */
  return to == from + 1 && to != CD_STATE_VOIDED;
}

gboolean
cd_state_check_transition (CdState from, CdState to, GError **error)
{
  if (cd_state_can_transition (from, to))
    return TRUE;
  if (cd_state_is_final (from))
    g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED,
                 _("The application is %s and can no longer change"), cd_state_label (from));
  else
    g_set_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED,
                 _("An application cannot go from “%s” to “%s”"), cd_state_label (from), cd_state_label (to));
  return FALSE;
}
