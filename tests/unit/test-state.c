/* test-state.c: every allowed and every refused transition of the application state machine. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <locale.h>

#include "cd-state.h"

/* allowed[from][to] — draft, checked, paid, printed, issued, closed, voided */
static const gboolean allowed[CD_N_STATES][CD_N_STATES] = {
  /* draft   */ { 0, 1, 0, 0, 0, 0, 1 },
  /* checked */ { 1, 0, 1, 0, 0, 0, 1 },
  /* paid    */ { 0, 0, 0, 1, 0, 0, 1 },
  /* printed */ { 0, 0, 0, 0, 1, 0, 1 },
  /* issued  */ { 0, 0, 0, 0, 0, 1, 1 },
  /* closed  */ { 0, 0, 0, 0, 0, 0, 0 },
  /* voided  */ { 0, 0, 0, 0, 0, 0, 0 },
};

static void
test_matrix (void)
{
  for (guint from = 0; from < CD_N_STATES; from++)
    for (guint to = 0; to < CD_N_STATES; to++)
      {
        g_autoptr(GError) error = NULL;
        gboolean ok = cd_state_check_transition (from, to, &error);

        g_test_message ("%s → %s", cd_state_to_code (from), cd_state_to_code (to));
        g_assert_cmpint (ok, ==, allowed[from][to]);
        g_assert_cmpint (cd_state_can_transition (from, to), ==, allowed[from][to]);
        if (!ok)
          {
            g_assert_error (error, CD_STATE_ERROR, CD_STATE_ERROR_REFUSED);
            g_assert_cmpuint (strlen (error->message), >, 10);
          }
      }
}

static void
test_final_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (cd_state_check_transition (CD_STATE_CLOSED, CD_STATE_VOIDED, &error));
  g_assert_nonnull (strstr (error->message, "can no longer change"));
}

static void
test_codes (void)
{
  for (guint s = 0; s < CD_N_STATES; s++)
    {
      CdState back;
      g_assert_true (cd_state_from_code (cd_state_to_code (s), &back));
      g_assert_cmpuint (back, ==, s);
    }
  g_assert_false (cd_state_from_code ("lost", &(CdState) { 0 }));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/state/matrix", test_matrix);
  g_test_add_func ("/state/final-message", test_final_message);
  g_test_add_func ("/state/codes", test_codes);
  return g_test_run ();
}
