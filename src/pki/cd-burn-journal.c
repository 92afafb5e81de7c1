/* cd-burn-journal.c: the burn journal's steps and attempts, over the burn_journal rows of src/core's
 * cd-burn-store. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <unistd.h>

#include "cd-burn-journal.h"
#include "cd-burn-store.h"

static const char *const step_codes[] = { "init", "keygen", "csr", "issue", "write", "verify" };

const char *
cd_burn_step_code (CdBurnStep step)
{
  g_return_val_if_fail (step < CD_BURN_N_STEPS, "?");
  return step_codes[step];
}

const char *
cd_burn_step_label (CdBurnStep step)
{
  switch (step)
    {
    case CD_BURN_STEP_INIT: return _("Initialising the USB key");
    case CD_BURN_STEP_KEYGEN: return _("Generating the key pair on the USB key");
    case CD_BURN_STEP_CSR: return _("Signing the certificate request");
    case CD_BURN_STEP_ISSUE: return _("Having the certificate issued");
    case CD_BURN_STEP_WRITE: return _("Writing the certificate to the USB key");
    case CD_BURN_STEP_VERIFY: return _("Verifying the USB key");
    default: return "";
    }
}

void
cd_burn_attempt_free (CdBurnAttempt *a)
{
  if (!a)
    return;
  g_free (a->business);
  g_free (a->token_serial);
  g_free (a->last_step);
  g_free (a->last_phase);
  g_free (a->cka_id);
  g_free (a->cert_pem);
  g_free (a->issuer);
  g_free (a->csr_pem);
  g_free (a);
}

gint64
cd_burn_journal_next_attempt (CdStore *store, gint64 application_id, GError **error)
{
  return cd_burn_store_next_attempt (store, application_id, error);
}

gboolean
cd_burn_journal_add (CdStore *store, gint64 application_id, gint64 attempt, const char *step, const char *phase,
                     const char *token_serial, JsonNode *detail, GError **error)
{
  g_autofree char *text = detail ? json_to_string (detail, FALSE) : NULL;

  if (!cd_burn_store_add_row (store, application_id, attempt, step, phase, token_serial, text, error))
    return FALSE;
  cd_burn_test_point (step, phase);
  return TRUE;
}

static CdBurnAttempt *
collect (CdStore *store, gint64 application_id, gint64 attempt, GError **error)
{
  g_autoptr(CdBurnAttempt) a = g_new0 (CdBurnAttempt, 1);
  g_autoptr(GPtrArray) rows = cd_burn_store_rows (store, application_id, attempt, error);

  if (rows == NULL)
    return NULL;
  a->application_id = application_id;
  a->attempt = attempt;
  for (guint r = 0; r < rows->len; r++)
    {
      CdBurnRow *row = rows->pdata[r];

      g_free (a->last_step);
      a->last_step = g_strdup (row->step);
      g_free (a->last_phase);
      a->last_phase = g_strdup (row->phase);
      if (row->token_serial)
        {
          g_free (a->token_serial);
          a->token_serial = g_strdup (row->token_serial);
        }
      if (row->detail)
        {
          g_autoptr(JsonNode) node = json_from_string (row->detail, NULL);
          JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *const keys[] = { "cka_id", "pem", "issuer", "business", "csr" };
          char **slots[] = { &a->cka_id, &a->cert_pem, &a->issuer, &a->business, &a->csr_pem };

          /* The issue step's second done row: the CA over CMP acknowledged our positive certConf. */
          if (o && g_str_equal (row->step, "issue") && json_object_has_member (o, "confirmed"))
            a->confirmed = json_object_get_boolean_member (o, "confirmed");
          for (guint i = 0; o && i < G_N_ELEMENTS (keys); i++)
            if (json_object_has_member (o, keys[i]))
              {
                g_free (*slots[i]);
                *slots[i] = g_strdup (json_object_get_string_member (o, keys[i]));
              }
        }
    }
  a->finished = a->last_phase && (g_str_equal (a->last_phase, "rolled-back")
                                  || (g_str_equal (a->last_step, "verify") && g_str_equal (a->last_phase, "done"))
                                  || g_str_equal (a->last_step, "finish"));
  return g_steal_pointer (&a);
}

gboolean
cd_burn_journal_last (CdStore *store, gint64 application_id, CdBurnAttempt **out, GError **error)
{
  gint64 attempt = 0;

  *out = NULL;
  if (!cd_burn_store_last_attempt (store, application_id, &attempt, error))
    return FALSE;
  if (attempt == 0)
    return TRUE;
  *out = collect (store, application_id, attempt, error);
  return *out != NULL;
}

GPtrArray *
cd_burn_journal_pending (CdStore *store, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_burn_attempt_free);
  g_autoptr(GArray) attempts = cd_burn_store_attempts (store, error);

  if (attempts == NULL)
    return NULL;
  for (guint i = 0; i < attempts->len; i++)
    {
      CdBurnAttemptKey *key = &g_array_index (attempts, CdBurnAttemptKey, i);
      CdBurnAttempt *a = collect (store, key->application_id, key->attempt, error);

      if (a == NULL)
        return NULL;
      if (a->finished)
        cd_burn_attempt_free (a);
      else
        g_ptr_array_add (out, a);
    }
  return g_steal_pointer (&out);
}

GPtrArray *
cd_burn_journal_leftover_ids (CdStore *store, const char *token_serial, GError **error)
{
  return cd_burn_store_leftover_ids (store, token_serial, error);
}

/* The crash campaign's hooks (tests/pki/test-pki-crash.c). Read once per process. */
static gpointer
crash_after (gpointer data)
{
  g_usleep ((gulong) GPOINTER_TO_UINT (data) * 1000);
  kill (getpid (), SIGKILL);
  return NULL;
}

void
cd_burn_test_point (const char *step, const char *phase)
{
  static gsize once;
  static char *crash_at, *pause_at;
  g_autofree char *here = NULL;

  if (g_once_init_enter (&once))
    {
      const char *after = g_getenv ("CERTDESK_TEST_CRASH_AFTER_MS");

      crash_at = g_strdup (g_getenv ("CERTDESK_TEST_CRASH_AT"));
      pause_at = g_strdup (g_getenv ("CERTDESK_TEST_PAUSE_AT"));
      if (after && *after)
        g_thread_unref (g_thread_new ("crash-after", crash_after, GUINT_TO_POINTER ((guint) g_ascii_strtoull (after, NULL, 10))));
      g_once_init_leave (&once, 1);
    }
  if (crash_at == NULL && pause_at == NULL)
    return;
  here = g_strdup_printf ("%s:%s", step, phase);
  if (g_strcmp0 (crash_at, here) == 0)
    kill (getpid (), SIGKILL);
  if (g_strcmp0 (pause_at, here) == 0)
    kill (getpid (), SIGSTOP);
}
