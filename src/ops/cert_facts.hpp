// What state.json keeps of a lineage's current version (CertFacts): made
// once per version by renew, used by renew to plan without decoding the
// certificate and by check to judge the files without decoding them.
#pragma once

#include "crypto/x509.hpp"
#include "ops/lineage_state.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

// The checks FilesVerdict stands for (crypto::verify_lineage_files). Raise it
// when they change: verdicts of other rules are made again, never trusted.
inline constexpr int k_files_rules = 1;

// What renew needs of a certificate, without the files' verdict.
CertFacts cert_facts(const crypto::CertInfo& cert, int version);

// The facts of a version from its files, with check's verdict on them
// (files: also when they do not verify, saying why, so that renew does not
// verify them again each run). Throws Error(crypto) when cert.pem is
// unreadable.
CertFacts version_facts(const store::VersionFiles& files, int version);

// True when facts carry a verdict made under today's rules.
bool has_current_verdict(const std::optional<CertFacts>& facts);

// check's view of a version's files.
struct FilesCheck {
    SysSeconds not_before;
    SysSeconds not_after;
    std::string serial_hex;
    std::vector<std::string> sans;
    bool chain_issued_leaf = false;
    bool fullchain_starts_with_leaf = false;
    bool key_matches = false; // meaningful only when a key was given
    bool cached = false;      // taken from the verdict in state.json
};

// Judges files (privkey "" when the key was not read: no key match then):
// from the cached verdict when the files are byte for byte those it was made
// of, else by decoding them. Throws Error(crypto) like
// crypto::verify_lineage_files (the cached error, for files it failed on).
FilesCheck check_files(const store::VersionFiles& files, bool key_given,
                       const std::optional<CertFacts>& cached);

} // namespace acme::ops
