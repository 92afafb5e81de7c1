/* cd-token-module.c: module discovery and loading. A PKCS#11 module is process-wide state (one
 * C_Initialize, one C_Finalize), so loaded modules are shared by path and unloaded with their last user. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <dlfcn.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <p11-kit/p11-kit.h>

#include "cd-audit.h"
#include "cd-pki-error.h"
#include "cd-token-module.h"

struct _CdTokenModule {
  gatomicrefcount   ref;
  char             *path;
  PKCS11_CTX       *ctx;
  void             *dl;
  CK_FUNCTION_LIST *functions;
  gboolean          own_init;   /* our function list needed a C_Initialize of its own (C_Finalize it) */
  GRecMutex         lock;
};

static GMutex loaded_lock;
static GHashTable *loaded;   /* path → CdTokenModule (weak) */

void
cd_token_module_info_free (CdTokenModuleInfo *info)
{
  if (!info)
    return;
  g_free (info->path);
  g_free (info->name);
  g_free (info->origin);
  g_free (info);
}

static CdTokenModuleInfo *
info_new (const char *path, const char *name, const char *origin, gboolean is_demo)
{
  CdTokenModuleInfo *i = g_new0 (CdTokenModuleInfo, 1);

  i->path = g_strdup (path);
  i->name = g_strdup (name);
  i->origin = g_strdup (origin);
  i->is_demo = is_demo;
  return i;
}

static char *
read_setting (CdContext *ctx, const char *key)
{
  return cd_store_setting_dup (cd_context_get_store (ctx), key);
}

gboolean
cd_token_module_set_setting (CdContext *ctx, const char *path, GError **error)
{
  CdStore *store = cd_context_get_store (ctx);
  g_autoptr(JsonNode) detail = json_node_init_object (json_node_alloc (), json_object_new ());

  json_object_set_string_member (json_node_get_object (detail), "module", path);
  if (!cd_store_begin (store, error))
    return FALSE;
  if (!cd_store_setting_set (store, CD_SETTING_MODULE, path, error)
      || !cd_audit_append (store, cd_context_get_actor (ctx), "setting.set", "setting", 0, detail, error)
      || !cd_store_commit (store, error))
    goto fail;
  return TRUE;

fail:
  cd_store_rollback (store);
  return FALSE;
}

GPtrArray *
cd_token_module_discover (CdContext *ctx)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) cd_token_module_info_free);
  g_autofree char *setting = read_setting (ctx, CD_SETTING_MODULE);
  CK_FUNCTION_LIST **modules;

  if (setting)
    g_ptr_array_add (out, info_new (setting, setting, "settings", FALSE));
  /* Registered modules, without initialising them; the trust module holds no keys. */
  modules = p11_kit_modules_load (NULL, P11_KIT_MODULE_UNMANAGED);
  for (guint i = 0; modules && modules[i]; i++)
    {
      g_autofree char *file = p11_kit_module_get_filename (modules[i]);
      g_autofree char *name = p11_kit_module_get_name (modules[i]);

      if (file == NULL || strstr (file, "p11-kit-trust") || (setting && g_str_equal (file, setting)))
        continue;
      g_ptr_array_add (out, info_new (file, name ? name : file, "p11-kit", strstr (file, "softhsm") != NULL));
    }
  if (modules)
    p11_kit_modules_release (modules);
  if (g_file_test (CD_SOFTHSM_MODULE, G_FILE_TEST_EXISTS))
    g_ptr_array_add (out, info_new (CD_SOFTHSM_MODULE, "DEMO (SoftHSM2)", "demo", TRUE));
  return out;
}

