/* cd-cmp-responder.c: a CMP responder for the tests, built on OpenSSL's server side (OSSL_CMP_SRV_CTX): a
 * test CA signs the key of each p10cr or ir (the server checks an ir's proof of possession before the
 * callback sees it), each request's body type is appended to DIR/requests.txt, rr revocations are listed in
 * DIR/revoked.txt, and DIR/refuse (when present) makes it reject requests with its text. DIR/tamper (when
 * present) makes it return a wrong certificate: "key" (for another key), "subject" (another subject) or
 * "chain" (signed by a CA the client does not trust). Each certConf is appended to DIR/certconf.txt:
 * "accepted", or "rejected: " and its PKIStatusInfo. DIR/ledger.txt is the CA's own record for the crash campaign
 * (test-pki-crash-cmp.c), one event a line, appended and fsynced before the answer leaves: "issued SERIAL" (the
 * certificate signed, before the answer is sent), "confirmed SERIAL" / "rejected SERIAL" (its certConf),
 * "revoked SERIAL" (an rr); SERIAL in upper-case hex. A restart in the same DIR keeps the CA (DIR/ca.key and
 * ca.pem are read again) and its port (DIR/port). DIR/die-after-answer (when present) makes the responder exit
 * right after it sent a certificate, before the certConf: a CA stopped mid-exchange; DIR/die-after-certconf, right
 * after it recorded a certConf, before its answer. DIR/strict-rr (when present) makes an rr of a serial already in
 * revoked.txt rejected with failInfo certRevoked, as CAs answer a second revocation. Protection both
 * ways: PBM with SECRET, or (--ra-trust) signatures: requests signed by an RA whose certificate chains to
 * RA-CA.pem, answers signed by the test CA. Unprotected requests are refused. HTTP/1.1 on 127.0.0.1, an
 * ephemeral port written to DIR/port.
 *   cd-cmp-responder DIR SECRET [REFERENCE]
 *   cd-cmp-responder DIR --ra-trust RA-CA.pem */
// SPDX-License-Identifier: GPL-3.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/cmp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static X509 *ca_cert;
static EVP_PKEY *ca_key;
static char last_issued[80];   /* the serial the next certConf is about (one client at a time) */
static const char *dir;
static pid_t owner;

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

