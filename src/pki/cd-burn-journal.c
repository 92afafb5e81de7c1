/* cd-burn-journal.c: the burn_journal table. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <signal.h>
#include <unistd.h>

#include "cd-burn-journal.h"

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
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (!cd_store_prepare (store, "SELECT COALESCE(MAX(attempt), 0) + 1 FROM burn_journal WHERE application_id = ?1",
                         &stmt, error))
    return -1;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      cd_store_set_error (store, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
cd_burn_journal_add (CdStore *store, gint64 application_id, gint64 attempt, const char *step, const char *phase,
                     const char *token_serial, JsonNode *detail, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *now = cd_store_now_iso (store);
  g_autofree char *text = detail ? json_to_string (detail, FALSE) : NULL;

  if (!cd_store_prepare (store, "INSERT INTO burn_journal (application_id, attempt, step, phase, token_serial, detail, at)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_int64 (stmt, 2, attempt);
  sqlite3_bind_text (stmt, 3, step, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, phase, -1, SQLITE_STATIC);
  cd_store_bind_text_or_null (stmt, 5, token_serial && *token_serial ? token_serial : NULL);
  cd_store_bind_text_or_null (stmt, 6, text);
  sqlite3_bind_text (stmt, 7, now, -1, SQLITE_STATIC);
  if (!cd_store_step_done (store, stmt, error))
    return FALSE;
  cd_burn_test_point (step, phase);
  return TRUE;
}

static CdBurnAttempt *
collect (CdStore *store, gint64 application_id, gint64 attempt, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(CdBurnAttempt) a = g_new0 (CdBurnAttempt, 1);
  int rc;

  a->application_id = application_id;
  a->attempt = attempt;
  if (!cd_store_prepare (store, "SELECT step, phase, token_serial, detail FROM burn_journal"
                                " WHERE application_id = ?1 AND attempt = ?2 ORDER BY id", &stmt, error))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, application_id);
  sqlite3_bind_int64 (stmt, 2, attempt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);

      g_free (a->last_step);
      a->last_step = cd_store_column_dup (stmt, 0);
      g_free (a->last_phase);
      a->last_phase = cd_store_column_dup (stmt, 1);
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        {
          g_free (a->token_serial);
          a->token_serial = cd_store_column_dup (stmt, 2);
        }
      if (detail)
        {
          g_autoptr(JsonNode) node = json_from_string (detail, NULL);
          JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          const char *const keys[] = { "cka_id", "pem", "issuer", "business", "csr" };
          char **slots[] = { &a->cka_id, &a->cert_pem, &a->issuer, &a->business, &a->csr_pem };

          for (guint i = 0; o && i < G_N_ELEMENTS (keys); i++)
            if (json_object_has_member (o, keys[i]))
              {
                g_free (*slots[i]);
                *slots[i] = g_strdup (json_object_get_string_member (o, keys[i]));
              }
        }
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  a->finished = a->last_phase && (g_str_equal (a->last_phase, "rolled-back")
                                  || (g_str_equal (a->last_step, "verify") && g_str_equal (a->last_phase, "done"))
                                  || g_str_equal (a->last_step, "finish"));
  return g_steal_pointer (&a);
}

gboolean
cd_burn_journal_last (CdStore *store, gint64 application_id, CdBurnAttempt **out, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  *out = NULL;
  if (!cd_store_prepare (store, "SELECT MAX(attempt) FROM burn_journal WHERE application_id = ?1", &stmt, error))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, application_id);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return TRUE;
  *out = collect (store, application_id, sqlite3_column_int64 (stmt, 0), error);
  return *out != NULL;
}

GPtrArray *
cd_burn_journal_pending (CdStore *store, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_burn_attempt_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT application_id, attempt FROM burn_journal GROUP BY application_id, attempt"
                                " ORDER BY application_id, attempt", &stmt, error))
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CdBurnAttempt *a = collect (store, sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1), error);
      if (a == NULL)
        return NULL;
      if (a->finished)
        cd_burn_attempt_free (a);
      else
        g_ptr_array_add (out, a);
    }
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

GPtrArray *
cd_burn_journal_leftover_ids (CdStore *store, const char *token_serial, GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (!cd_store_prepare (store, "SELECT DISTINCT json_extract(k.detail, '$.cka_id') FROM burn_journal k"
                                " WHERE k.step = 'keygen' AND json_extract(k.detail, '$.cka_id') IS NOT NULL"
                                " AND EXISTS (SELECT 1 FROM burn_journal r WHERE r.application_id = k.application_id"
                                "   AND r.attempt = k.attempt AND r.phase = 'rolled-back' AND r.token_serial = ?1)",
                         &stmt, error))
    return NULL;
  sqlite3_bind_text (stmt, 1, token_serial, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, cd_store_column_dup (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      cd_store_set_error (store, error);
      return NULL;
    }
  return g_steal_pointer (&out);
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
