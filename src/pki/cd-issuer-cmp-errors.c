/* cd-issuer-cmp-errors.c: a failed CMP exchange in one sentence that says who refused: the CA (its PKIStatus
 * text and failure bits in words; a refused protection or proof of possession said as such), the network
 * (host:port unknown, refused, timed out, closed), or a server that does not speak CMP (an HTTP error, an
 * answer that is not a CMP message). OpenSSL's error queue goes to the debug log only. */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/httperr.h>
#include <string.h>

#include "cd-issuer-cmp-private.h"
#include "cd-pki-error.h"

/* The failure bits that say the CA did not accept the message's protection. */
#define PROTECTION_FAILURES ((1 << OSSL_CMP_PKIFAILUREINFO_badMessageCheck) | (1 << OSSL_CMP_PKIFAILUREINFO_wrongIntegrity) \
                             | (1 << OSSL_CMP_PKIFAILUREINFO_signerNotTrusted) | (1 << OSSL_CMP_PKIFAILUREINFO_notAuthorized) \
                             | (1 << OSSL_CMP_PKIFAILUREINFO_badAlg))

/* Whether the OpenSSL error code an OpenSSL-based CA put in its error message says it could not check our
 * protection. */
static gboolean
is_protection_code (unsigned long code)
{
  static const int reasons[] = {
    CMP_R_WRONG_PBM_VALUE, CMP_R_ERROR_VALIDATING_PROTECTION, CMP_R_ERROR_VALIDATING_SIGNATURE,
    CMP_R_MISSING_PROTECTION, CMP_R_NO_SUITABLE_SENDER_CERT, CMP_R_MISSING_TRUST_STORE, CMP_R_MISSING_TRUST_ANCHOR,
    CMP_R_WRONG_ALGORITHM_OID, CMP_R_UNKNOWN_ALGORITHM_ID, CMP_R_MISSING_SECRET,
  };

  if (ERR_GET_LIB (code) != ERR_LIB_CMP)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (ERR_GET_REASON (code) == reasons[i])
      return TRUE;
  return FALSE;
}

/* PKIFailureInfo bits (RFC 4210 and 9480), in words, by bit number. */
static const char *const failure_words[] = {
  N_("unsupported algorithm"),                     /* badAlg */
  N_("the message's protection does not check"),   /* badMessageCheck */
  N_("request not permitted or not supported"),    /* badRequest */
  N_("message time out of range"),                 /* badTime */
  N_("no matching certificate"),                   /* badCertId */
  N_("data in the wrong format"),                  /* badDataFormat */
  N_("wrong CA"),                                  /* wrongAuthority */
  N_("incorrect data"),                            /* incorrectData */
  N_("time stamp missing"),                        /* missingTimeStamp */
  N_("proof of possession failed"),                /* badPOP */
  N_("certificate already revoked"),               /* certRevoked */
  N_("certificate already confirmed"),             /* certConfirmed */
  N_("wrong protection"),                          /* wrongIntegrity */
  N_("bad recipient nonce"),                       /* badRecipientNonce */
  N_("time source not available"),                 /* timeNotAvailable */
  N_("policy not accepted"),                       /* unacceptedPolicy */
  N_("extension not accepted"),                    /* unacceptedExtension */
  N_("additional information not available"),      /* addInfoNotAvailable */
  N_("bad sender nonce"),                          /* badSenderNonce */
  N_("certificate template not acceptable"),       /* badCertTemplate */
  N_("signer not trusted"),                        /* signerNotTrusted */
  N_("transaction ID already in use"),             /* transactionIdInUse */
  N_("unsupported version"),                       /* unsupportedVersion */
  N_("not authorised"),                            /* notAuthorized */
  N_("system unavailable"),                        /* systemUnavail */
  N_("system failure"),                            /* systemFailure */
  N_("duplicate certificate request"),             /* duplicateCertReq */
};

