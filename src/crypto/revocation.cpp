#include "crypto/revocation.hpp"

#include <openssl/ocsp.h>

namespace acme::crypto {

const char* revocation_status_name(RevocationStatus status) {
    switch (status) {
    case RevocationStatus::good:
        return "good";
    case RevocationStatus::revoked:
        return "revoked";
    case RevocationStatus::unknown:
        break;
    }
    return "unknown";
}

std::string revocation_reason_name(int code) {
    // OCSP and CRLs share RFC 5280's CRLReason codes; OpenSSL names them.
    return code >= 0 ? OCSP_crl_reason_str(code) : "";
}

} // namespace acme::crypto
