// state.json of a lineage: the last attempts, consecutive failures, the last
// deploy outcome and the ARI cache. Read leniently (a field of the wrong type
// is treated as absent) because state must never block a renewal.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acme::ops {

using SysSeconds = std::chrono::sys_seconds;

struct AriCache {
    std::string cert_id;
    SysSeconds window_start;
    SysSeconds window_end;
    SysSeconds chosen;     // the moment picked inside the window
    SysSeconds next_fetch; // now + Retry-After at fetch time
};

struct LineageState {
    std::optional<SysSeconds> last_attempt;
    std::optional<SysSeconds> last_success;
    int consecutive_failures = 0;
    std::string last_error;
    bool last_error_temporary = false;
    std::string last_deploy_error; // "" when the last deploy succeeded
    std::optional<AriCache> ari;
    std::string revoked_serial; // serial_hex of a certificate revoked with acmectl revoke
    std::string revoked_reason;
    std::optional<SysSeconds> revoked_at;
};

// Forgets the revocation marker (a new certificate replaced the revoked one).
void clear_revocation(LineageState& state);

// True when the marker says the certificate with this serial was revoked
// because its key was compromised: that key must never be certified again.
bool key_compromised(const LineageState& state, const std::string& serial_hex);

LineageState state_from_json(const nlohmann::json& doc);
nlohmann::json state_to_json(const LineageState& state);

} // namespace acme::ops