/* "bad request, incorrect data", or "" for none. */
static char *
failure_text (int bits)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; bits > 0 && i < G_N_ELEMENTS (failure_words); i++)
    if (bits & (1 << i))
      g_string_append_printf (s, "%s%s", s->len ? _(", ") : "", _(failure_words[i]));
  return g_string_free (s, FALSE);
}

/* One entry of OpenSSL's error queue. */
typedef struct {
  int   lib;
  int   reason;
  char *data;
} OsslError;

static void
ossl_error_clear (OsslError *e)
{
  g_free (e->data);
}

/* Drains OpenSSL's error queue (nothing of it reaches the clerk or stderr; all of it the debug log). */
GArray *
cd_issuer_cmp_drain_errors (GString *log)
{
  GArray *errors = g_array_new (FALSE, TRUE, sizeof (OsslError));
  const char *data = NULL;
  unsigned long e;
  int flags = 0;
  char buf[256];

  g_array_set_clear_func (errors, (GDestroyNotify) ossl_error_clear);
  while ((e = ERR_get_error_all (NULL, NULL, NULL, &data, &flags)) != 0)
    {
      gboolean has_data = (flags & ERR_TXT_STRING) && data && *data;
      OsslError entry = { ERR_GET_LIB (e), ERR_GET_REASON (e), g_strdup (has_data ? data : "") };

      ERR_error_string_n (e, buf, sizeof buf);
      g_string_append_printf (log, "%s%s%s%s", log->len ? "; " : "", buf, has_data ? ": " : "", has_data ? data : "");
      g_array_append_val (errors, entry);
    }
  return errors;
}

static const OsslError *
find_error (GArray *errors, int lib, int reason)
{
  for (guint i = 0; i < errors->len; i++)
    {
      const OsslError *e = &g_array_index (errors, OsslError, i);
      if (e->lib == lib && e->reason == reason)
        return e;
    }
  return NULL;
}

/* The CA's own words: its status text, else the details of its error message (OpenSSL's client puts them in
 * the data of CMP_R_RECEIVED_ERROR: "…; errorCode: 1D00009B; errorDetails: …"), on one line; @out_code gets
 * the error message's errorCode (0 if none). */
