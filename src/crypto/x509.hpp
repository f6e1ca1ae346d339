// Reading X.509 certificates: what renew, check and expiry need to know.
#pragma once

#include "crypto/key.hpp"

#include <chrono>
#include <openssl/types.h>
#include <string>
#include <vector>

namespace acme::crypto {

using SysSeconds = std::chrono::sys_seconds;

struct CertInfo {
    std::string subject;           // one-line RFC 2253 form
    std::string subject_cn;        // empty when absent
    std::string issuer;            // one-line RFC 2253 form
    std::string issuer_cn;         // empty when absent
    std::string serial_hex;        // lower-case hex, no separators
    std::string serial_der;        // content bytes of the serial INTEGER (for ARI)
    std::string aki_keyid;         // authorityKeyIdentifier keyIdentifier bytes, empty if none
    std::vector<std::string> sans; // DNS names and IP addresses, in order
    SysSeconds not_before;
    SysSeconds not_after;
    std::string sha256_hex;             // fingerprint of the DER, lower-case hex
    std::string der;                    // the certificate itself (revokeCert sends it)
    std::vector<std::string> ocsp_urls; // OCSP responders named by the AIA extension
    std::vector<std::string> crl_urls;  // CRL distribution points (URIs)
};

// Splits a PEM bundle into its certificates (each a full PEM block, in order).
// Throws Error(crypto) when a block is not a certificate or the text has none.
std::vector<std::string> split_pem_chain(const std::string& pem);
// Reads one certificate, PEM or DER. Throws Error(crypto) when unreadable.
CertInfo read_certificate(const std::string& pem_or_der);
// The same for a certificate already parsed (a TLS peer's): no second decode,
// which in OpenSSL 3 is most of the cost of reading one.
CertInfo describe_certificate(X509* cert);
// True when issuer's name matches cert's issuer and issuer's key verifies
// cert's signature. Throws Error(crypto) when either is unreadable.
bool issued_by(const std::string& cert_pem, const std::string& issuer_pem);
// What `check` verifies of a lineage's current files, each certificate
// parsed once (a store of thousands of lineages is checked in one run).
struct LineageFilesVerdict {
    CertInfo leaf;                           // of cert.pem
    bool chain_issued_leaf = false;          // chain.pem's first certificate issued it
    bool fullchain_starts_with_leaf = false; // fullchain.pem's first block is cert.pem
    bool key_matches = false;                // privkey.pem is its key (false when none given)
};
// key_pem may be empty (a lineage whose CSR came from outside). Throws
// Error(crypto) when cert.pem, the first block of chain.pem or fullchain.pem,
// or the key is unreadable.
LineageFilesVerdict verify_lineage_files(const std::string& cert_pem, const std::string& chain_pem,
                                         const std::string& fullchain_pem,
                                         const std::string& key_pem);
// True when key is the private half of the certificate's public key.
bool key_matches_certificate(const PrivateKey& key, const std::string& cert_pem);

} // namespace acme::crypto