/* The first word of DIR/tamper, or NULL. */
static char *
tamper (void)
{
  static char word[32];
  FILE *f = fopen (path_in ("tamper"), "r");

  if (!f)
    return NULL;
  if (fscanf (f, "%31s", word) != 1)
    word[0] = '\0';
  fclose (f);
  return word;
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
      add_ext (c, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");  /* it signs its CMP answers too */
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

static void
append_line (const char *file, const char *line)
{
  FILE *f = fopen (path_in (file), "a");

  if (f)
    {
      fprintf (f, "%s\n", line);
      fclose (f);
    }
}

/* One event in DIR/ledger.txt, synced: what the CA did survives the responder's own stop. */
static void
ledger (const char *event, const char *serial)
{
  FILE *f = fopen (path_in ("ledger.txt"), "a");

  if (f)
    {
      fprintf (f, "%s %s\n", event, serial);
      fflush (f);
      fsync (fileno (f));
      fclose (f);
    }
}

static void
serial_hex (X509 *cert, char *out, size_t len)
{
  BIGNUM *bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  char *hex = BN_bn2hex (bn);

  snprintf (out, len, "%s", hex);
  OPENSSL_free (hex);
  BN_free (bn);
}

/* The public key of a CRMF certificate template (ir). OpenSSL 3.0 has no getter for it
 * (OSSL_CRMF_CERTTEMPLATE_get0_publicKey came with 3.2), but it encodes the template: CertTemplate is a
 * SEQUENCE whose field publicKey is [6] IMPLICIT SubjectPublicKeyInfo, i.e. the SubjectPublicKeyInfo's own
 * content under the context tag. A copy of that field with its tag byte (0xA6: context, constructed, 6)
 * rewritten to SEQUENCE (0x30) is a SubjectPublicKeyInfo that d2i_X509_PUBKEY reads. */
static EVP_PKEY *
template_public_key (const OSSL_CRMF_MSG *crm)
{
  OSSL_CRMF_CERTTEMPLATE *tmpl = OSSL_CRMF_MSG_get0_tmpl (crm);
  unsigned char *der = NULL;
  int der_len = tmpl ? i2d_OSSL_CRMF_CERTTEMPLATE (tmpl, &der) : -1;
  const unsigned char *p = der, *end;
  EVP_PKEY *key = NULL;
  long len;
  int tag, xclass;

  if (der_len <= 0)
    return NULL;
  if ((ASN1_get_object (&p, &len, &tag, &xclass, der_len) & 0x80) || tag != V_ASN1_SEQUENCE)
    goto out;
  end = p + len;
  while (p < end)
    {
      const unsigned char *field = p;

      if (ASN1_get_object (&p, &len, &tag, &xclass, end - p) & 0x80)
        break;
      if (xclass == V_ASN1_CONTEXT_SPECIFIC && tag == 6 && *field == 0xA6)
        {
          long field_len = (long) (p - field) + len;
          unsigned char *copy = OPENSSL_memdup (field, field_len);
          const unsigned char *q = copy;
          X509_PUBKEY *xpk;

          copy[0] = 0x30;
          if ((xpk = d2i_X509_PUBKEY (NULL, &q, field_len)))
            key = X509_PUBKEY_get (xpk);
          X509_PUBKEY_free (xpk);
          OPENSSL_free (copy);
          break;
        }
      p += len;
    }
out:
  OPENSSL_free (der);
  return key;
}

static OSSL_CMP_PKISI *
on_cert_request (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const OSSL_CRMF_MSG *crm,
                 const X509_REQ *p10cr, X509 **cert_out, STACK_OF (X509) **chain_out, STACK_OF (X509) **ca_pubs)
{
  const char *no = refusal ();
  const X509_NAME *subject = NULL;
  EVP_PKEY *pub = NULL;

  append_line ("requests.txt", OSSL_CMP_MSG_get_bodytype (req) == OSSL_CMP_IR ? "ir"
                               : OSSL_CMP_MSG_get_bodytype (req) == OSSL_CMP_P10CR ? "p10cr" : "other");
  if (no)
    return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badRequest, no);
  if (p10cr)
    {
      subject = X509_REQ_get_subject_name ((X509_REQ *) p10cr);
      if ((pub = X509_REQ_get0_pubkey ((X509_REQ *) p10cr)))
        EVP_PKEY_up_ref (pub);
    }
  else if (crm)
    {
      subject = OSSL_CRMF_CERTTEMPLATE_get0_subject (OSSL_CRMF_MSG_get0_tmpl (crm));
      pub = template_public_key (crm);
    }
  if (subject == NULL || pub == NULL)
    {
      EVP_PKEY_free (pub);
      return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badCertTemplate,
                                      "the request names no subject or no public key");
    }
  {
    const char *how = tamper ();

    if (how && strcmp (how, "key") == 0)
      {
        EVP_PKEY_free (pub);
        pub = EVP_EC_gen ("P-256");
      }
    if (how && strcmp (how, "subject") == 0)
      {
        X509_NAME *other = X509_NAME_new ();

        X509_NAME_add_entry_by_txt (other, "CN", MBSTRING_UTF8, (const unsigned char *) "Somebody Else", -1, -1, 0);
        *cert_out = make_cert (other, pub, 365, 0);
        X509_NAME_free (other);
      }
    else if (how && strcmp (how, "chain") == 0)
      {
        /* The same names, signed by a key the client's trust anchor does not hold. */
        EVP_PKEY *real = ca_key;

        ca_key = EVP_EC_gen ("P-256");
        *cert_out = make_cert (subject, pub, 365, 0);
        EVP_PKEY_free (ca_key);
        ca_key = real;
      }
    else
      *cert_out = make_cert (subject, pub, 365, 0);
  }
  EVP_PKEY_free (pub);
  if (*cert_out)
    {
      serial_hex (*cert_out, last_issued, sizeof last_issued);
      ledger ("issued", last_issued);
    }
  *chain_out = NULL;
  *ca_pubs = NULL;
  return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

/* With DIR/strict-rr: whether SERIAL (upper-case hex) is listed in revoked.txt already. */
static int
already_revoked (const char *hex)
{
  char line[256];
  FILE *f;
  int found = 0;

  if (access (path_in ("strict-rr"), F_OK) != 0 || !(f = fopen (path_in ("revoked.txt"), "r")))
    return 0;
  while (!found && fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\n")] = '\0';
      found = strcmp (line, hex) == 0;
    }
  fclose (f);
  return found;
}

static OSSL_CMP_PKISI *
on_revoke (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, const X509_NAME *issuer, const ASN1_INTEGER *serial)
{
  const char *no = refusal ();
  BIGNUM *bn;
  char *hex;

  append_line ("requests.txt", "rr");
  if (no)
    return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_badRequest, no);
  bn = ASN1_INTEGER_to_BN (serial, NULL);
  hex = BN_bn2hex (bn);
  if (already_revoked (hex))
    {
      OPENSSL_free (hex);
      BN_free (bn);
      return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_rejection, 1 << OSSL_CMP_PKIFAILUREINFO_certRevoked,
                                      "certificate already revoked");
    }
  append_line ("revoked.txt", hex);
  ledger ("revoked", hex);
  OPENSSL_free (hex);
  BN_free (bn);
  return OSSL_CMP_STATUSINFO_new (OSSL_CMP_PKISTATUS_accepted, 0, NULL);
}

