// acmectl list: the inventory of the store, lineage by lineage, with the
// paths a server should read (current/, never versions/N/). Offline: the due
// time comes from the certificate, state.json's ARI cache and backoff.
#pragma once

#include "store/store.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

struct LineageListing {
    std::string name;
    std::vector<std::string> domains;
    std::string key_type; // "" for a lineage issued for an external CSR
    std::optional<int> version;
    std::string serial;
    std::optional<std::chrono::sys_seconds> not_after;
    std::optional<long long> days_left;
    std::optional<std::chrono::sys_seconds> due;
    // Why it is due then: "lifetime", "ari", "revoked", "backoff" or "missing"
    // (no current certificate: the next renew issues one).
    std::string due_reason;
    std::filesystem::path cert_dir; // <lineage>/current
    bool has_key = true;            // false for an external CSR
    std::string account;
    std::string server;
    std::string solver; // the solver kind, with its webroot/hook/server where it has one
    std::vector<std::string> deploy_hooks;
    std::vector<std::string> install_targets;
    std::string error; // one line when the lineage could not be read; "" = fine
};

// Lists the given lineages (all when names is empty), reading each lineage's
// config, state and certificate once. A lineage that cannot be read is listed
// with its error. Throws Error(usage) for a bad or unknown name.
std::vector<LineageListing> list_lineages(const store::Store& store,
                                          const std::vector<std::string>& names,
                                          std::chrono::sys_seconds now);

// The given names (all lineages when empty), each checked to exist. Throws
// Error(usage) for a bad or unknown name.
std::vector<std::string> select_lineages(const store::Store& store,
                                         const std::vector<std::string>& names);

} // namespace acme::ops
