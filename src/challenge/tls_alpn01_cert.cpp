#include "challenge/tls_alpn01_cert.hpp"

#include "common/error.hpp"
#include "crypto/digest.hpp"
#include "crypto/openssl_error.hpp"

#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

namespace acme::challenge {

namespace {

using NameOwner = std::unique_ptr<X509_NAME, OsslFree<X509_NAME_free>>;
using GeneralNamesOwner = std::unique_ptr<GENERAL_NAMES, OsslFree<GENERAL_NAMES_free>>;
using GeneralNameOwner = std::unique_ptr<GENERAL_NAME, OsslFree<GENERAL_NAME_free>>;
using ExtensionOwner = std::unique_ptr<X509_EXTENSION, OsslFree<X509_EXTENSION_free>>;
using ObjectOwner = std::unique_ptr<ASN1_OBJECT, OsslFree<ASN1_OBJECT_free>>;
using OctetOwner = std::unique_ptr<ASN1_OCTET_STRING, OsslFree<ASN1_OCTET_STRING_free>>;
using BignumOwner = std::unique_ptr<BIGNUM, OsslFree<BN_free>>;

constexpr long k_validity_seconds = 7L * 24 * 3600;

[[noreturn]] void fail(const std::string& what) {
    crypto::throw_openssl_error("cannot make the tls-alpn-01 certificate: " + what);
}

void check(int ok, const char* what) {
    if (ok != 1)
        fail(what);
}

// The raw bytes of an IP address literal, or "" when text is not one.
std::string ip_bytes(std::string_view text) {
    if (text.find('\0') != std::string_view::npos)
        return {};
    const std::string s(text);
    std::array<unsigned char, 16> buf{};
    if (::inet_pton(AF_INET, s.c_str(), buf.data()) == 1)
        return {reinterpret_cast<const char*>(buf.data()), 4};
    if (::inet_pton(AF_INET6, s.c_str(), buf.data()) == 1)
        return {reinterpret_cast<const char*>(buf.data()), 16};
    return {};
}

GeneralNameOwner subject_alt_name(std::string_view identifier) {
    GeneralNameOwner name(GENERAL_NAME_new());
    ASN1_STRING* value = ASN1_STRING_new(); // IA5String or OCTET STRING: both ASN1_STRING
    if (!name || !value) {
        ASN1_STRING_free(value);
        fail("out of memory");
    }
    const auto ip = ip_bytes(identifier);
    const std::string_view bytes = ip.empty() ? identifier : std::string_view(ip);
    if (ASN1_STRING_set(value, bytes.data(), static_cast<int>(bytes.size())) != 1) {
        ASN1_STRING_free(value);
        fail("cannot set the subjectAltName");
    }
    GENERAL_NAME_set0_value(name.get(), ip.empty() ? GEN_DNS : GEN_IPADD, value);
    return name;
}

void add_subject_alt_name(X509* cert, std::string_view identifier) {
    GeneralNamesOwner names(GENERAL_NAMES_new());
    if (!names)
        fail("out of memory");
    auto name = subject_alt_name(identifier);
    if (sk_GENERAL_NAME_push(names.get(), name.get()) == 0)
        fail("out of memory");
    name.release(); // now owned by names
    ExtensionOwner ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    if (!ext)
        fail("cannot encode the subjectAltName");
    check(X509_add_ext(cert, ext.get(), -1), "cannot add the subjectAltName");
}

// extnValue = DER of OCTET STRING (SIZE (32)) holding the SHA-256 digest.
void add_acme_identifier(X509* cert, std::string_view key_authorization) {
    const auto digest = crypto::sha256(key_authorization);
    std::string der = {'\x04', static_cast<char>(digest.size())};
    der += digest;
    ObjectOwner oid(OBJ_txt2obj(k_acme_identifier_oid, 1));
    OctetOwner value(ASN1_OCTET_STRING_new());
    if (!oid || !value)
        fail("out of memory");
    check(ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>(der.data()),
                                static_cast<int>(der.size())),
          "cannot set the acmeIdentifier");
    ExtensionOwner ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, value.get()));
    if (!ext)
        fail("cannot make the acmeIdentifier extension");
    check(X509_add_ext(cert, ext.get(), -1), "cannot add the acmeIdentifier extension");
}

void set_serial_and_validity(X509* cert) {
    BignumOwner serial(BN_new());
    if (!serial)
        fail("out of memory");
    check(BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "no random serial");
    if (BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr)
        fail("cannot set the serial");
    if (X509_gmtime_adj(X509_getm_notBefore(cert), -3600) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert), k_validity_seconds) == nullptr)
        fail("cannot set the validity");
}

// A fixed name: a DNS name may be longer than the 64 characters a CN allows.
void set_names(X509* cert) {
    NameOwner name(X509_NAME_new());
    if (!name)
        fail("out of memory");
    const auto* cn = reinterpret_cast<const unsigned char*>("acmectl tls-alpn-01");
    check(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC, cn, -1, -1, 0),
          "cannot set the subject");
    check(X509_set_subject_name(cert, name.get()), "cannot set the subject");
    check(X509_set_issuer_name(cert, name.get()), "cannot set the issuer");
}

} // namespace

std::string alpn_server_name(std::string_view identifier) {
    const auto ip = ip_bytes(identifier);
    static constexpr std::string_view k_hex = "0123456789abcdef";
    std::string out;
    if (ip.size() == 4) {
        for (auto i = ip.size(); i-- > 0;)
            out += std::to_string(static_cast<unsigned char>(ip[i])) + ".";
        return out + "in-addr.arpa";
    }
    if (ip.size() == 16) {
        for (auto i = ip.size(); i-- > 0;) {
            const auto b = static_cast<unsigned char>(ip[i]);
            out += k_hex[b & 0x0f];
            out += '.';
            out += k_hex[b >> 4];
            out += '.';
        }
        return out + "ip6.arpa";
    }
    for (const char c : identifier)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

AlpnCertificate make_alpn_certificate(std::string_view identifier,
                                      std::string_view key_authorization) {
    AlpnCertificate out;
    out.key.reset(EVP_EC_gen("P-256"));
    if (!out.key)
        fail("cannot generate a P-256 key");
    out.cert.reset(X509_new());
    if (!out.cert)
        fail("out of memory");
    X509* cert = out.cert.get();
    check(X509_set_version(cert, X509_VERSION_3), "cannot set the version");
    set_serial_and_validity(cert);
    set_names(cert);
    check(X509_set_pubkey(cert, out.key.get()), "cannot set the public key");
    add_subject_alt_name(cert, identifier);
    add_acme_identifier(cert, key_authorization);
    if (X509_sign(cert, out.key.get(), EVP_sha256()) <= 0)
        fail("cannot sign");
    return out;
}

} // namespace acme::challenge
