/* cd-ca-ledger.c: the local CA's ledger, its personal fields sealed under the counter folder's key (issue 17).
 *
 * The folder key is derived from the machine's key-encryption key (HKDF, cd_kek_derive_keys), not a random key
 * wrapped by it and stored beside the ledger: the CA's private key already opens only with that KEK (its PKCS#8
 * passphrase is derived from it the same way), so a derived key asks for nothing the CA does not already need —
 * no second file that could be lost or copied apart from the ledger, nothing to rewrap. It does not come from the
 * database's key set either: `keys rotate` (a new data key, same KEK), `keys import` (another key set) and a
 * database made again after a loss leave it as it is, and the ledger is read exactly when the database cannot
 * be relied on. Without the KEK the ledger's subjects and certificates open nowhere. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/pem.h>

#include "cd-burn-journal.h"
#include "cd-ca-ledger.h"
#include "cd-csr.h"
#include "cd-pki-error.h"
#include "cd-token-records.h"

struct _CdCaLedger {
  char   *dir;
  char   *path;
  char   *lock_path;
  CdKeys *keys;
};

CdKeys *
cd_ca_folder_keys (gboolean create, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CdKek) kek = cd_kek_load (create, &local);

  if (!kek)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("The counter's folder (the local CA's ledger, unrecorded certificates) cannot be sealed or "
                     "opened: %s"), local->message);
      return NULL;
    }
  return cd_kek_derive_keys (kek, "counter folder records");
}

void
cd_ledger_entry_free (CdLedgerEntry *e)
{
  if (!e)
    return;
  g_free (e->serial);
  g_free (e->subject);
  g_free (e->not_after);
  g_free (e->state);
  g_free (e->reason);
  g_free (e->pem);
  g_free (e);
}

CdCaLedger *
cd_ca_ledger_new (const char *dir, CdKeys *keys)
{
  CdCaLedger *l = g_new0 (CdCaLedger, 1);

  l->dir = g_strdup (dir);
  l->path = g_build_filename (dir, "ledger.jsonl", NULL);
  l->lock_path = g_build_filename (dir, "ledger.lock", NULL);
  l->keys = cd_keys_ref (keys);
  return l;
}

void
cd_ca_ledger_free (CdCaLedger *l)
{
  if (!l)
    return;
  g_free (l->dir);
  g_free (l->path);
  g_free (l->lock_path);
  cd_keys_unref (l->keys);
  g_free (l);
}

const char *
cd_ca_ledger_get_path (CdCaLedger *l)
{
  return l->path;
}

gboolean
cd_ca_ledger_exists (CdCaLedger *l)
{
  return g_file_test (l->path, G_FILE_TEST_EXISTS);
}

static gboolean
file_error (CdCaLedger *l, int saved, GError **error)
{
  /* A file error: a full or read-only disk is storage, whichever step met it (the CLI exits 5). */
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("The local CA cannot write its ledger %s: %s"),
               l->path, g_strerror (saved));
  return FALSE;
}

/* Appends and the one rewrite exclude each other across processes (the GUI and certdesk-cli may both hold the
 * CA): an append that went to the file a rewrite had just replaced would be lost. A lock file of its own, since
 * the ledger itself is replaced by the rewrite. Returns the locked descriptor, or -1 with errno set. */
