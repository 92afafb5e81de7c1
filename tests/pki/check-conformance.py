#!/usr/bin/python3
"""Reads what the local CA handed out with Python's cryptography (nobody here wrote it) and checks it against
RFC 5280 / RFC 8813: keyUsage by key type, the CRL distribution point, the CRL's number, AKI and validity.

usage: check-conformance.py CA.pem EC.pem EC_CDP RSA.pem RSA_CDP RSA_KEYENC(0|1) CRL1.pem CRL2.pem CRL_DAYS
Exits 1 naming the first thing that does not hold."""
import sys
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ca_path, ec_path, ec_cdp, rsa_path, rsa_cdp, rsa_keyenc, crl1_path, crl2_path, crl_days = sys.argv[1:10]


def load_cert(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def load_crl(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_crl(f.read())


def fail(what):
    print("conformance: " + what)
    sys.exit(1)


ca = load_cert(ca_path)
ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest

for path, cdp, keyenc, kind in ((ec_path, ec_cdp, False, ec.EllipticCurvePublicKey),
                                (rsa_path, rsa_cdp, rsa_keyenc == "1", rsa.RSAPublicKey)):
    cert = load_cert(path)
    if not isinstance(cert.public_key(), kind):
        fail("%s: not the key type expected" % path)
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
    if not ku.critical or not ku.value.digital_signature or not ku.value.content_commitment:
        fail("%s: keyUsage must be critical with digitalSignature and nonRepudiation" % path)
    if ku.value.key_encipherment != keyenc:
        fail("%s: keyEncipherment is %s, expected %s" % (path, ku.value.key_encipherment, keyenc))
    if isinstance(cert.public_key(), ec.EllipticCurvePublicKey) and (ku.value.key_encipherment or ku.value.data_encipherment):
        fail("%s: an EC key asserts encipherment (RFC 8813: MUST NOT)" % path)
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    uris = [n.value for p in points for n in (p.full_name or [])]
    if uris != [cdp]:
        fail("%s: CRL distribution point %s, expected %s" % (path, uris, cdp))
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    if aki != ca_ski:
        fail("%s: AKI does not name the CA's key" % path)

numbers = []
for path in (crl1_path, crl2_path):
    crl = load_crl(path)
    if not crl.is_signature_valid(ca.public_key()):
        fail("%s: signature does not verify with the CA's key" % path)
    try:
        aki = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    except x509.ExtensionNotFound:
        fail("%s: no Authority Key Identifier (RFC 5280 5.2.1: MUST)" % path)
    if aki != ca_ski:
        fail("%s: AKI does not name the CA's key" % path)
    numbers.append(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
    days = (crl.next_update - crl.last_update).days
    if days != int(crl_days):
        fail("%s: nextUpdate is %d days after lastUpdate, expected %s" % (path, days, crl_days))
    for entry in crl:
        for ext in entry.extensions:
            if isinstance(ext.value, x509.CRLReason) and ext.value.reason == x509.ReasonFlags.unspecified:
                fail("%s: a reasonCode of unspecified (RFC 5280 5.3.1: SHOULD be absent)" % path)
if not numbers[0] < numbers[1]:
    fail("CRL numbers %d then %d: not strictly increasing" % (numbers[0], numbers[1]))
print("conformance: certificates and CRLs hold (CRL numbers %d < %d)" % (numbers[0], numbers[1]))
