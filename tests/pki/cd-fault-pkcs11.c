/* cd-fault-pkcs11.c: a PKCS#11 module for the fault tests. It forwards to SoftHSM2 ($CD_FAULT_TARGET) and,
 * as the control file $CD_FAULT_CONTROL says, fails a chosen call the way a real key does:
 *   fail C_GenerateKeyPair CKR_DEVICE_REMOVED [skip N] [sticky]   sticky: the key stays "pulled out"
 *   exit C_CreateObject [skip N]                                   the process dies there (a crash)
 *   pin-tries N                                                     a retry counter with COUNT_LOW/FINAL_TRY/LOCKED
 *   no-mech 0x1040                                                  the key lacks that mechanism (a key without EC)
 * The counters restart whenever the control file's content changes (the key was put back). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static CK_FUNCTION_LIST_PTR real;
static CK_FUNCTION_LIST wrapped;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static char control[4096];
static void pin_load (void);
static int calls[64];
static int removed;
static int pin_max = -1, pin_left = -1;

enum { F_GenerateKeyPair, F_CreateObject, F_SignInit, F_Sign, F_Login, F_InitToken, F_InitPIN, F_FindObjectsInit,
       F_GetAttributeValue, F_DestroyObject, F_OpenSession, F_GenerateKey, N_F };
static const char *const names[N_F] = {
  "C_GenerateKeyPair", "C_CreateObject", "C_SignInit", "C_Sign", "C_Login", "C_InitToken", "C_InitPIN",
  "C_FindObjectsInit", "C_GetAttributeValue", "C_DestroyObject", "C_OpenSession", "C_GenerateKey",
};

static const struct { const char *name; CK_RV rv; } rvs[] = {
  { "CKR_DEVICE_REMOVED", CKR_DEVICE_REMOVED }, { "CKR_PIN_INCORRECT", CKR_PIN_INCORRECT },
  { "CKR_DEVICE_MEMORY", CKR_DEVICE_MEMORY }, { "CKR_DEVICE_ERROR", CKR_DEVICE_ERROR },
  { "CKR_TOKEN_NOT_PRESENT", CKR_TOKEN_NOT_PRESENT }, { "CKR_PIN_LOCKED", CKR_PIN_LOCKED },
};

/* Re-reads the control file; a change of content resets the counters and puts the key back. */
static void
reload (void)
{
  const char *path = getenv ("CD_FAULT_CONTROL");
  char buf[4096] = "";
  FILE *f;
  size_t n = 0;

  if (path && (f = fopen (path, "r")))
    {
      n = fread (buf, 1, sizeof buf - 1, f);
      fclose (f);
    }
  buf[n] = '\0';
  if (strcmp (buf, control) != 0)
    {
      strcpy (control, buf);
      memset (calls, 0, sizeof calls);
      removed = 0;
      pin_max = pin_left = -1;
      {
        const char *p = strstr (control, "pin-tries ");
        if (p)
          pin_max = pin_left = atoi (p + 10);
        pin_load ();
      }
    }
}

/* CKR_OK to forward, else the failure to return. */
/* The retry counter lives in the key, not in the process: keep it in CONTROL.pin with the control text. */
static void
pin_save (void)
{
  const char *path = getenv ("CD_FAULT_CONTROL");
  char file[4200];
  FILE *f;

  if (!path || pin_max < 0)
    return;
  snprintf (file, sizeof file, "%s.pin", path);
  if ((f = fopen (file, "w")))
    {
      fprintf (f, "%d\n%s", pin_left, control);
      fclose (f);
    }
}

static void
pin_load (void)
{
  const char *path = getenv ("CD_FAULT_CONTROL");
  char file[4200], buf[4200] = "";
  FILE *f;
  size_t n = 0;
  char *nl;

  if (!path || pin_max < 0)
    return;
  snprintf (file, sizeof file, "%s.pin", path);
  if ((f = fopen (file, "r")))
    {
      n = fread (buf, 1, sizeof buf - 1, f);
      fclose (f);
    }
  buf[n] = '\0';
  if ((nl = strchr (buf, '\n')) && strcmp (nl + 1, control) == 0)
    pin_left = atoi (buf);
  else
    pin_save ();
}