static int
lock_take (CdCaLedger *l)
{
  int fd = g_open (l->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  while (fd >= 0 && flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        int saved = errno;
        close (fd);
        errno = saved;
        return -1;
      }
  return fd;
}

static void
sync_dir (const char *dir)
{
  int dfd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
}

static gboolean
write_all (int fd, const char *data, gsize len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = write (fd, data + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* One JSON line per event, appended with a single write() and synced (with the folder, when the file is new)
 * before the certificate leaves the CA. */
static gboolean
append_line (CdCaLedger *l, JsonNode *line, GError **error)
{
  g_autofree char *text = json_to_string (line, FALSE);
  g_autofree char *row = NULL;
  gboolean fresh = !cd_ca_ledger_exists (l);
  int lock = lock_take (l);
  int fd, saved;
  struct stat st;
  char last = '\n';

  if (lock < 0)
    return file_error (l, errno, error);
  fd = g_open (l->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  /* A torn last line (a crash inside an earlier write) ends here: this line starts on a line of its own. */
  if (fstat (fd, &st) == 0 && st.st_size > 0 && pread (fd, &last, 1, st.st_size - 1) != 1)
    last = '\n';
  row = g_strconcat (last == '\n' ? "" : "\n", text, "\n", NULL);
  if (!write_all (fd, row, strlen (row)) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      errno = saved;
      goto fail;
    }
  close (fd);
  if (fresh)
    sync_dir (l->dir);
  close (lock);
  return TRUE;

fail:
  saved = errno;
  close (lock);
  return file_error (l, saved, error);
}

static char *
field_aad (const char *serial, const char *field)
{
  return g_strdup_printf ("ca-ledger/%s/%s", serial, field);
}

static char *
time_iso (const ASN1_TIME *t)
{
  struct tm tm;

  if (!ASN1_TIME_to_tm (t, &tm))
    return g_strdup ("");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                          tm.tm_min, tm.tm_sec);
}

static gboolean
set_sealed (CdCaLedger *l, JsonObject *o, const char *serial, const char *field, const char *value, GError **error)
{
  g_autofree char *aad = field_aad (serial, field);
  g_autofree char *sealed = cd_keys_seal_text (l->keys, aad, value, error);

  if (!sealed)
    return FALSE;
  json_object_set_string_member (o, field, sealed);
  return TRUE;
}

gboolean
cd_ca_ledger_issued (CdCaLedger *l, X509 *cert, const char *at, GError **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), json_object_new ());
  JsonObject *o = json_node_get_object (node);
  g_autofree char *serial = cd_cert_serial_hex (cert);
  g_autofree char *subject = cd_csr_name_to_string (X509_get_subject_name (cert));
  g_autofree char *na = time_iso (X509_get0_notAfter (cert));
  g_autofree char *pem = cd_cert_to_pem (cert);

  json_object_set_string_member (o, "event", "issued");
  json_object_set_string_member (o, "serial", serial);
  if (!set_sealed (l, o, serial, "subject", subject, error))
    return FALSE;
  json_object_set_string_member (o, "not_after", na);
  json_object_set_string_member (o, "at", at);
  if (!set_sealed (l, o, serial, "pem", pem, error))
    return FALSE;
  return append_line (l, node, error);
}

gboolean
cd_ca_ledger_revoked (CdCaLedger *l, X509 *cert, CdRevokeReason reason, const char *at, GError **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), json_object_new ());
  JsonObject *o = json_node_get_object (node);
  g_autofree char *serial = cd_cert_serial_hex (cert);

  json_object_set_string_member (o, "event", "revoked");
  json_object_set_string_member (o, "serial", serial);
  json_object_set_string_member (o, "reason", cd_revoke_reason_to_code (reason));
  json_object_set_string_member (o, "at", at);
  return append_line (l, node, error);
}

/* One line's object, or NULL (a torn line). A line that an append of before ran into (before appends began on a
 * line of their own) holds a whole line after the torn one: that one is taken. */
static JsonNode *
parse_line (const char *line)
{
  JsonNode *node = *line ? json_from_string (line, NULL) : NULL;
  const char *later;

  if (node && JSON_NODE_HOLDS_OBJECT (node)
      && json_object_get_string_member_with_default (json_node_get_object (node), "serial", NULL))
    return node;
  g_clear_pointer (&node, json_node_unref);
  later = g_strrstr (line, "{\"event\":");
  if (later && later > line && (node = json_from_string (later, NULL)) && JSON_NODE_HOLDS_OBJECT (node)
      && json_object_get_string_member_with_default (json_node_get_object (node), "serial", NULL))
    return node;
  g_clear_pointer (&node, json_node_unref);
  return NULL;
}

/* A sealed value opened, a clear one (before issue 17) as it is; a value that does not open is an error that
 * says which file, which certificate and what to do. */
static char *
open_value (CdCaLedger *l, const char *serial, const char *field, const char *value, GError **error)
{
  g_autofree char *aad = NULL;
  g_autoptr(GError) local = NULL;
  char *clear;

  if (!cd_keys_is_sealed_text (value))
    return g_strdup (value);
  aad = field_aad (serial, field);
  if ((clear = cd_keys_open_text (l->keys, aad, value, &local)))
    return clear;
  if (g_error_matches (local, CD_KEYS_ERROR, CD_KEYS_ERROR_WRONG_KEY))
    {
      g_autofree char *kek_path = cd_kek_file_path ();

      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("The local CA's ledger %s does not open with this computer's key: certificate %s in it was "
                     "sealed on another computer. Copy that computer's key file to %s, or put back this counter's "
                     "own CA folder; the ledger was left as it is."), l->path, serial, kek_path);
    }
  else
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                 _("The local CA's ledger %s is damaged at certificate %s: its subject or certificate does not open. "
                   "Put back the ledger from a backup of the CA folder; the ledger was left as it is."),
                 l->path, serial);
  return NULL;
}

static gboolean
read_file (CdCaLedger *l, char **out, GError **error)
{
  g_autoptr(GError) local = NULL;

  *out = NULL;
  if (g_file_get_contents (l->path, out, NULL, &local))
    return TRUE;
  if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;
  g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("Cannot read the local CA's ledger: %s"), local->message);
  return FALSE;
}

