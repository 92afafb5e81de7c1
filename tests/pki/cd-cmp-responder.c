/* cd-cmp-responder.c: a CMP responder for the tests, built on OpenSSL's server side (OSSL_CMP_SRV_CTX): a
 * test CA signs the key of each p10cr, rr revocations are listed in DIR/revoked.txt, and DIR/refuse (when
 * present) makes it reject requests with its text. PBM (shared secret) protection both ways. HTTP/1.1 on
 * 127.0.0.1, an ephemeral port written to DIR/port.
 *   cd-cmp-responder DIR SECRET [REFERENCE] */
// SPDX-License-Identifier: GPL-3.0-or-later
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static X509 *ca_cert;
static EVP_PKEY *ca_key;
static const char *dir;

static char *
path_in (const char *name)
{
  static char buf[4096];
  snprintf (buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

/* The refusal text, or NULL when the CA accepts. */
static char *
refusal (void)
{
  static char text[512];
  FILE *f = fopen (path_in ("refuse"), "r");
  size_t n;

  if (!f)
    return NULL;
  n = fread (text, 1, sizeof text - 1, f);
  fclose (f);
  text[n] = '\0';
  if (n && text[n - 1] == '\n')
    text[n - 1] = '\0';
  return text;
}

static void
add_ext (X509 *cert, int nid, const char *value)
{
  X509V3_CTX v3;
  X509_EXTENSION *ext;

  X509V3_set_ctx (&v3, ca_cert ? ca_cert : cert, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &v3, nid, value);
  X509_add_ext (cert, ext, -1);
  X509_EXTENSION_free (ext);
}

static X509 *
make_cert (const X509_NAME *subject, EVP_PKEY *pub, int days, int is_ca)
{
  X509 *c = X509_new ();
  unsigned char rnd[16];
  BIGNUM *bn;

  RAND_bytes (rnd, sizeof rnd);
  rnd[0] &= 0x7f;
  bn = BN_bin2bn (rnd, sizeof rnd, NULL);
  BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (c));
  BN_free (bn);
  X509_set_version (c, 2);
  X509_set_subject_name (c, subject);
  X509_set_issuer_name (c, is_ca ? subject : X509_get_subject_name (ca_cert));
  X509_gmtime_adj (X509_getm_notBefore (c), -3600);
  X509_gmtime_adj (X509_getm_notAfter (c), (long) days * 86400);
  X509_set_pubkey (c, pub);
  if (is_ca)
    {
      add_ext (c, NID_basic_constraints, "critical,CA:TRUE");
      add_ext (c, NID_key_usage, "critical,keyCertSign,cRLSign");
      add_ext (c, NID_subject_key_identifier, "hash");
    }
  else
    {
      add_ext (c, NID_basic_constraints, "critical,CA:FALSE");
      add_ext (c, NID_key_usage, "critical,digitalSignature,nonRepudiation");
      add_ext (c, NID_authority_key_identifier, "keyid:always");
    }
  X509_sign (c, is_ca ? pub : ca_key, EVP_sha256 ());
  return c;
}

static OSSL_CMP_PKISI *
on_cert_request (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const OSSL_CRMF_MSG *crm,
                 const X509_REQ *p10cr, X509 **cert_out, STACK_OF (X509) **chain_out, STACK_OF (X509) **ca_pubs)
{
  const char *no = refusal ();
  EVP_PKEY *pub;

  if (no)
    return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badRequest, no);
  if (p10cr == NULL || !(pub = X509_REQ_get0_pubkey ((X509_REQ *) p10cr)))
    return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badRequest,
                                    "this test CA signs PKCS#10 requests (p10cr)");
  *cert_out = make_cert (X509_REQ_get_subject_name ((X509_REQ *) p10cr), pub, 365, 0);
  *chain_out = NULL;
  *ca_pubs = NULL;
  return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

static OSSL_CMP_PKISI *
on_revoke (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const X509_NAME *issuer, const ASN1_INTEGER *serial)
{
  const char *no = refusal ();
  BIGNUM *bn;
  char *hex;
  FILE *f;

  if (no)
    return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badRequest, no);
  bn = ASN1_INTEGER_to_BN (serial, NULL);
  hex = BN_bn2hex (bn);
  if ((f = fopen (path_in ("revoked.txt"), "a")))
    {
      fprintf (f, "%s\n", hex);
      fclose (f);
    }
  OPENSSL_free (hex);
  BN_free (bn);
  return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

static int
on_cert_conf (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const ASN1_OCTET_STRING *hash,
              const OSSL_CMP_PKISI *si)
{
  return 1;
}

static int
on_genm (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const STACK_OF (OSSL_CMP_ITAV) *in,
         STACK_OF (OSSL_CMP_ITAV) **out)
{
  *out = sk_OSSL_CMP_ITAV_new_null ();
  return 1;
}

