// The certificate a tls-alpn-01 server presents (RFC 8737 §3, RFC 8738 §6).
// Private to src/challenge, which may use OpenSSL for this server (STYLE.md §3).
#pragma once

#include <memory>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <string>
#include <string_view>

namespace acme::challenge {

// unique_ptr deleter calling OpenSSL's free function F.
template <auto F> struct OsslFree {
    template <class T> void operator()(T* p) const { F(p); }
};
using X509Owner = std::unique_ptr<X509, OsslFree<X509_free>>;
using PkeyOwner = std::unique_ptr<EVP_PKEY, OsslFree<EVP_PKEY_free>>;

// id-pe-acmeIdentifier (RFC 8737 §6.1).
inline constexpr const char* k_acme_identifier_oid = "1.3.6.1.5.5.7.1.31";
// The ALPN protocol name of RFC 8737 §6.2.
inline constexpr std::string_view k_acme_tls_alpn = "acme-tls/1";

struct AlpnCertificate {
    X509Owner cert;
    PkeyOwner key;
};

// The SNI a validation server sends for identifier: a DNS name in lower case,
// or for an IP address its reverse-DNS name ("4.3.2.1.in-addr.arpa", the
// nibbles of an IPv6 address under ip6.arpa) as RFC 8738 §6 says.
std::string alpn_server_name(std::string_view identifier);

// A self-signed certificate with a fresh P-256 key: SAN dNSName identifier (or
// iPAddress for an IP address) and the critical acmeIdentifier extension
// holding the DER OCTET STRING of SHA-256(key_authorization). Throws
// Error(crypto) when OpenSSL fails.
AlpnCertificate make_alpn_certificate(std::string_view identifier,
                                      std::string_view key_authorization);

} // namespace acme::challenge
