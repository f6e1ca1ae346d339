// Deciding whether one lineage is due (DESIGN.md "Renewal policy"): backoff
// after failures, ARI when the CA offers it, else lifetime/3.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "acme/client.hpp"
#include "crypto/x509.hpp"
#include "ops/issue_certificate.hpp"
#include "ops/lineage_state.hpp"
#include "ops/renew_lineages.hpp"

namespace acme::ops {

struct LineagePlan {
    std::string name;
    nlohmann::json config;
    std::optional<crypto::CertInfo> cert; // of current/, if any
    std::optional<int> version;           // current version when planned
    LineageState state;
    LineageReport report;
    bool due = false;
    std::string replaces; // ARI certID to send with the new order
    bool ari_fetched = false; // state.ari was refreshed: worth saving
    std::unique_ptr<http::Transport> transport;
    std::unique_ptr<Client> client;
};

// Fills plan.report and plan.due. Never throws: a lineage whose config cannot
// be read is reported as failed.
void plan_lineage(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                  const TransportFactory& transports, Logger& log);

// The issuance a lineage's config.json describes. Throws Error(config).
IssueRequest request_from_config(const nlohmann::json& config);

} // namespace acme::ops
