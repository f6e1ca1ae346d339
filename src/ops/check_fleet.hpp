// check --fleet: which node serves which version of each lineage, from the
// records that `acmectl sync` keeps under PREFIX/nodes/ (ops/sync_node.hpp).
#pragma once

#include "ops/check_lineages.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

struct FleetNode {
    std::string node;
    std::optional<int> version; // what it serves; nullopt = nothing yet
    bool lagging = false;       // behind current for longer than the allowed lag
    std::optional<SysSeconds> last_sync;
    std::string deploy_error;
    std::string sync_error;
};

struct FleetLineage {
    std::string name;
    std::optional<int> current;   // the shared store's
    std::vector<FleetNode> nodes; // the live nodes that sync it, by name
};

// For each lineage in `lineages` (check's results): the live nodes syncing
// it, and findings: WARNING for a node that still serves an older version
// `lag` after the renewal that made current current (state's last_success),
// or whose last sync or deploy of it failed. Throws Error(usage) for a store
// that is not shared (etcd).
std::vector<FleetLineage> check_fleet(const store::Store& store,
                                      std::vector<LineageHealth>& lineages,
                                      std::chrono::seconds lag, SysSeconds now);

} // namespace acme::ops
