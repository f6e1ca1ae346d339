// acmectl sync: keeps a node's local file store in step with the shared
// (etcd) store. sync_all() is one pass (--once, and the start of --watch);
// watch() follows the store's changes until a signal: an etcd watch on the
// prefixes of its handlers, resumed after a break from the last revision it
// reached, everything re-read after a compaction, reconnects backing off
// from backoff_min to backoff_max. Each change goes to the handler owning
// its key prefix: PREFIX/certs/ (lineages) is built in; add_handler() plugs
// in another (PREFIX/challenges/ for http-01 across the fleet).
#pragma once

#include "ops/sync_lineage.hpp"
#include "ops/sync_node.hpp"
#include "store/etcd/etcd_store.hpp"
#include "store/etcd/etcd_watch.hpp"

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace acme::ops {

struct SyncOptions {
    std::vector<std::string> only; // "" = every lineage of the shared store
    std::chrono::milliseconds hook_timeout = k_default_hook_timeout;
    int node_ttl = 60; // seconds the node record outlives its last refresh
    std::chrono::milliseconds backoff_min{500};
    std::chrono::milliseconds backoff_max{30'000};
    std::string http01; // the node record's "http01" (fleet_http01.hpp); "" = none
};

// The changes under one key prefix, and a full re-read (start, compaction).
struct PrefixHandler {
    std::string prefix; // the whole etcd key prefix, e.g. "/acme/challenges/"
    std::function<void(const std::vector<store::etcd::WatchEvent>&)> on_events;
    std::function<void()> on_resync;
};

// Told about every lineage a pass or a change touched: synced or failed.
using SyncReport = std::function<void(const LineageSync&)>;

class Syncer {
  public:
    Syncer(const store::etcd::EtcdStore& shared, SyncOptions options, Logger& log,
           SyncReport report);

    void add_handler(PrefixHandler handler);
    // Every selected lineage once, then the node record. Throws Error(usage)
    // for an unknown --only name and Error(io) for an unwritable local store
    // before writing anything; the store's errors (network: etcd down).
    std::vector<LineageSync> sync_all();
    // Never returns: throws Error(interrupted) on a signal, after withdrawing
    // the node record; Error(usage/io) as sync_all does.
    [[noreturn]] void watch();

  private:
    struct WatchState {
        std::int64_t revision = 0; // every change up to it was handled
        bool resync = true;        // the next watch starts with a full pass
        std::chrono::milliseconds backoff{0};
        std::chrono::seconds refresh_every{20};
    };
    store::etcd::WatchResult watch_step(WatchState& state);
    LineageSync sync_one(const std::string& name, std::optional<int> wanted = std::nullopt);
    bool selected(const std::string& name) const;
    void on_cert_events(const std::vector<store::etcd::WatchEvent>& events);
    void dispatch(const std::vector<store::etcd::WatchEvent>& events);
    void resync_all();
    void refresh();
    void publish();
    store::etcd::WatchRequest watch_range() const;

    const store::etcd::EtcdStore& m_shared;
    store::FileStore m_local;
    SyncOptions m_options;
    Logger& m_log;
    SyncReport m_report;
    NodeRecord m_record;
    NodeRegistration m_registration;
    std::vector<PrefixHandler> m_handlers;
    std::set<std::string> m_failed; // lineages to try again at the next refresh
};

} // namespace acme::ops
