#include "ops/check_fleet.hpp"

#include "common/error.hpp"
#include "ops/sync_node.hpp"

namespace acme::ops {

namespace {

// When the lineage's current version became current: the renewal's success
// time; unknown counts as long ago.
bool lags(const FleetNode& node, const std::optional<int>& current, const LineageHealth& h,
          std::chrono::seconds lag, SysSeconds now) {
    if (!current || node.version == current)
        return false;
    return !h.last_success || now - *h.last_success > lag;
}

void add_node_findings(LineageHealth& h, const FleetNode& n, const std::optional<int>& current) {
    const auto serves = n.version ? "version " + std::to_string(*n.version) : "no version";
    if (n.lagging)
        add_finding(h, Status::warning,
                    "node " + n.node + " serves " + serves + ", not current " +
                        std::to_string(current.value_or(0)));
    if (!n.sync_error.empty())
        add_finding(h, Status::warning, "node " + n.node + ": sync failed: " + n.sync_error);
    if (!n.deploy_error.empty())
        add_finding(h, Status::warning, "node " + n.node + ": deploy failed: " + n.deploy_error);
}

} // namespace

std::vector<FleetLineage> check_fleet(const store::Store& store,
                                      std::vector<LineageHealth>& lineages,
                                      std::chrono::seconds lag, SysSeconds now) {
    const auto* shared = dynamic_cast<const store::etcd::EtcdStore*>(&store);
    if (!shared)
        throw Error(ErrorKind::usage, "check --fleet needs the shared store (--store etcd://...)");
    const auto records = read_nodes(*shared);
    std::vector<FleetLineage> out;
    for (auto& h : lineages) {
        FleetLineage fleet{h.name, store.current_version(h.name), {}};
        for (const auto& record : records) {
            const auto it = record.lineages.find(h.name);
            if (it == record.lineages.end())
                continue;
            FleetNode n{record.node,      it->second.version,      false,
                        record.last_sync, it->second.deploy_error, it->second.sync_error};
            n.lagging = lags(n, fleet.current, h, lag, now);
            add_node_findings(h, n, fleet.current);
            fleet.nodes.push_back(std::move(n));
        }
        out.push_back(std::move(fleet));
    }
    return out;
}

} // namespace acme::ops
