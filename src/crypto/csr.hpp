// Certificate signing requests for finalize (RFC 8555 §7.4).
#pragma once

#include "crypto/key.hpp"

#include <string>
#include <vector>

namespace acme::crypto {

// DER CSR signed by key, every name in subjectAltName (DNS names, and IP
// addresses per RFC 8738 when a name parses as IPv4/IPv6), the first name also
// as subject CN when it is a DNS name of at most 64 characters.
// Throws Error(crypto) on OpenSSL failure.
std::string make_csr_der(const PrivateKey& key, const std::vector<std::string>& names);

struct CsrInfo {
    std::string der;                // the CSR as DER, ready for finalize
    std::vector<std::string> names; // CN first (if any), then SANs, deduplicated
    std::vector<std::string> sans;  // the subjectAltName entries only (what a CA certifies)
};
// Reads a PEM or DER CSR, checks its self-signature. Throws Error(usage) when
// unreadable, badly signed, or naming nothing.
CsrInfo read_csr(const std::string& pem_or_der);

} // namespace acme::crypto