GPtrArray *
cd_ca_ledger_read (CdCaLedger *l, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_ledger_entry_free);
  g_autoptr(GHashTable) by_serial = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;

  if (!read_file (l, &data, error))
    return NULL;
  if (data == NULL)
    return g_steal_pointer (&out);
  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonNode) node = parse_line (lines[i]);
      JsonObject *o = node ? json_node_get_object (node) : NULL;
      const char *event = o ? json_object_get_string_member_with_default (o, "event", "") : "";
      const char *serial = o ? json_object_get_string_member_with_default (o, "serial", NULL) : NULL;
      CdLedgerEntry *e;

      if (serial == NULL)
        continue;               /* a torn last line */
      e = g_hash_table_lookup (by_serial, serial);
      if (g_str_equal (event, "issued") && e == NULL)
        {
          g_autoptr(CdLedgerEntry) n = g_new0 (CdLedgerEntry, 1);

          n->serial = g_strdup (serial);
          n->not_after = g_strdup (json_object_get_string_member_with_default (o, "not_after", ""));
          n->state = g_strdup ("issued");
          if (!(n->subject = open_value (l, serial, "subject",
                                         json_object_get_string_member_with_default (o, "subject", ""), error))
              || !(n->pem = open_value (l, serial, "pem", json_object_get_string_member_with_default (o, "pem", ""),
                                        error)))
            return NULL;
          e = g_steal_pointer (&n);
          g_ptr_array_add (out, e);
          g_hash_table_insert (by_serial, e->serial, e);
        }
      else if (g_str_equal (event, "revoked") && e)
        {
          g_free (e->state);
          e->state = g_strdup ("revoked");
          g_free (e->reason);
          e->reason = g_strdup (json_object_get_string_member_with_default (o, "reason", "unspecified"));
        }
    }
  return g_steal_pointer (&out);
}

/* Whether the ledger's text holds a subject or PEM in the clear (a line of before issue 17). The text only: the
 * check runs at every opening of the CA, the rewrite once. */
static gboolean
has_clear_values (const char *data)
{
  static const char *const members[] = { "\"subject\":\"", "\"pem\":\"" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    for (const char *p = strstr (data, members[i]); p; p = strstr (p + 1, members[i]))
      {
        const char *v = p + strlen (members[i]);

        if (*v != '"' && !g_str_has_prefix (v, "cd1."))
          return TRUE;
      }
  return FALSE;
}

/* Each line with its clear values sealed (sealed ones must open: a ledger with another computer's lines is not
 * rewritten); a torn line is left out. */
static GString *
sealed_text (CdCaLedger *l, const char *data, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonNode) node = parse_line (lines[i]);
      JsonObject *o = node ? json_node_get_object (node) : NULL;
      const char *serial = o ? json_object_get_string_member (o, "serial") : NULL;
      g_autofree char *text = NULL;

      if (serial == NULL)
        continue;
      if (g_str_equal (json_object_get_string_member_with_default (o, "event", ""), "issued"))
        {
          static const char *const fields[] = { "subject", "pem" };

          for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
            {
              g_autofree char *value = g_strdup (json_object_get_string_member_with_default (o, fields[f], ""));
              g_autofree char *opened = open_value (l, serial, fields[f], value, error);

              if (!opened || (*value && !cd_keys_is_sealed_text (value)
                              && !set_sealed (l, o, serial, fields[f], value, error)))
                {
                  g_string_free (out, TRUE);
                  return NULL;
                }
            }
        }
      text = json_to_string (node, FALSE);
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  return out;
}

gboolean
cd_ca_ledger_seal_clear (CdCaLedger *l, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *tmp = g_strconcat (l->path, ".tmp", NULL);
  GString *sealed = NULL;
  int lock, fd = -1, saved;
  gboolean ok = FALSE;

  if ((lock = lock_take (l)) < 0)
    return file_error (l, errno, error);
  if (!read_file (l, &data, error))
    goto out;
  if (data == NULL || !has_clear_values (data))
    {
      ok = TRUE;
      goto out;
    }
  if (!(sealed = sealed_text (l, data, error)))
    goto out;
  /* The whole new ledger synced under another name, then renamed over the old one and the folder synced. */
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || !write_all (fd, sealed->str, sealed->len) || fsync (fd) != 0)
    {
      saved = errno;
      if (fd >= 0)
        close (fd);
      g_unlink (tmp);
      file_error (l, saved, error);
      goto out;
    }
  close (fd);
  cd_burn_test_point ("ledger", "sealed-written");   /* the crash tests: killed before the rename */
  if (g_rename (tmp, l->path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      file_error (l, saved, error);
      goto out;
    }
  sync_dir (l->dir);
  g_message ("the local CA's ledger %s is sealed now", l->path);
  ok = TRUE;

out:
  if (sealed)
    g_string_free (sealed, TRUE);
  close (lock);
  return ok;
}