static char *
ca_words (OSSL_CMP_CTX *ctx, GArray *errors, unsigned long *out_code)
{
  OSSL_CMP_PKIFREETEXT *text = OSSL_CMP_CTX_get0_statusString (ctx);
  const OsslError *received = find_error (errors, ERR_LIB_CMP, CMP_R_RECEIVED_ERROR);
  g_autoptr(GString) s = g_string_new (NULL);

  *out_code = 0;
  for (int i = 0; text && i < sk_ASN1_UTF8STRING_num (text); i++)
    g_string_append_printf (s, "%s%s", s->len ? " " : "",
                            (const char *) ASN1_STRING_get0_data (sk_ASN1_UTF8STRING_value (text, i)));
  if (received)
    {
      const char *code = strstr (received->data, "errorCode: ");
      const char *d = strstr (received->data, "errorDetails: ");

      if (code)
        *out_code = strtoul (code + strlen ("errorCode: "), NULL, 16);
      if (d && s->len == 0)
        g_string_append (s, d + strlen ("errorDetails: "));
    }
  g_strdelimit (s->str, "\r\n", ' ');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Why the server's HTTP answer is not a CMP message, in words; NULL when the queue says nothing of that. */
static char *
not_cmp_reason (GArray *errors)
{
  for (guint i = 0; i < errors->len; i++)
    {
      const OsslError *e = &g_array_index (errors, OsslError, i);

      if (e->lib == ERR_LIB_HTTP)
        switch (e->reason)
          {
          case HTTP_R_UNEXPECTED_CONTENT_TYPE:
            {
              const char *actual = strstr (e->data, "actual=");
              return g_strdup_printf (_("its answer is %s, not application/pkixcmp"),
                                      actual ? actual + strlen ("actual=") : _("of another type"));
            }
          case HTTP_R_MISSING_CONTENT_TYPE:
            return g_strdup (_("its answer has no content type"));
          case HTTP_R_HEADER_PARSE_ERROR:
          case HTTP_R_RESPONSE_PARSE_ERROR:
          case HTTP_R_RECEIVED_WRONG_HTTP_VERSION:
          case HTTP_R_RESPONSE_LINE_TOO_LONG:
            return g_strdup (_("its answer is not HTTP"));
          case HTTP_R_MISSING_ASN1_ENCODING:
          case HTTP_R_ERROR_PARSING_ASN1_LENGTH:
          case HTTP_R_INCONSISTENT_CONTENT_LENGTH:
          case HTTP_R_ERROR_PARSING_CONTENT_LENGTH:
            return g_strdup (_("its answer is not a CMP message"));
          case HTTP_R_MAX_RESP_LEN_EXCEEDED:
          case HTTP_R_ASN1_LEN_EXCEEDS_MAX_RESP_LEN:
            return g_strdup (_("its answer is far too long for a CMP message"));
          case HTTP_R_STATUS_CODE_UNSUPPORTED:
          case HTTP_R_REDIRECTION_NOT_ENABLED:
          case HTTP_R_MISSING_REDIRECT_LOCATION:
          case HTTP_R_TOO_MANY_REDIRECTIONS:
            return g_strdup (_("it answers with a redirection or an HTTP status CMP does not use"));
          default:
            break;
          }
      else if (e->lib == ERR_LIB_ASN1)
        return g_strdup (_("its answer is not a CMP message"));
    }
  return NULL;
}

/* After a failed exchange: who refused, in one sentence. */
void
cd_issuer_cmp_set_error (Exchange *x, OSSL_CMP_CTX *ctx, GArray *errors, const char *log, const char *doing, GError **error)
{
  CdIssuerCmp *self = x->self;
  int status = OSSL_CMP_CTX_get_status (ctx);
  int fail = OSSL_CMP_CTX_get_failInfoCode (ctx);
  unsigned long code = 0;
  g_autofree char *words = ca_words (ctx, errors, &code);
  g_autofree char *bits = failure_text (fail);
  g_autofree char *not_cmp = NULL;
  const OsslError *e;

  g_atomic_int_set (&self->protection_refused, FALSE);
  if (x->resolve_error)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("Could not connect to the CA for %s: the name %s of the CMP server %s is not known (%s); check the "
                   "address and the network"), doing, self->host, self->url, gai_strerror (x->resolve_error));
  else if (x->connect_errno == ECONNREFUSED)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("Could not connect to the CA at %s:%d for %s: the connection was refused (no CMP server listens "
                   "there); check the address and that the CA's server runs"), self->host, self->port, doing);
  else if (x->connect_errno == ETIMEDOUT)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("Could not connect to the CA at %s:%d for %s: no answer within %u s; check the network and retry"),
                 self->host, self->port, doing, self->timeout_s);
  else if (x->connect_errno)
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("Could not connect to the CA at %s:%d for %s: %s; check the network and retry"), self->host,
                 self->port, doing, g_strerror (x->connect_errno));
  else if (status == OSSL_CMP_PKISTATUS_waiting)
    /* The CA asked to wait and poll, and did not decide within the transaction's time. */
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("The CA did not decide on %s within %u s (it asked to wait); retry later"), doing,
                 self->timeout_s * 3);
  else if (status == OSSL_CMP_PKISTATUS_rejection || status == OSSL_CMP_PKISTATUS_revocationWarning
           || status == OSSL_CMP_PKISTATUS_revocationNotification)
    {
      if ((fail > 0 && (fail & PROTECTION_FAILURES)) || is_protection_code (code))
        {
          g_atomic_int_set (&self->protection_refused, TRUE);
          g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                       self->secret ? _("The CA did not accept this counter's CMP shared secret for %s; check the secret and retry (%s)")
                                    : _("The CA did not accept the RA certificate's signature on %s; check the RA certificate and key (%s)"),
                       doing, *words ? words : *bits ? bits : _("no reason given"));
        }
      else if (fail > 0 && (fail & (1 << OSSL_CMP_PKIFAILUREINFO_badPOP)))
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED,
                     _("The CA refused the key's proof of possession in %s: %s"), doing,
                     *words ? words : _("no reason given"));
      else if (*words && *bits)
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED, _("The CA refused %s: %s (%s)"), doing, words,
                     bits);
      else if (*words || *bits)
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED, _("The CA refused %s: %s"), doing,
                     *words ? words : bits);
      else
        g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_REFUSED, _("The CA refused %s and gave no reason"), doing);
    }
  else if (find_error (errors, ERR_LIB_BIO, BIO_R_TRANSFER_TIMEOUT) || find_error (errors, ERR_LIB_HTTP, HTTP_R_RETRY_TIMEOUT)
           || find_error (errors, ERR_LIB_CMP, CMP_R_TOTAL_TIMEOUT) || find_error (errors, ERR_LIB_BIO, BIO_R_CONNECT_TIMEOUT))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("The CA at %s:%d did not answer %s within %u s; check the network and retry"), self->host, self->port,
                 doing, self->timeout_s);
  else if ((e = find_error (errors, ERR_LIB_HTTP, HTTP_R_RECEIVED_ERROR)))
    {
      /* OpenSSL's data: "code=404, reason=Not Found" */
      g_autofree char *status_text = g_strdup (e->data);
      char *p;

      if ((p = strstr (status_text, "code=")) && (memmove (status_text, p + 5, strlen (p + 5) + 1), TRUE)
          && (p = strstr (status_text, ", reason=")))
        {
          *p = ' ';
          memmove (p + 1, p + strlen (", reason="), strlen (p + strlen (", reason=")) + 1);
        }
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER,
                   _("The server at %s answered %s with the HTTP error %s; check the CMP server address"), self->url,
                   doing, status_text);
    }
  else if ((not_cmp = not_cmp_reason (errors)))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("The server at %s did not answer %s in CMP: %s"),
                 self->url, doing, not_cmp);
  else if (find_error (errors, ERR_LIB_HTTP, HTTP_R_FAILED_READING_DATA)
           || find_error (errors, ERR_LIB_HTTP, HTTP_R_SERVER_CANCELED_CONNECTION)
           || find_error (errors, ERR_LIB_HTTP, HTTP_R_ERROR_SENDING)
           || find_error (errors, ERR_LIB_HTTP, HTTP_R_ERROR_RECEIVING))
    g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER_UNREACHABLE,
                 _("The CA at %s:%d closed the connection without answering %s; retry, and check the CMP server address "
                   "if it happens again"), self->host, self->port, doing);
  else
    {
      /* A CMP answer that our client does not take: its protection, its transaction, its type. */
      const char *why = NULL;

      for (guint i = 0; i < errors->len && !why; i++)
        {
          const OsslError *c = &g_array_index (errors, OsslError, i);

          if (c->lib == ERR_LIB_CMP && is_protection_code (ERR_PACK (ERR_LIB_CMP, 0, c->reason)))
            why = self->secret ? _("its protection does not check with this counter's shared secret")
                               : _("its signature does not check with the CMP trust anchor");
        }
      for (guint i = 0; i < errors->len && !why; i++)
        {
          const OsslError *c = &g_array_index (errors, OsslError, i);

          if (c->lib == ERR_LIB_CMP && c->reason != CMP_R_TRANSFER_ERROR)
            why = ERR_reason_error_string (ERR_PACK (ERR_LIB_CMP, 0, c->reason));
        }
      g_set_error (error, CD_PKI_ERROR, CD_PKI_ERROR_ISSUER, _("This counter refused the CA's answer to %s: %s"), doing,
                   why ? why : _("it is not what CMP expects"));
    }
  g_debug ("CMP %s failed (status %d, failure bits 0x%x): %s", doing, status, (unsigned) fail, log);
}
