/* cd-issuer-cmp-transport.c: the CMP client's own TCP connection and HTTP transfer to the CA, so that an
 * unknown host, a refused port and a silent one are told apart (OpenSSL 3.0's client reports them alike). */
// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <openssl/http.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cd-issuer-cmp-private.h"

/* Our own TCP connection to the CA. OpenSSL 3.0's client retries a refused connection until the message
 * timeout and then reports "connect timeout" for an unknown host, a refused port and a silent one alike;
 * connecting here tells at once which of them it is. Returns a non-blocking socket, or -1 with the reason in
 * @x. */
static int
connect_server (Exchange *x, int timeout_s)
{
  CdIssuerCmp *self = x->self;
  struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
  struct addrinfo *list = NULL;
  char port[16];
  int fd = -1, rc;

  g_snprintf (port, sizeof port, "%d", self->port);
  if ((rc = getaddrinfo (self->host, port, &hints, &list)) != 0)
    {
      x->resolve_error = rc;
      return -1;
    }
  x->connect_errno = ECONNREFUSED;
  for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next)
    {
      struct pollfd pfd;
      int err = 0;
      socklen_t len = sizeof err;

      if ((fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol)) < 0)
        {
          x->connect_errno = errno;
          continue;
        }
      if (connect (fd, ai->ai_addr, ai->ai_addrlen) != 0)
        {
          if (errno != EINPROGRESS)
            err = errno;
          else
            {
              pfd.fd = fd;
              pfd.events = POLLOUT;
              do
                rc = poll (&pfd, 1, timeout_s * 1000);
              while (rc < 0 && errno == EINTR);
              if (rc == 0)
                err = ETIMEDOUT;
              else if (rc < 0 || getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
            }
        }
      if (err != 0)
        {
          x->connect_errno = err;
          close (fd);
          fd = -1;
        }
    }
  freeaddrinfo (list);
  if (fd >= 0)
    x->connect_errno = 0;
  return fd;
}

/* The transfer: what OSSL_CMP_MSG_http_perform does (HTTP POST of the DER, application/pkixcmp both ways, the
 * message timeout), over our own connection. */
OSSL_CMP_MSG *
cd_issuer_cmp_transfer (OSSL_CMP_CTX *ctx, const OSSL_CMP_MSG *req)
{
  Exchange *x = OSSL_CMP_CTX_get_transfer_cb_arg (ctx);
  CdIssuerCmp *self = x->self;
  int timeout_s = OSSL_CMP_CTX_get_option (ctx, OSSL_CMP_OPT_MSG_TIMEOUT);
  STACK_OF (CONF_VALUE) *headers = NULL;
  OSSL_CMP_MSG *rsp = NULL;
  BIO *req_mem = NULL, *conn = NULL, *answer;
  char port[16];
  int fd;

  if (timeout_s <= 0)
    timeout_s = (int) self->timeout_s;
  if ((fd = connect_server (x, timeout_s)) < 0)
    return NULL;
  g_snprintf (port, sizeof port, "%d", self->port);
  if (!(conn = BIO_new_socket (fd, BIO_CLOSE)))
    {
      close (fd);
      return NULL;
    }
  if (X509V3_add_value ("Pragma", "no-cache", &headers)
      && (req_mem = ASN1_item_i2d_mem_bio (ASN1_ITEM_rptr (OSSL_CMP_MSG), (const ASN1_VALUE *) req)))
    {
      answer = OSSL_HTTP_transfer (NULL, self->host, port, self->path, 0, NULL, NULL, conn, conn, NULL, NULL, 0,
                                   headers, "application/pkixcmp", req_mem, "application/pkixcmp", 1,
                                   OSSL_HTTP_DEFAULT_MAX_RESP_LEN, timeout_s, 0);
      if (answer)
        rsp = (OSSL_CMP_MSG *) ASN1_item_d2i_bio (ASN1_ITEM_rptr (OSSL_CMP_MSG), answer, NULL);
      BIO_free (answer);
    }
  /* The answer to our certConf (positive or negative): the CA has it. */
  if (rsp && x->checked && OSSL_CMP_MSG_get_bodytype (rsp) == BODY_PKICONF)
    x->conf_answered = TRUE;
  BIO_free (req_mem);
  BIO_free_all (conn);
  sk_CONF_VALUE_pop_free (headers, X509V3_conf_free);
  return rsp;
}
