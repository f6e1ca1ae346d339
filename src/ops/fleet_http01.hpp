// http-01 across a fleet (issue #18 item 2). The CA's validation request may
// land on any node behind the load balancer, so the node that renews does not
// answer it itself: it publishes each key authorization in etcd and every
// node writes it where its web server (or its own responder) serves it.
//
//   PREFIX/challenges/<token>              key authorization, on a lease of
//                                          the renewing node (k_challenge_ttl)
//   PREFIX/challenges/<token>/acks/<node>  "this node serves it", same lease
//   PREFIX/nodes/<node>                    a live node, on the node's lease
//
// The renewing node tells the CA to validate only once every live node
// acked every token, and fails after k_ack_timeout naming those that did not.
#pragma once

#include "challenge/solver.hpp"
#include "common/log.hpp"
#include "store/store.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace acme::store::etcd {
class EtcdStore;
struct WatchEvent;
} // namespace acme::store::etcd

namespace acme::ops {

inline constexpr int k_challenge_ttl = 600; // seconds: outlives any order
inline constexpr int k_node_ttl = 20;       // seconds a silent node stays live
inline constexpr std::chrono::seconds k_node_keepalive{5};
// Shorter than k_node_ttl, so that a node that stopped a moment ago is named
// as the one that did not answer rather than silently dropped.
inline constexpr std::chrono::seconds k_ack_timeout{10};

// The live nodes that answer http-01: records PREFIX/nodes/NODE (leased)
// whose JSON has a non-empty "http01" (`store http01`, `sync --webroot`);
// a node that only syncs certificates is not waited for. Sorted. Throws
// Error(network) when etcd cannot be reached.
std::set<std::string> live_nodes(const store::etcd::EtcdStore& store);

// The fleet solver when the store is etcd, the lineage answers http-01 by
// webroot or standalone, and nodes are registered; nullptr otherwise (the
// lineage's own solver answers, as on a single machine).
std::unique_ptr<challenge::Solver> fleet_http01_solver(const store::Store& store,
                                                       const std::string& solver_kind, Logger& log);

// ---- the node side: `acmectl store http01` (and sync --watch) ----

struct ResponderOptions {
    std::filesystem::path webroot; // write tokens under webroot/.well-known/acme-challenge/
    int http_port = 0;             // or answer them on this port (webroot empty)
    std::string http_address;      // "" = every address
    const std::atomic<bool>* stop = nullptr;
};

// This node's copy of the published tokens, for a watch loop that owns the
// registration (sync): begin() binds the port or checks the webroot
// (Error(usage)); resync() reads every token (start, compaction, reconnect);
// on_events() takes the changes under challenges_prefix(). Each token is
// served, then acked on its own lease; a bad one is logged, never thrown.
// Destroying it withdraws every token it serves.
class FleetChallenges {
  public:
    FleetChallenges(const store::etcd::EtcdStore& store, const ResponderOptions& options,
                    Logger& log);
    ~FleetChallenges();
    FleetChallenges(const FleetChallenges&) = delete;
    FleetChallenges& operator=(const FleetChallenges&) = delete;

    std::string challenges_prefix() const; // PREFIX/challenges/
    std::string mode() const;              // the node record's "http01": "webroot" or "port"
    void begin();
    void resync();
    void on_events(const std::vector<store::etcd::WatchEvent>& events);

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Registers this node under PREFIX/nodes/ (leased, kept alive), writes every
// published token where it is served and acks it, removes it when its key
// or lease goes, until stop or a signal (Error(interrupted)); then removes
// what it wrote and its registration. Reconnects with a capped back-off and
// re-reads everything after a disconnect or a compaction. Throws Error(usage)
// when the webroot cannot be written or the port cannot be bound, before
// registering.
void serve_fleet_http01(const store::etcd::EtcdStore& store, const ResponderOptions& options,
                        Logger& log);

} // namespace acme::ops