gboolean
cd_token_module_prepare_demo (CdContext *ctx, GError **error)
{
  g_autofree char *dir = g_build_filename (cd_context_get_state_dir (ctx), "softhsm", NULL);
  g_autofree char *tokens = g_build_filename (dir, "tokens", NULL);
  g_autofree char *conf = g_build_filename (dir, "softhsm2.conf", NULL);
  g_autofree char *text = NULL;

  if (g_mkdir_with_parents (tokens, 0700) != 0)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_MODULE, _("Cannot create the demo token folder %s: %s"),
                   tokens, g_strerror (errno));
      return FALSE;
    }
  text = g_strdup_printf ("# The CertDesk DEMO token: a software key for trying the counter out.\n"
                          "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n"
                          "slots.removable = true\n", tokens);
  if (!g_file_set_contents_full (conf, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  /* SoftHSM2 reads its configuration from the environment. Workers prepare the demo token too: set the
   * variable only when it changes (once per data folder), since setenv() races with other threads' getenv(). */
  if (g_strcmp0 (g_getenv ("SOFTHSM2_CONF"), conf) != 0)
    g_setenv ("SOFTHSM2_CONF", conf, TRUE);
  return TRUE;
}

char *
cd_token_module_resolve (CdContext *ctx, const char *explicit_path, gboolean *out_is_demo, GError **error)
{
  g_autofree char *setting = NULL;

  if (out_is_demo)
    *out_is_demo = FALSE;
  if (explicit_path && *explicit_path)
    return g_strdup (explicit_path);
  if ((setting = read_setting (ctx, CD_SETTING_MODULE)))
    return g_steal_pointer (&setting);
  if (!g_file_test (CD_SOFTHSM_MODULE, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_MODULE,
                   _("No USB key module is configured and the demo token (SoftHSM2) is not installed"));
      return NULL;
    }
  if (!cd_token_module_prepare_demo (ctx, error))
    return NULL;
  if (out_is_demo)
    *out_is_demo = TRUE;
  return g_strdup (CD_SOFTHSM_MODULE);
}

static void
module_free (CdTokenModule *self)
{
  if (self->own_init && self->functions)
    self->functions->C_Finalize (NULL);
  if (self->ctx)
    {
      PKCS11_CTX_unload (self->ctx);
      PKCS11_CTX_free (self->ctx);
    }
  if (self->dl)
    dlclose (self->dl);
  g_rec_mutex_clear (&self->lock);
  g_free (self->path);
  g_free (self);
}

CdTokenModule *
cd_token_module_open (const char *path, GError **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&loaded_lock);
  CdTokenModule *self;
  CK_C_GetFunctionList get_list;

  g_return_val_if_fail (path != NULL, NULL);
  if (loaded == NULL)
    loaded = g_hash_table_new (g_str_hash, g_str_equal);
  if ((self = g_hash_table_lookup (loaded, path)))
    return cd_token_module_ref (self);

  self = g_new0 (CdTokenModule, 1);
  g_atomic_ref_count_init (&self->ref);
  g_rec_mutex_init (&self->lock);
  self->path = g_strdup (path);
  /* Our own dlopen first: a missing or foreign file is said in one sentence here, before libp11 would print
   * its own line to the terminal. libp11's load then shares the same image and calls C_Initialize. */
  self->dl = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  get_list = self->dl ? (CK_C_GetFunctionList) dlsym (self->dl, "C_GetFunctionList") : NULL;
  if (get_list == NULL)
    {
      const char *why = self->dl ? NULL : dlerror ();

      g_debug ("dlopen %s: %s", path, why ? why : "no C_GetFunctionList");
      if (self->dl == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_MODULE,
                     _("The USB key module %s does not exist: install the key vendor’s PKCS#11 module or choose "
                       "another in Settings"), path);
      else
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_MODULE, _("%s is not a PKCS#11 module"), path);
      module_free (self);
      return NULL;
    }
  self->ctx = PKCS11_CTX_new ();
  if (PKCS11_CTX_load (self->ctx, path) != 0)
    {
      g_autofree char *why = cd_pki_openssl_errors ();
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_MODULE, _("Cannot load the USB key module %s"), path);
      g_debug ("PKCS11_CTX_load %s: %s", path, why);
      PKCS11_CTX_free (self->ctx);
      self->ctx = NULL;
      module_free (self);
      return NULL;
    }
  if (get_list (&self->functions) != CKR_OK)
    {
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_NO_MODULE, _("%s is not a PKCS#11 module"), path);
      module_free (self);
      return NULL;
    }
  {
    /* Most modules share their state with libp11's load (the same image: CKR_CRYPTOKI_ALREADY_INITIALIZED).
     * Some hand out a function list per call that needs its own C_Initialize: p11-kit-client.so, which runs
     * a vendor module out of process behind `p11-kit server`. */
    CK_C_INITIALIZE_ARGS args = { NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL };
    CK_RV rv = self->functions->C_Initialize (&args);

    self->own_init = rv == CKR_OK;
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
      g_debug ("C_Initialize of our own function list for %s: %s", path, cd_pki_ckr_name (rv));
  }
  g_hash_table_insert (loaded, self->path, self);
  return self;
}

CdTokenModule *
cd_token_module_ref (CdTokenModule *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
cd_token_module_unref (CdTokenModule *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&loaded_lock);
  if (!g_atomic_ref_count_dec (&self->ref))
    {
      g_mutex_unlock (&loaded_lock);
      return;
    }
  g_hash_table_remove (loaded, self->path);
  g_mutex_unlock (&loaded_lock);
  module_free (self);
}

const char *
cd_token_module_get_path (CdTokenModule *self)
{
  return self->path;
}

PKCS11_CTX *
cd_token_module_get_ctx (CdTokenModule *self)
{
  return self->ctx;
}

CK_FUNCTION_LIST *
cd_token_module_get_functions (CdTokenModule *self)
{
  return self->functions;
}

void
cd_token_module_lock (CdTokenModule *self)
{
  g_rec_mutex_lock (&self->lock);
}

gboolean
cd_token_module_trylock (CdTokenModule *self)
{
  return g_rec_mutex_trylock (&self->lock);
}

void
cd_token_module_unlock (CdTokenModule *self)
{
  g_rec_mutex_unlock (&self->lock);
}
