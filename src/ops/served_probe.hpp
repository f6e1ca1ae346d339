// Probing a lineage's endpoints and comparing what they serve with its
// versions: `check --served`, `renew --verify-served`, `deploy-hook
// --verify-served`. Reads the store and the network; never prints.
#pragma once

#include "common/log.hpp"
#include "ops/served_check.hpp"
#include "ops/served_endpoints.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

inline constexpr std::chrono::seconds k_default_verify_wait{10};

struct ServedEndpointReport {
    ServedEndpoint endpoint; // with the SNI that was sent
    std::string label;       // "host:port"
    ServedVerdict verdict;
    std::string sha256_hex;              // of the served leaf; "" when unreachable
    std::optional<SysSeconds> not_after; // of the served leaf
};

struct ServedLineage {
    std::string name;
    std::vector<ServedEndpointReport> endpoints;
    std::string error; // why it could not be checked ("" when it was)
};

struct ServedOptions {
    std::chrono::milliseconds timeout{10000}; // per endpoint
    int crit_days = 7;
};

// The fingerprints of every readable versions/<n>/cert.pem. Throws
// Error(config) when the lineage has no current version or its cert.pem
// cannot be read.
LineagePrints read_lineage_prints(const store::Store& store, const std::string& name);

// Probes every endpoint of the named lineages at once (each bounded by
// options.timeout). A lineage that cannot be checked (no current version,
// malformed endpoints, none at all) has error set; never throws for one.
std::vector<ServedLineage> probe_served(const store::Store& store,
                                        const std::vector<std::string>& names,
                                        const ServedOptions& options, SysSeconds now);

struct VerifyResult {
    bool ok = false;
    std::string message; // one line naming each endpoint at fault; "" when ok
    std::vector<ServedEndpointReport> endpoints; // the last round
};

// Polls the lineage's endpoints until every one serves the current
// certificate or wait has passed (at least one round is made). A lineage that
// cannot be checked (see probe_served) is a failed result, never thrown.
VerifyResult verify_served(const store::Store& store, const std::string& name,
                           std::chrono::seconds wait, Logger& log);

} // namespace acme::ops