static int
on_cert_conf (OSSL_CMP_SRV_CTX *srv, const OSSL_CMP_MSG *req, int id, const ASN1_OCTET_STRING *hash,
              const OSSL_CMP_PKISI *si)
{
  char buf[1024] = "rejected: ";

  int ok;

  if (si == NULL)
    ok = 1;
  else
    {
      OSSL_CMP_snprint_PKIStatusInfo (si, buf + strlen (buf), sizeof buf - strlen (buf));
      ok = strncmp (buf + strlen ("rejected: "), "PKIStatus: accepted", 19) == 0;
    }
  append_line ("certconf.txt", ok ? "accepted" : buf);
  if (last_issued[0])
    ledger (ok ? "confirmed" : "rejected", last_issued);
  last_issued[0] = '\0';
  /* Stopped mid-exchange the other way: the certConf taken and recorded, its answer never sent. */
  if (access (path_in ("die-after-certconf"), F_OK) == 0)
    {
      unlink (path_in ("die-after-certconf"));
      _exit (0);
    }
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
      /* Stopped mid-exchange: the certificate sent, its certConf never heard. */
      if (last_issued[0] && access (path_in ("die-after-answer"), F_OK) == 0)
        {
          unlink (path_in ("die-after-answer"));
          _exit (0);
        }
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
  const char *ra_trust = NULL;
  FILE *f;
  int s, one = 1;

  if (argc < 3 || (strcmp (argv[2], "--ra-trust") == 0 && argc < 4))
    {
      fprintf (stderr, "usage: %s DIR SECRET [REFERENCE]\n       %s DIR --ra-trust RA-CA.pem\n", argv[0], argv[0]);
      return 2;
    }
  /* Gone with the test that started it, even when the test aborts: the test leads our process group (meson
   * starts every test as a session leader), else it is our parent. Not PR_SET_PDEATHSIG: g_spawn_async
   * without G_SPAWN_DO_NOT_REAP_CHILD double-forks, so our parent is GLib's intermediate child, and the
   * signal came when that exited after our prctl (now and then, on a loaded machine: the responder died
   * before writing its port). */
  owner = getpgrp () != getpid () ? getpgrp () : getppid ();
  dir = argv[1];
  /* A client killed mid-exchange (the crash campaign) closes the connection under our answer: EPIPE, not death. */
  signal (SIGPIPE, SIG_IGN);
  if (strcmp (argv[2], "--ra-trust") == 0)
    ra_trust = argv[3];
  ref = !ra_trust && argc > 3 ? argv[3] : "certdesk";
  /* A restart in the same folder is the same CA. */
  if ((f = fopen (path_in ("ca.key"), "r")))
    {
      ca_key = PEM_read_PrivateKey (f, NULL, NULL, NULL);
      fclose (f);
      if ((f = fopen (path_in ("ca.pem"), "r")))
        {
          ca_cert = PEM_read_X509 (f, NULL, NULL, NULL);
          fclose (f);
        }
      if (ca_key == NULL || ca_cert == NULL)
        {
          fprintf (stderr, "cannot read the CA in %s\n", dir);
          return 1;
        }
    }
  else
    {
      ca_key = EVP_EC_gen ("P-256");
      name = X509_NAME_new ();
      X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) "CertDesk Test CMP CA", -1, -1, 0);
      ca_cert = make_cert (name, ca_key, 3650, 1);
      X509_NAME_free (name);
      if ((f = fopen (path_in ("ca.pem"), "w")))
        {
          PEM_write_X509 (f, ca_cert);
          fclose (f);
        }
      if ((f = fopen (path_in ("ca.key"), "w")))
        {
          PEM_write_PrivateKey (f, ca_key, NULL, NULL, 0, NULL, NULL);
          fclose (f);
        }
    }

  srv = OSSL_CMP_SRV_CTX_new (NULL, NULL);
  OSSL_CMP_SRV_CTX_init (srv, NULL, on_cert_request, on_revoke, on_genm, on_error, on_cert_conf, on_poll);
  ctx = OSSL_CMP_SRV_CTX_get0_cmp_ctx (srv);
  if (ra_trust)
    {
      /* The RA's signature is checked against the RA CA; the answers carry the CA's own signature, which the
       * client checks against its trust anchor (ca.pem). */
      X509_STORE *store = X509_STORE_new ();

      if (X509_STORE_load_file (store, ra_trust) != 1)
        {
          fprintf (stderr, "cannot read %s\n", ra_trust);
          return 1;
        }
      OSSL_CMP_CTX_set0_trustedStore (ctx, store);
      OSSL_CMP_CTX_set1_cert (ctx, ca_cert);
      OSSL_CMP_CTX_set1_pkey (ctx, ca_key);
    }
  else
    {
      OSSL_CMP_CTX_set1_referenceValue (ctx, (const unsigned char *) ref, strlen (ref));
      OSSL_CMP_CTX_set1_secretValue (ctx, (const unsigned char *) argv[2], strlen (argv[2]));
    }
  OSSL_CMP_CTX_set_log_verbosity (ctx, OSSL_CMP_LOG_ERR);

  s = socket (AF_INET, SOCK_STREAM, 0);
  setsockopt (s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  /* A restart listens where the clients already point. */
  if ((f = fopen (path_in ("port"), "r")))
    {
      int port = 0;

      if (fscanf (f, "%d", &port) == 1)
        addr.sin_port = htons ((unsigned short) port);
      fclose (f);
    }
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
      struct pollfd pfd = { s, POLLIN, 0 };
      int c;

      if (poll (&pfd, 1, 500) == 0)
        {
          if (kill (owner, 0) != 0 && errno == ESRCH)
            return 0;
          continue;
        }
      if ((c = accept (s, NULL, NULL)) < 0)
        continue;
      serve (c, srv);
      close (c);
    }
}
