#include "crypto/x509.hpp"

#include "common/error.hpp"
#include "crypto/digest.hpp"
#include "crypto/ossl.hpp"

#include <array>
#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <string_view>
#include <utility>

namespace acme::crypto {

namespace {

// Reads the next PEM block of any kind; false at the end of the text.
// PEM_read_bio_X509 would silently skip non-certificate blocks, and a bundle
// with a stray private key in it is something the caller must hear about.
bool next_pem_block(BIO* bio, std::string& name, std::string& der) {
    char* raw_name = nullptr;
    char* raw_header = nullptr;
    unsigned char* raw_data = nullptr;
    long len = 0;
    if (PEM_read_bio(bio, &raw_name, &raw_header, &raw_data, &len) != 1) {
        ossl::clear_errors(); // PEM_R_NO_START_LINE: no more blocks
        return false;
    }
    name = raw_name;
    der.assign(reinterpret_cast<const char*>(raw_data), static_cast<size_t>(len));
    OPENSSL_free(raw_name);
    OPENSSL_free(raw_header);
    OPENSSL_free(raw_data);
    return true;
}

std::string certificate_pem(const std::string& der) {
    const ossl::X509Ptr cert = ossl::parse_certificate(der);
    const auto out = ossl::new_mem_bio();
    if (PEM_write_bio_X509(out.get(), cert.get()) != 1)
        ossl::fail("cannot write certificate PEM");
    return ossl::bio_text(out.get());
}

std::string name_text(const X509_NAME* name) {
    const auto bio = ossl::new_mem_bio();
    if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0)
        ossl::fail("cannot print name");
    return ossl::bio_text(bio.get());
}

// DER of an INTEGER minus its tag and length: what RFC 9773 §4.1 puts in
// an ARI certID (two's complement, so a leading 0x00 stays when present).
std::string integer_content(const ASN1_INTEGER* serial) {
    const std::string der = ossl::to_der(i2d_ASN1_INTEGER, serial);
    const auto first_len = static_cast<unsigned char>(der.at(1));
    const size_t header = first_len < 0x80 ? 2 : 2 + (first_len & 0x7f);
    return der.substr(header);
}

std::string string_bytes(const ASN1_STRING* str) {
    return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(str)),
            static_cast<size_t>(ASN1_STRING_length(str))};
}

std::vector<std::string> certificate_sans(const X509* cert) {
    std::vector<std::string> sans;
    const ossl::GeneralNamesPtr gens(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens.get()); ++i)
        if (auto text = ossl::general_name_text(sk_GENERAL_NAME_value(gens.get(), i));
            !text.empty())
            sans.push_back(std::move(text));
    return sans;
}

// Non-const X509: OpenSSL fills its cache of decoded extensions on first use.
std::string aki_keyid(X509* cert) {
    const ASN1_OCTET_STRING* keyid = X509_get0_authority_key_id(cert);
    return keyid != nullptr ? string_bytes(keyid) : std::string();
}

// The OCSP responders of the Authority Information Access extension.
std::vector<std::string> ocsp_urls(X509* cert) {
    std::vector<std::string> urls;
    STACK_OF(OPENSSL_STRING)* list = X509_get1_ocsp(cert);
    for (int i = 0; i < sk_OPENSSL_STRING_num(list); ++i)
        urls.emplace_back(sk_OPENSSL_STRING_value(list, i));
    X509_email_free(list); // X509_get1_ocsp's documented release function
    return urls;
}

// The URIs of the CRL distribution points' full names (RFC 5280 §4.2.1.13).
std::vector<std::string> crl_urls(const X509* cert) {
    std::vector<std::string> urls;
    const ossl::Ptr<CRL_DIST_POINTS, CRL_DIST_POINTS_free> points(static_cast<CRL_DIST_POINTS*>(
        X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr)));
    for (int i = 0; points && i < sk_DIST_POINT_num(points.get()); ++i) {
        const DIST_POINT* point = sk_DIST_POINT_value(points.get(), i);
        if (point->distpoint == nullptr || point->distpoint->type != 0)
            continue; // a name relative to the issuer: not a URL
        const GENERAL_NAMES* names = point->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); ++j) {
            const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, j);
            if (name->type == GEN_URI)
                urls.push_back(string_bytes(name->d.uniformResourceIdentifier));
        }
    }
    return urls;
}

} // namespace

std::vector<std::string> split_pem_chain(const std::string& pem) {
    std::vector<std::string> certs;
    const auto bio = ossl::mem_bio(pem);
    std::string name;
    std::string der;
    while (next_pem_block(bio.get(), name, der)) {
        if (name != PEM_STRING_X509)
            throw Error(ErrorKind::crypto,
                        "PEM bundle holds a " + name + " block, not a certificate");
        certs.push_back(certificate_pem(der));
    }
    if (certs.empty())
        throw Error(ErrorKind::crypto, "no certificate in PEM text");
    return certs;
}

CertInfo read_certificate(const std::string& pem_or_der) {
    const ossl::X509Ptr cert = ossl::parse_certificate(pem_or_der);
    return describe_certificate(cert.get());
}

CertInfo describe_certificate(X509* x) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(x);
    CertInfo info;
    info.subject = name_text(X509_get_subject_name(x));
    info.subject_cn = ossl::common_name(X509_get_subject_name(x));
    info.issuer = name_text(X509_get_issuer_name(x));
    info.issuer_cn = ossl::common_name(X509_get_issuer_name(x));
    info.serial_hex = hex(string_bytes(serial)); // magnitude, as `openssl x509 -serial`
    info.serial_der = integer_content(serial);
    info.aki_keyid = aki_keyid(x);
    info.sans = certificate_sans(x);
    info.ocsp_urls = ocsp_urls(x);
    info.crl_urls = crl_urls(x);
    info.not_before = ossl::to_sys_seconds(X509_get0_notBefore(x));
    info.not_after = ossl::to_sys_seconds(X509_get0_notAfter(x));
    info.der = ossl::to_der(i2d_X509, x);
    info.sha256_hex = hex(sha256(info.der));
    return info;
}

