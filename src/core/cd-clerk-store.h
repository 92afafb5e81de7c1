/* cd-clerk-store.h: the outlet, its clerks and their sign-in (slow salted hashes, lock-out, audited). */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cd-context.h"

G_BEGIN_DECLS

#define CD_CLERK_ERROR (cd_clerk_error_quark ())
GQuark cd_clerk_error_quark (void);

typedef enum {
  CD_CLERK_ERROR_INVALID,      /* a field the clerk typed is not acceptable */
  CD_CLERK_ERROR_BAD_LOGIN,    /* unknown login or wrong password (the message does not say which) */
  CD_CLERK_ERROR_LOCKED,       /* too many failed tries */
  CD_CLERK_ERROR_DISABLED,
  CD_CLERK_ERROR_ROLE,         /* the account's role may not do this */
  CD_CLERK_ERROR_EXISTS,
} CdClerkError;

typedef enum {
  CD_ROLE_CLERK,
  CD_ROLE_SUPERVISOR,
  CD_ROLE_PRINTER,
  /* The head office (issue 16 item 6): set centrally only (certdesk-cli central clerk add … --role head-office);
   * on a joined counter such an account opens the reports page over every outlet and nothing else. Stored in the
   * counter's clerk table as role 'clerk' (the table's CHECK predates it) with central = 2. */
  CD_ROLE_HEAD_OFFICE,
  CD_N_ROLES
} CdRole;

/* Five failed tries lock the account for five minutes. */
#define CD_CLERK_MAX_FAILED_LOGINS 5
#define CD_CLERK_LOCK_SECONDS      (5 * 60)
#define CD_CLERK_MIN_PASSWORD      6

typedef struct {
  gint64   id;
  char    *code;
  char    *name;
  char    *region;
} CdOutlet;

typedef struct {
  gint64    id;
  gint64    outlet_id;
  char     *login;
  char     *name;
  CdRole    role;
  gboolean  enabled;
  gint      failed_logins;
  char     *locked_until;   /* ISO UTC or NULL */
  gboolean  central;        /* managed by the head office (role and password are changed there) */
} CdClerk;

const char *cd_role_to_code   (CdRole role);
gboolean    cd_role_from_code (const char *code, CdRole *out);
const char *cd_role_label     (CdRole role);

void        cd_outlet_free    (CdOutlet *outlet);
void        cd_clerk_free     (CdClerk *clerk);
CdClerk    *cd_clerk_copy     (const CdClerk *clerk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdOutlet, cd_outlet_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdClerk, cd_clerk_free)

/* Password hashes: "pbkdf2-sha256$ITER$SALT$HASH" (base64), PBKDF2-HMAC-SHA256, 16-byte random salt. */
char       *cd_password_hash   (const char *password);
gboolean    cd_password_verify (const char *password, const char *stored);

/* The checks a new account's login, name and password must pass (here and at the head office). */
gboolean    cd_clerk_validate_account (const char *login, const char *name, const char *password, GError **error);

/* Sync's pull (src/central): one account the head office set, applied inside the caller's transaction and
 * audited ("clerk.central"). An account of this counter's outlet (the joined one) is added or updated by login
 * — a local account of that login becomes the head office's — with @password_hash when given (a salted hash,
 * never a password); an account of another outlet that was this outlet's is disabled here. A counter not set
 * up yet gets its outlet (@outlet_code, @outlet_name) from the first account of its own. */
gboolean    cd_clerk_store_apply_central (CdStore *store, const char *login, const char *name, const char *role,
                                          const char *outlet_code, const char *outlet_name, gboolean enabled,
                                          const char *password_hash, gint64 rev, GError **error);

/* First run: TRUE when no outlet exists yet. */
gboolean    cd_clerk_store_needs_setup (CdContext *ctx, gboolean *out_needed, GError **error);

/* First run, one transaction: the outlet and its first supervisor (audited as "setup"). */
gboolean    cd_clerk_store_setup (CdContext *ctx, const char *outlet_code, const char *outlet_name,
                                  const char *region, const char *login, const char *name,
                                  const char *password, gint64 *out_outlet_id, GError **error);

/* The single outlet of this database (the first one). */
CdOutlet   *cd_clerk_store_get_outlet    (CdContext *ctx, GError **error);
gboolean    cd_clerk_store_update_outlet (CdContext *ctx, const CdOutlet *outlet, GError **error);

/* Checks the password; counts failures (five lock the account); on success the context's actor becomes
 * "clerk:LOGIN" with its clerk and outlet ids. Both outcomes are audited. */
gboolean    cd_clerk_store_login  (CdContext *ctx, const char *login, const char *password, CdClerk **out_clerk,
                                   GError **error);
/* Audits the logout and resets the context's actor. */
gboolean    cd_clerk_store_logout (CdContext *ctx, GError **error);

/* A second person's approval (a supervisor's waiver or void): checks the password like a login, with
 * the same lock-out, without changing who is signed in. @role is the role the account must have. */
gboolean    cd_clerk_store_authorize (CdContext *ctx, const char *login, const char *password, CdRole role,
                                      CdClerk **out_clerk, GError **error);

/* Settings (the signed-in actor must be a supervisor; each change audited). Once this counter has joined a
 * central database, no supervisor is made here (add, or a role changed to supervisor): supervisors come from
 * the head office; and a head-office account's role and password are changed only there. */
GPtrArray  *cd_clerk_store_list           (CdContext *ctx, GError **error);   /* CdClerk, by login */
CdClerk    *cd_clerk_store_lookup         (CdContext *ctx, gint64 id, GError **error);
gboolean    cd_clerk_store_add            (CdContext *ctx, const char *login, const char *name, CdRole role,
                                           const char *password, gint64 *out_id, GError **error);
gboolean    cd_clerk_store_set_enabled    (CdContext *ctx, gint64 id, gboolean enabled, GError **error);
gboolean    cd_clerk_store_set_role       (CdContext *ctx, gint64 id, CdRole role, GError **error);
gboolean    cd_clerk_store_reset_password (CdContext *ctx, gint64 id, const char *password, GError **error);

/* Runs @func as @clerk (e.g. a supervisor approving a waiver) and restores the signed-in actor. */
typedef gboolean (*CdActAsFunc) (CdContext *ctx, gpointer user_data, GError **error);
gboolean    cd_clerk_store_act_as (CdContext *ctx, const CdClerk *clerk, CdActAsFunc func, gpointer user_data,
                                   GError **error);

G_END_DECLS
