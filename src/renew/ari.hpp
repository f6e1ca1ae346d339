// ACME Renewal Information (RFC 9773): the certificate identifier and the
// suggested window the CA answers with.
#pragma once

#include <optional>
#include <string>

#include "crypto/x509.hpp"
#include "renew/policy.hpp"

namespace acme::renew {

// RFC 9773 §4.1: base64url(AKI keyIdentifier) "." base64url(serial content
// bytes). Throws Error(crypto) when the certificate has no AKI keyIdentifier.
std::string ari_cert_id(const crypto::CertInfo& cert);

// The suggestedWindow of a renewalInfo body; nullopt when the body is not
// JSON, lacks the window, or its times do not parse (then the lifetime rule
// applies).
std::optional<AriWindow> parse_renewal_info(const std::string& body);

} // namespace acme::renew
