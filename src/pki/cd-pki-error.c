/* cd-pki-error.c: PKCS#11 and OpenSSL failures turned into one sentence for the clerk. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <glib/gi18n-lib.h>
#include <openssl/err.h>
#include <p11-kit/pkcs11.h>

#include "cd-pki-error.h"

G_DEFINE_QUARK (cd-pki-error-quark, cd_pki_error)

gboolean
cd_pki_error_is_token (const GError *error)
{
  return error && error->domain == CD_PKI_ERROR && error->code <= CD_PKI_ERROR_VERIFY;
}

gboolean
cd_pki_error_is_issuer (const GError *error)
{
  return error && error->domain == CD_PKI_ERROR
         && (error->code == CD_PKI_ERROR_ISSUER_UNREACHABLE || error->code == CD_PKI_ERROR_ISSUER_REFUSED
             || error->code == CD_PKI_ERROR_ISSUER);
}

const char *
cd_pki_ckr_name (unsigned long rv)
{
  switch (rv)
    {
#define N(x) case x: return #x
    N (CKR_OK); N (CKR_HOST_MEMORY); N (CKR_GENERAL_ERROR); N (CKR_FUNCTION_FAILED); N (CKR_ARGUMENTS_BAD);
    N (CKR_ATTRIBUTE_VALUE_INVALID); N (CKR_DEVICE_ERROR); N (CKR_DEVICE_MEMORY); N (CKR_DEVICE_REMOVED);
    N (CKR_FUNCTION_NOT_SUPPORTED); N (CKR_KEY_HANDLE_INVALID); N (CKR_MECHANISM_INVALID);
    N (CKR_OBJECT_HANDLE_INVALID); N (CKR_PIN_INCORRECT); N (CKR_PIN_INVALID); N (CKR_PIN_LEN_RANGE);
    N (CKR_PIN_LOCKED); N (CKR_SESSION_CLOSED); N (CKR_SESSION_HANDLE_INVALID); N (CKR_SESSION_READ_ONLY);
    N (CKR_SLOT_ID_INVALID); N (CKR_TOKEN_NOT_PRESENT); N (CKR_TOKEN_NOT_RECOGNIZED);
    N (CKR_TOKEN_WRITE_PROTECTED); N (CKR_USER_NOT_LOGGED_IN); N (CKR_USER_ALREADY_LOGGED_IN);
    N (CKR_USER_ANOTHER_ALREADY_LOGGED_IN); N (CKR_USER_PIN_NOT_INITIALIZED); N (CKR_CRYPTOKI_NOT_INITIALIZED);
    N (CKR_TEMPLATE_INCOMPLETE); N (CKR_SESSION_EXISTS); N (CKR_SESSION_READ_WRITE_SO_EXISTS); N (CKR_TEMPLATE_INCONSISTENT); N (CKR_DATA_LEN_RANGE);
    N (CKR_MECHANISM_PARAM_INVALID); N (CKR_KEY_SIZE_RANGE); N (CKR_DOMAIN_PARAMS_INVALID); N (CKR_CURVE_NOT_SUPPORTED);
    N (CKR_ATTRIBUTE_SENSITIVE); N (CKR_ATTRIBUTE_TYPE_INVALID); N (CKR_OPERATION_NOT_INITIALIZED);
#undef N
    default:
      return "CKR_?";
    }
}

/* Every PKCS#11 answer that can reach the clerk becomes a sentence: what happened and what to do. The code
 * itself goes to the log only (it means nothing at the counter). */
void
cd_pki_set_ckr_error (GError **error, unsigned long rv, const char *doing)
{
  g_debug ("PKCS#11 %s (0x%lx) while %s", cd_pki_ckr_name (rv), rv, doing);
  switch (rv)
    {
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_SESSION_CLOSED:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SLOT_ID_INVALID:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_REMOVED,
                   _("The USB key was removed while %s; insert it again and retry"), doing);
      break;
    case CKR_DEVICE_MEMORY:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN_FULL,
                   _("The USB key is full (while %s); use another key or initialise this one"), doing);
      break;
    case CKR_PIN_INCORRECT:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_INCORRECT, _("The PIN is wrong (while %s)"), doing);
      break;
    case CKR_PIN_LOCKED:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_PIN_LOCKED,
                   _("The USB key's PIN is locked; the key needs a PIN unlock (口令解锁) first"));
      break;
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key does not accept this PIN (while %s): its length or characters are outside what "
                     "the key allows; use a PIN as the key's vendor specifies"), doing);
      break;
    case CKR_USER_PIN_NOT_INITIALIZED:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key has no user PIN yet (while %s): it must be initialised first"), doing);
      break;
    case CKR_USER_NOT_LOGGED_IN:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key asked for its PIN again while %s; retry"), doing);
      break;
    case CKR_MECHANISM_INVALID:
    case CKR_MECHANISM_PARAM_INVALID:
    case CKR_FUNCTION_NOT_SUPPORTED:
    case CKR_KEY_SIZE_RANGE:
    case CKR_DOMAIN_PARAMS_INVALID:
    case CKR_CURVE_NOT_SUPPORTED:
    case CKR_TEMPLATE_INCONSISTENT:
    case CKR_ATTRIBUTE_VALUE_INVALID:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key cannot do what %s needs (it does not support it); use another key"), doing);
      break;
    case CKR_TOKEN_WRITE_PROTECTED:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key is write-protected (while %s); use a key that can be written"), doing);
      break;
    case CKR_TOKEN_NOT_RECOGNIZED:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key is not recognised by the configured key module (while %s); check the module in "
                     "Settings or use another key"), doing);
      break;
    default:
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_TOKEN,
                   _("The USB key did not complete %s; take it out, insert it again and retry, or use another key"),
                   doing);
      break;
    }
}

char *
cd_pki_openssl_errors (void)
{
  GString *s = g_string_new (NULL);
  unsigned long e;
  char buf[256];

  while ((e = ERR_get_error ()) != 0)
    {
      ERR_error_string_n (e, buf, sizeof buf);
      g_string_append_printf (s, "%s%s", s->len ? "; " : "", buf);
    }
  return g_string_free (s, FALSE);
}
