// Certificate revocation lists (RFC 5280 §5): is a certificate on its
// issuer's CRL? Fetching the CRL is the caller's business.
#pragma once

#include "crypto/revocation.hpp"

#include <string>

namespace acme::crypto {

// Accepts the CRL (DER or PEM) only when the issuer signed it and it is
// current (thisUpdate not in the future, nextUpdate not past, 5 minutes of
// clock skew allowed); then the certificate is revoked when its serial is
// listed, else good. Throws Error(protocol) for a CRL it cannot trust.
RevocationAnswer check_crl(const std::string& crl, const std::string& cert_pem,
                           const std::string& issuer_pem);

} // namespace acme::crypto
