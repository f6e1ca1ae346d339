// Deciding whether one lineage is due (DESIGN.md "Renewal policy"): backoff
// after failures, ARI when the CA offers it, else lifetime/3.
#pragma once

#include "acme/client.hpp"
#include "crypto/x509.hpp"
#include "ops/cert_facts.hpp"
#include "ops/issue_certificate.hpp"
#include "ops/lineage_state.hpp"
#include "ops/renew_lineages.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acme::ops {

class CaPool;

// What renew keeps of a lineage between planning and renewing. config and
// cert are only filled while it is being planned: with thousands of lineages
// the run must not hold every config and certificate (issue #20).
struct LineagePlan {
    std::string name;
    nlohmann::json config;         // while planning only
    std::optional<CertFacts> cert; // of current/, if any (state.json's cache or decoded)
    std::optional<int> version;    // current version when planned
    LineageState state;
    LineageReport report;
    bool due = false;
    std::string replaces;       // ARI certID to send with the new order
    bool state_changed = false; // the ARI or certificate cache was refreshed: worth saving
};

// Fills plan.report and plan.due, asking the CA (through cas: one connection
// per CA) for renewalInfo only when the cached answer has lapsed. Never
// throws: a lineage whose config or certificate cannot be read, for whatever
// reason, is reported as failed.
void plan_lineage(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                  CaPool& cas, Logger& log);

// The issuance a lineage's config.json describes. Throws Error(config).
IssueRequest request_from_config(const nlohmann::json& config);

} // namespace acme::ops