bool key_matches_certificate(const PrivateKey& key, const std::string& cert_pem) {
    const ossl::X509Ptr cert = ossl::parse_certificate(cert_pem);
    const EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    if (pub == nullptr)
        ossl::fail("certificate has no readable public key");
    const bool match = EVP_PKEY_eq(key.native(), pub) == 1;
    ossl::clear_errors(); // a type mismatch queues an error; it is just "no"
    return match;
}

} // namespace acme::crypto

namespace acme::crypto {

namespace {

// The DER of a PEM text's first block, which must be a certificate.
std::string first_certificate_der(const std::string& pem) {
    const auto bio = ossl::mem_bio(pem);
    std::string name;
    std::string der;
    if (!next_pem_block(bio.get(), name, der))
        throw Error(ErrorKind::crypto, "no certificate in PEM text");
    if (name != PEM_STRING_X509)
        throw Error(ErrorKind::crypto, "PEM bundle holds a " + name + " block, not a certificate");
    return der;
}

// The decoder's name of the algorithms a lineage's key has; nullptr for others.
const char* decoder_key_type(const EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
        return "EC";
    case EVP_PKEY_RSA:
        return "RSA";
    default:
        return nullptr;
    }
}

// A decoder context of one key type, made once per thread and used for every
// key: making it is the cost (OpenSSL 3.0 walks every decoder and key manager
// of every provider), decoding with it is cheap. It writes each key to `out`.
struct KeyDecoder {
    EVP_PKEY* out = nullptr;
    ossl::Ptr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free> ctx;
};

// privkey.pem decoded only as a key of the certificate's algorithm, where
// PEM_read_bio_PrivateKey would build a chain of every decoder OpenSSL 3 has
// for each key: most of the cost of checking a lineage (issue #20: check of
// 10,000 lineages). nullptr when the text is not an unencrypted key of that
// type (the caller then reads it the general way, so a key that does not
// match still loads and says so).
ossl::PkeyPtr private_key_like(const std::string& pem, const EVP_PKEY* like) {
    const char* type = like != nullptr ? decoder_key_type(like) : nullptr;
    if (type == nullptr)
        return nullptr;
    thread_local std::array<KeyDecoder, 2> decoders; // EC, RSA
    KeyDecoder& d = decoders[std::string_view(type) == "EC" ? 0 : 1];
    if (!d.ctx)
        d.ctx.reset(OSSL_DECODER_CTX_new_for_pkey(&d.out, "PEM", nullptr, type, EVP_PKEY_KEYPAIR,
                                                  nullptr, nullptr));
    const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
    size_t len = pem.size();
    const bool ok = d.ctx && OSSL_DECODER_from_data(d.ctx.get(), &data, &len) == 1;
    ossl::PkeyPtr key(std::exchange(d.out, nullptr));
    if (!ok) {
        ossl::clear_errors();
        return nullptr;
    }
    return key;
}

// chain.pem's first certificate, the same for every lineage of a CA: parsed
// once per thread while it stays the same (a parse decodes its public key,
// which in OpenSSL 3.0 costs as much as the rest of a lineage's check).
X509* chain_issuer(const std::string& chain_pem) {
    thread_local std::string der;
    thread_local ossl::X509Ptr issuer;
    std::string first = first_certificate_der(chain_pem);
    if (!issuer || first != der) {
        issuer = ossl::parse_certificate(first);
        der = std::move(first);
    }
    return issuer.get();
}

bool key_matches(const std::string& key_pem, const EVP_PKEY* pub) {
    if (pub == nullptr)
        return false;
    bool match = false;
    if (const ossl::PkeyPtr key = private_key_like(key_pem, pub))
        match = EVP_PKEY_eq(key.get(), pub) == 1;
    else
        match = EVP_PKEY_eq(PrivateKey::from_pem(key_pem).native(), pub) == 1;
    ossl::clear_errors(); // a type mismatch queues an error; it is just "no"
    return match;
}

bool signed_by(X509* cert, X509* issuer) {
    EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
    const bool ok = issuer_key != nullptr && X509_check_issued(issuer, cert) == X509_V_OK &&
                    X509_verify(cert, issuer_key) == 1;
    ossl::clear_errors();
    return ok;
}

} // namespace

bool issued_by(const std::string& cert_pem, const std::string& issuer_pem) {
    const ossl::X509Ptr cert = ossl::parse_certificate(cert_pem);
    const ossl::X509Ptr issuer = ossl::parse_certificate(issuer_pem);
    return signed_by(cert.get(), issuer.get());
}

LineageFilesVerdict verify_lineage_files(const std::string& cert_pem, const std::string& chain_pem,
                                         const std::string& fullchain_pem,
                                         const std::string& key_pem) {
    const ossl::X509Ptr leaf = ossl::parse_certificate(cert_pem);
    LineageFilesVerdict v;
    v.leaf = describe_certificate(leaf.get());
    v.chain_issued_leaf = signed_by(leaf.get(), chain_issuer(chain_pem));
    v.fullchain_starts_with_leaf = first_certificate_der(fullchain_pem) == v.leaf.der;
    if (!key_pem.empty())
        v.key_matches = key_matches(key_pem, X509_get0_pubkey(leaf.get()));
    return v;
}

} // namespace acme::crypto
