/* cd-ca-ledger.h: the local CA's ledger (state_dir/ca/ledger.jsonl: one JSON line per certificate signed or
 * revoked, appended and synced before a certificate leaves the CA) and the key that seals what the counter's
 * folder keeps about people outside the database (issue 17, docs/store.md "The counter's folder").
 *
 * A ledger line keeps its serial, dates, event, state and revocation reason clear (the CRL and the crash recovery
 * select by them; they name no one); the subject and the PEM are sealed text ("cd1.…") under the folder key, with
 * "ca-ledger/<serial>/<field>" as associated data. Lines of before (clear) are read as they are, and a ledger
 * holding any is rewritten sealed once (cd_ca_ledger_seal_clear). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <openssl/x509.h>

#include "cd-issuer.h"
#include "cd-issuer-local.h"
#include "cd-keys.h"

G_BEGIN_DECLS

/* The folder key: a key set derived from the machine's key-encryption key (cd_kek_derive_keys), the same KEK
 * the local CA's private key passphrase comes from. @create: make the KEK when none exists yet (a new counter). */
CdKeys     *cd_ca_folder_keys        (gboolean create, GError **error);

typedef struct _CdCaLedger CdCaLedger;

/* The ledger in @dir (the CA's folder), sealing with @keys (kept referenced). */
CdCaLedger *cd_ca_ledger_new         (const char *dir, CdKeys *keys);
void        cd_ca_ledger_free        (CdCaLedger *ledger);
const char *cd_ca_ledger_get_path    (CdCaLedger *ledger);
gboolean    cd_ca_ledger_exists      (CdCaLedger *ledger);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdCaLedger, cd_ca_ledger_free)

/* One line each, appended with a single write() and fsync()ed (and the folder when the file is new). @at: ISO
 * 8601 UTC. A file error is G_FILE_ERROR naming the ledger. */
gboolean    cd_ca_ledger_issued      (CdCaLedger *ledger, X509 *cert, const char *at, GError **error);
gboolean    cd_ca_ledger_revoked     (CdCaLedger *ledger, X509 *cert, CdRevokeReason reason, const char *at,
                                      GError **error);

/* The ledger folded: one CdLedgerEntry per certificate, oldest first, subject and PEM opened. A value that does
 * not open (another computer's key, a changed byte) is CD_PKI_ERROR_ISSUER naming the file and what to do; the
 * file is never changed by reading. A torn last line (a crash inside the write) is skipped: its certificate was
 * never returned. */
GPtrArray  *cd_ca_ledger_read        (CdCaLedger *ledger, GError **error);

/* A ledger holding clear subjects or PEMs (written before issue 17) is rewritten with them sealed: a temporary
 * file, fsync, rename over the ledger, fsync of the folder — a crash leaves the old ledger or the new one, never
 * half of one. Nothing is written when every value is sealed already, or when a sealed one does not open. */
gboolean    cd_ca_ledger_seal_clear  (CdCaLedger *ledger, GError **error);

G_END_DECLS
