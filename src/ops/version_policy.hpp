// How a lineage's versions are stored (DESIGN.md, "The store"): which group
// may read privkey.pem, and how many versions are kept. Chosen at issue,
// recorded in config.json ("key_group", "keep_versions"), so renew keeps it.
#pragma once

#include "common/log.hpp"
#include "ops/issue_certificate.hpp"
#include "store/store.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>

namespace acme::ops {

// At least the current version and the one before it: a reader that resolved
// current just before a renewal swapped it, and check --served's "previous",
// still find their files.
inline constexpr int k_min_keep_versions = 2;
inline constexpr int k_default_keep_versions = 5;

struct VersionPolicy {
    std::string key_group; // "" = owner only (0600)
    gid_t key_gid = static_cast<gid_t>(-1);
    int keep_versions = k_default_keep_versions;

    mode_t key_mode() const { return key_group.empty() ? 0600 : 0640; }
};

// The request's choices, else the lineage's config.json's, else the defaults.
// Throws Error(usage) for a group the system does not know or a keep below
// k_min_keep_versions, Error(config) for a malformed config.json value: all
// before anything is asked of the CA.
VersionPolicy version_policy(const store::Store& store, const IssueRequest& request,
                             const std::string& name);

// config with "key_group" and "keep_versions" set from policy.
nlohmann::json with_policy(nlohmann::json config, const VersionPolicy& policy);

// Prunes versions beyond policy.keep_versions; a failure is logged, not
// thrown: the new certificate is in place either way.
void prune_versions(const store::Store& store, const std::string& name, const VersionPolicy& policy,
                    Logger& log);

} // namespace acme::ops
