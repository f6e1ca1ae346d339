// OCSP (RFC 6960, profile of RFC 5019): the request for one certificate and
// the verified answer. Transport is the caller's business.
#pragma once

#include "crypto/revocation.hpp"

#include <string>

namespace acme::crypto {

// DER OCSPRequest asking about cert (SHA-1 CertID, as RFC 5019 requires
// responders to understand). Throws Error(crypto) when a certificate is
// unreadable.
std::string ocsp_request(const std::string& cert_pem, const std::string& issuer_pem);

// Parses a DER OCSPResponse and accepts it only when it is successful, signed
// by the issuer or by a responder the issuer delegated to, about this very
// certificate, and current (thisUpdate not in the future, nextUpdate not
// past, 5 minutes of clock skew allowed). Throws Error(protocol) otherwise.
RevocationAnswer parse_ocsp_response(const std::string& der, const std::string& cert_pem,
                                     const std::string& issuer_pem);

} // namespace acme::crypto