static CK_RV
check (int fn)
{
  CK_RV rv = CKR_OK;
  char *save = NULL, *line, *copy;

  pthread_mutex_lock (&lock);
  reload ();
  if (removed)
    {
      pthread_mutex_unlock (&lock);
      return CKR_DEVICE_REMOVED;
    }
  calls[fn]++;
  copy = strdup (control);
  for (line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char verb[16] = "", func[64] = "", code[64] = "";
      int skip = 0;
      const char *s;

      if (sscanf (line, "%15s %63s %63s", verb, func, code) < 2 || strcmp (func, names[fn]) != 0)
        continue;
      if ((s = strstr (line, "skip ")))
        skip = atoi (s + 5);
      if (calls[fn] <= skip)
        continue;
      if (strcmp (verb, "exit") == 0)
        _exit (99);
      if (strcmp (verb, "fail") == 0)
        {
          for (size_t i = 0; i < sizeof rvs / sizeof rvs[0]; i++)
            if (strcmp (rvs[i].name, code) == 0)
              rv = rvs[i].rv;
          if (strstr (line, "sticky"))
            removed = 1;
          break;
        }
    }
  free (copy);
  pthread_mutex_unlock (&lock);
  return rv;
}

static int
is_removed (void)
{
  int r;

  pthread_mutex_lock (&lock);
  reload ();
  r = removed;
  pthread_mutex_unlock (&lock);
  return r;
}

#define FORWARD(fn, call) do { CK_RV _rv = check (F_##fn); if (_rv != CKR_OK) return _rv; return real->call; } while (0)

static CK_RV w_GenerateKeyPair (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR a, CK_ULONG n,
                                CK_ATTRIBUTE_PTR b, CK_ULONG k, CK_OBJECT_HANDLE_PTR x, CK_OBJECT_HANDLE_PTR y)
{ FORWARD (GenerateKeyPair, C_GenerateKeyPair (s, m, a, n, b, k, x, y)); }
static CK_RV w_GenerateKey (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR a, CK_ULONG n, CK_OBJECT_HANDLE_PTR x)
{ FORWARD (GenerateKey, C_GenerateKey (s, m, a, n, x)); }
static CK_RV w_CreateObject (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR a, CK_ULONG n, CK_OBJECT_HANDLE_PTR o)
{ FORWARD (CreateObject, C_CreateObject (s, a, n, o)); }
static CK_RV w_SignInit (CK_SESSION_HANDLE s, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k)
{ FORWARD (SignInit, C_SignInit (s, m, k)); }
static CK_RV w_Sign (CK_SESSION_HANDLE s, CK_BYTE_PTR d, CK_ULONG n, CK_BYTE_PTR sig, CK_ULONG_PTR sn)
{ FORWARD (Sign, C_Sign (s, d, n, sig, sn)); }
static CK_RV w_InitToken (CK_SLOT_ID id, CK_UTF8CHAR_PTR pin, CK_ULONG n, CK_UTF8CHAR_PTR label)
{ FORWARD (InitToken, C_InitToken (id, pin, n, label)); }
static CK_RV w_FindObjectsInit (CK_SESSION_HANDLE s, CK_ATTRIBUTE_PTR a, CK_ULONG n)
{ FORWARD (FindObjectsInit, C_FindObjectsInit (s, a, n)); }
static CK_RV w_GetAttributeValue (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR a, CK_ULONG n)
{ FORWARD (GetAttributeValue, C_GetAttributeValue (s, o, a, n)); }
static CK_RV w_DestroyObject (CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o)
{ FORWARD (DestroyObject, C_DestroyObject (s, o)); }
static CK_RV w_OpenSession (CK_SLOT_ID id, CK_FLAGS fl, CK_VOID_PTR app, CK_NOTIFY cb, CK_SESSION_HANDLE_PTR s)
{ FORWARD (OpenSession, C_OpenSession (id, fl, app, cb, s)); }

static CK_RV
w_InitPIN (CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR pin, CK_ULONG n)
{
  CK_RV rv = check (F_InitPIN);

  if (rv != CKR_OK)
    return rv;
  rv = real->C_InitPIN (s, pin, n);
  if (rv == CKR_OK)
    {
      pthread_mutex_lock (&lock);
      pin_left = pin_max;     /* the SO's new PIN resets the counter */
      pin_save ();
      pthread_mutex_unlock (&lock);
    }
  return rv;
}

static CK_RV
w_Login (CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_UTF8CHAR_PTR pin, CK_ULONG n)
{
  CK_RV rv = check (F_Login);

  if (rv != CKR_OK)
    return rv;
  pthread_mutex_lock (&lock);
  if (who == CKU_USER && pin_max >= 0 && pin_left == 0)
    {
      pthread_mutex_unlock (&lock);
      return CKR_PIN_LOCKED;
    }
  pthread_mutex_unlock (&lock);
  rv = real->C_Login (s, who, pin, n);
  pthread_mutex_lock (&lock);
  if (who == CKU_USER && pin_max >= 0)
    {
      if (rv == CKR_PIN_INCORRECT && pin_left > 0 && --pin_left == 0)
        rv = CKR_PIN_LOCKED;
      else if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
        pin_left = pin_max;
      pin_save ();
    }
  pthread_mutex_unlock (&lock);
  return rv;
}

