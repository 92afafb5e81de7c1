/* cd-token-module.h: PKCS#11 modules: finding them (p11-kit, settings, the embedded DEMO token) and loading
 * each once per process. */
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <libp11.h>
#include <p11-kit/pkcs11.h>

#include "cd-context.h"

G_BEGIN_DECLS

/* The module of the embedded demo token and the setting that names the counter's own module. */
#define CD_SOFTHSM_MODULE    "/usr/lib/softhsm/libsofthsm2.so"
#define CD_SETTING_MODULE    "pki.module"
#define CD_DEMO_TOKEN_LABEL  "DEMO"
/* The demo token's SO PIN: a software token for trying the counter out, never a customer's key. */
#define CD_DEMO_SO_PIN       "00000000"

typedef struct {
  char    *path;
  char    *name;
  char    *origin;    /* "option", "settings", "p11-kit", "demo" */
  gboolean is_demo;
} CdTokenModuleInfo;

void       cd_token_module_info_free (CdTokenModuleInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTokenModuleInfo, cd_token_module_info_free)

/* Every module the counter could use, the settings' first, then p11-kit's, then the demo token's. */
GPtrArray *cd_token_module_discover  (CdContext *ctx);

/* The module to use: @explicit_path (--module), else the setting, else the embedded demo token (prepared
 * under state_dir/softhsm, SOFTHSM2_CONF pointing at it). *out_is_demo tells which. */
char      *cd_token_module_resolve   (CdContext *ctx, const char *explicit_path, gboolean *out_is_demo,
                                      GError **error);

/* Writes state_dir/softhsm/softhsm2.conf and its token folder; points SOFTHSM2_CONF there. */
gboolean   cd_token_module_prepare_demo (CdContext *ctx, GError **error);

/* Stores the counter's module in the settings (audited). */
gboolean   cd_token_module_set_setting (CdContext *ctx, const char *path, GError **error);

typedef struct _CdTokenModule CdTokenModule;

/* Loads (or shares the already loaded) module at @path: libp11's context plus the module's own function
 * list for what libp11 0.4.12 lacks (EC key generation, data objects, fresh token flags). */
CdTokenModule     *cd_token_module_open          (const char *path, GError **error);
CdTokenModule     *cd_token_module_ref           (CdTokenModule *self);
void               cd_token_module_unref         (CdTokenModule *self);
const char        *cd_token_module_get_path      (CdTokenModule *self);
PKCS11_CTX        *cd_token_module_get_ctx       (CdTokenModule *self);
CK_FUNCTION_LIST  *cd_token_module_get_functions (CdTokenModule *self);
/* One worker at a time per PKCS#11 context. */
void               cd_token_module_lock          (CdTokenModule *self);
gboolean           cd_token_module_trylock       (CdTokenModule *self);
void               cd_token_module_unlock        (CdTokenModule *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CdTokenModule, cd_token_module_unref)

G_END_DECLS
