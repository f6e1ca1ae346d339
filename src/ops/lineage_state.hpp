// state.json of a lineage: the last attempts, consecutive failures, the last
// deploy outcome and the ARI cache. Read leniently (a field of the wrong type
// is treated as absent) because state must never block a renewal.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

using SysSeconds = std::chrono::sys_seconds;

struct AriCache {
    std::string cert_id;
    SysSeconds window_start;
    SysSeconds window_end;
    SysSeconds chosen;     // the moment picked inside the window
    SysSeconds next_fetch; // now + Retry-After at fetch time
};

// What renew needs of current/cert.pem, kept in state.json so that a run with
// nothing due decodes no certificate (issue #20: 10,000 lineages; a decode is
// most of a lineage's cost in OpenSSL 3). Valid only for the version it names:
// versions never change once written, and a renewal, rollback or import makes
// another number current. Missing, mismatched or malformed: decode again.
// What check verifies of a version's four files (see ops/cert_facts.hpp),
// kept so that check of 10,000 lineages decodes none: the verdict is a
// function of the files' bytes alone, so it holds exactly while they hash to
// these digests. `rules` names the checks made; a release that checks more
// raises it and the verdict is made again.
struct FilesVerdict {
    int rules = 0;
    std::string digest;     // of cert.pem, chain.pem and fullchain.pem, hex
    std::string key_digest; // of privkey.pem, hex; of "" for a lineage without a key
    std::vector<std::string> sans;
    bool chain_issued_leaf = false;
    bool fullchain_starts_with_leaf = false;
    bool key_matches = false;
    std::string error; // why the files did not verify ("" when they did): check says it
    bool operator==(const FilesVerdict&) const = default;
};

struct CertFacts {
    int version = 0;
    SysSeconds not_before;
    SysSeconds not_after;
    std::string serial_hex;
    std::string ari_cert_id;            // "" when the certificate has no AKI keyIdentifier
    std::optional<FilesVerdict> files; // nullopt in records of older releases
    bool operator==(const CertFacts&) const = default;
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
    std::optional<CertFacts> cert; // of the current version, see CertFacts
};

// Forgets the revocation marker (a new certificate replaced the revoked one).
void clear_revocation(LineageState& state);

// True when the marker says the certificate with this serial was revoked
// because its key was compromised: that key must never be certified again.
bool key_compromised(const LineageState& state, const std::string& serial_hex);

// The cached facts when they describe `version`, else nullopt.
std::optional<CertFacts> cert_facts_for(const LineageState& state, int version);

LineageState state_from_json(const nlohmann::json& doc);
nlohmann::json state_to_json(const LineageState& state);

} // namespace acme::ops
