// What each node running `acmectl sync` serves, published in the shared
// store under PREFIX/nodes/NODE (one JSON value under a lease, so the record
// of a node that died disappears) and read back by `check --fleet`.
#pragma once

#include "store/etcd/etcd_store.hpp"

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

struct NodeLineage {
    std::optional<int> version; // current on the node; nullopt = none yet
    std::string deploy_error;   // the last deploy's failure, "" when it worked
    std::string sync_error;     // why the last sync of it failed, "" when it worked
};

struct NodeRecord {
    std::string node;
    std::optional<std::chrono::sys_seconds> last_sync; // the node was in sync then
    std::map<std::string, NodeLineage> lineages;
    // How the node answers the fleet's http-01 tokens ("webroot", "port");
    // "" = it does not, and the renewing node does not wait for it.
    std::string http01;
};

nlohmann::json node_to_json(const NodeRecord& record);
// Lenient: another node's record is untrusted; wrong fields count as absent.
NodeRecord node_from_json(const std::string& node, const nlohmann::json& doc);

// The records of every live node, sorted by node name.
std::vector<NodeRecord> read_nodes(const store::etcd::EtcdStore& store);

// This node's record under a lease of its own.
class NodeRegistration {
  public:
    NodeRegistration(const store::etcd::EtcdStore& store, int ttl_seconds);
    // Writes the record, granting a lease when there is none (or it expired);
    // a lease that an earlier run left on the record is revoked after.
    void publish(const NodeRecord& record);
    // Keeps the lease alive; false when it is gone (publish grants another).
    bool keepalive();
    // Revokes the lease, so the record goes with it (a clean stop).
    void withdraw() noexcept;

  private:
    const store::etcd::EtcdStore& m_store;
    int m_ttl;
    std::int64_t m_lease = 0;
};

} // namespace acme::ops