static void
on_error (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const OSSL_CMP_PKISI *si, const ASN1_INTEGER *code,
          const OSSL_CMP_PKIFREETEXT *details)
{
}

static int
on_poll (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, OSSL_CMP_MSG **cert_req, int64_t *check_after)
{
  return 0;
}

static void
serve (int fd, OSSL_CMP_SRV_CTX *srv)
{
  char head[8192] = "";
  size_t got = 0;
  char *end = NULL, *cl;
  long len;
  unsigned char *body;
  const unsigned char *p;
  OSSL_CMP_MSG *req, *resp;
  unsigned char *out = NULL;
  int out_len = 0;
  char hdr[256];

  while (got < sizeof head - 1 && !(end = strstr (head, "\r\n\r\n")))
    {
      ssize_t n = read (fd, head + got, sizeof head - 1 - got);
      if (n <= 0)
        return;
      got += n;
      head[got] = '\0';
    }
  if (!end || !(cl = strcasestr (head, "Content-Length:")))
    return;
  len = strtol (cl + 15, NULL, 10);
  if (len <= 0 || len > 1 << 20)
    return;
  body = malloc (len);
  {
    size_t have = got - (end + 4 - head);
    if ((long) have > len)
      have = len;
    memcpy (body, end + 4, have);
    while ((long) have < len)
      {
        ssize_t n = read (fd, body + have, len - have);
        if (n <= 0)
          {
            free (body);
            return;
          }
        have += n;
      }
  }
  p = body;
  req = d2i_OSSL_CMP_MSG (NULL, &p, len);
  resp = req ? OSSL_CMP_SRV_process_request (srv, req) : NULL;
  if (resp)
    out_len = i2d_OSSL_CMP_MSG (resp, &out);
  if (out_len > 0)
    {
      snprintf (hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: application/pkixcmp\r\nContent-Length: %d\r\n"
                "Connection: close\r\n\r\n", out_len);
      if (write (fd, hdr, strlen (hdr)) < 0 || write (fd, out, out_len) < 0)
        perror ("write");
    }
  else
    {
      const char *bad = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      if (write (fd, bad, strlen (bad)) < 0)
        perror ("write");
    }
  ERR_clear_error ();
  OPENSSL_free (out);
  /* OpenSSL 3.0's server keeps the certification request for the certConf that follows and frees it
   * itself: the request is not ours to free. */
  OSSL_CMP_MSG_free (resp);
  free (body);
}

int
main (int argc, char **argv)
{
  struct sockaddr_in addr = { 0 };
  socklen_t alen = sizeof addr;
  OSSL_CMP_SRV_CTX *srv;
  OSSL_CMP_CTX *ctx;
  X509_NAME *name;
  const char *ref;
  FILE *f;
  int s, one = 1;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s DIR SECRET [REFERENCE]\n", argv[0]);
      return 2;
    }
  dir = argv[1];
  ref = argc > 3 ? argv[3] : "certdesk";
  ca_key = EVP_EC_gen ("P-256");
  name = X509_NAME_new ();
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) "CertDesk Test CMP CA", -1, -1, 0);
  ca_cert = make_cert (name, ca_key, 3650, 1);
  if ((f = fopen (path_in ("ca.pem"), "w")))
    {
      PEM_write_X509 (f, ca_cert);
      fclose (f);
    }

  srv = OSSL_CMP_SRV_CTX_new (NULL, NULL);
  OSSL_CMP_SRV_CTX_init (srv, NULL, on_cert_request, on_revoke, on_genm, on_error, on_cert_conf, on_poll);
  ctx = OSSL_CMP_SRV_CTX_get0_cmp_ctx (srv);
  OSSL_CMP_CTX_set1_referenceValue (ctx, (const unsigned char *) ref, strlen (ref));
  OSSL_CMP_CTX_set1_secretValue (ctx, (const unsigned char *) argv[2], strlen (argv[2]));
  OSSL_CMP_CTX_set_log_verbosity (ctx, OSSL_CMP_LOG_ERR);

  s = socket (AF_INET, SOCK_STREAM, 0);
  setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (bind (s, (struct sockaddr *) &addr, sizeof addr) != 0 || listen (s, 8) != 0
      || getsockname (s, (struct sockaddr *) &addr, &alen) != 0)
    {
      perror ("listen");
      return 1;
    }
  /* The port last: the tests wait for this file. */
  if ((f = fopen (path_in ("port.tmp"), "w")))
    {
      fprintf (f, "%d\n", ntohs (addr.sin_port));
      fclose (f);
      char tmp[4096];
      snprintf (tmp, sizeof tmp, "%s", path_in ("port.tmp"));
      rename (tmp, path_in ("port"));
    }
  for (;;)
    {
      int c = accept (s, NULL, NULL);
      if (c < 0)
        continue;
      serve (c, srv);
      close (c);
    }
}