static CK_RV
w_GetTokenInfo (CK_SLOT_ID id, CK_TOKEN_INFO_PTR info)
{
  CK_RV rv;

  if (is_removed ())
    return CKR_TOKEN_NOT_PRESENT;
  rv = real->C_GetTokenInfo (id, info);
  pthread_mutex_lock (&lock);
  if (rv == CKR_OK && pin_max >= 0)
    {
      info->flags &= ~(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
      if (pin_left == 0)
        info->flags |= CKF_USER_PIN_LOCKED;
      else if (pin_left == 1)
        info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
      else if (pin_left < pin_max)
        info->flags |= CKF_USER_PIN_COUNT_LOW;
    }
  pthread_mutex_unlock (&lock);
  return rv;
}

static CK_RV
w_GetSlotInfo (CK_SLOT_ID id, CK_SLOT_INFO_PTR info)
{
  CK_RV rv = real->C_GetSlotInfo (id, info);

  if (rv == CKR_OK && is_removed ())
    info->flags &= ~CKF_TOKEN_PRESENT;
  return rv;
}

/* Whether the control file hides mechanism @m ("no-mech 0x…" lines). */
static int
mech_hidden (CK_MECHANISM_TYPE m)
{
  char *save = NULL, *line, *copy;
  int hidden = 0;

  pthread_mutex_lock (&lock);
  reload ();
  copy = strdup (control);
  pthread_mutex_unlock (&lock);
  for (line = strtok_r (copy, "\n", &save); line && !hidden; line = strtok_r (NULL, "\n", &save))
    if (strncmp (line, "no-mech ", 8) == 0 && strtoul (line + 8, NULL, 0) == m)
      hidden = 1;
  free (copy);
  return hidden;
}

static CK_RV
w_GetMechanismList (CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR n)
{
  CK_ULONG all = 0, kept = 0;
  CK_MECHANISM_TYPE *mechs;
  CK_RV rv;

  if (is_removed ())
    return CKR_TOKEN_NOT_PRESENT;
  if ((rv = real->C_GetMechanismList (id, NULL, &all)) != CKR_OK)
    return rv;
  mechs = calloc (all + 1, sizeof *mechs);
  if ((rv = real->C_GetMechanismList (id, mechs, &all)) != CKR_OK)
    {
      free (mechs);
      return rv;
    }
  for (CK_ULONG i = 0; i < all; i++)
    if (!mech_hidden (mechs[i]))
      mechs[kept++] = mechs[i];
  if (list && *n < kept)
    rv = CKR_BUFFER_TOO_SMALL;
  else if (list)
    memcpy (list, mechs, kept * sizeof *mechs);
  *n = kept;
  free (mechs);
  return rv;
}

static CK_RV
w_GetMechanismInfo (CK_SLOT_ID id, CK_MECHANISM_TYPE m, CK_MECHANISM_INFO_PTR info)
{
  if (mech_hidden (m))
    return CKR_MECHANISM_INVALID;
  return real->C_GetMechanismInfo (id, m, info);
}

CK_RV
C_GetFunctionList (CK_FUNCTION_LIST_PTR_PTR list)
{
  if (real == NULL)
    {
      const char *target = getenv ("CD_FAULT_TARGET");
      void *dl = dlopen (target ? target : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
      CK_C_GetFunctionList get = dl ? (CK_C_GetFunctionList) dlsym (dl, "C_GetFunctionList") : NULL;

      if (get == NULL || get (&real) != CKR_OK)
        return CKR_GENERAL_ERROR;
      wrapped = *real;
      wrapped.C_GenerateKeyPair = w_GenerateKeyPair;
      wrapped.C_GenerateKey = w_GenerateKey;
      wrapped.C_CreateObject = w_CreateObject;
      wrapped.C_SignInit = w_SignInit;
      wrapped.C_Sign = w_Sign;
      wrapped.C_InitToken = w_InitToken;
      wrapped.C_FindObjectsInit = w_FindObjectsInit;
      wrapped.C_GetAttributeValue = w_GetAttributeValue;
      wrapped.C_DestroyObject = w_DestroyObject;
      wrapped.C_OpenSession = w_OpenSession;
      wrapped.C_InitPIN = w_InitPIN;
      wrapped.C_Login = w_Login;
      wrapped.C_GetTokenInfo = w_GetTokenInfo;
      wrapped.C_GetSlotInfo = w_GetSlotInfo;
      wrapped.C_GetMechanismList = w_GetMechanismList;
      wrapped.C_GetMechanismInfo = w_GetMechanismInfo;
    }
  *list = &wrapped;
  return CKR_OK;
}
