// What a CA says about a certificate's revocation, by OCSP or by CRL.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace acme::crypto {

enum class RevocationStatus { good, revoked, unknown };

struct RevocationAnswer {
    RevocationStatus status = RevocationStatus::unknown;
    std::optional<std::chrono::sys_seconds> revoked_at;
    std::string reason; // RFC 5280 name (keyCompromise, ...), empty when not given
    std::chrono::sys_seconds this_update{};
    std::optional<std::chrono::sys_seconds> next_update;
};

const char* revocation_status_name(RevocationStatus status);
// RFC 5280 §5.3.1 CRLReason code as its name ("keyCompromise"); "" for none.
std::string revocation_reason_name(int code);

} // namespace acme::crypto
