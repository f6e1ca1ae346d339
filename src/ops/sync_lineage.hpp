// acmectl sync, one lineage: the shared (etcd) store's current version
// mirrored into the node's local file store in the file store's layout
// (certs/NAME/current -> versions/N, privkey.pem with the lineage's mode and
// key group), then the lineage's deploy steps run on this node (DESIGN.md,
// "The store interface, and fleets on etcd").
#pragma once

#include "common/log.hpp"
#include "ops/deploy_lineage.hpp"
#include "store/file_store.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

struct SyncTarget {
    const store::Store& shared;    // the fleet's store (etcd)
    const store::FileStore& local; // the node's home
    std::chrono::milliseconds hook_timeout = k_default_hook_timeout;
    Logger& log;
};

struct LineageSync {
    std::string name;
    std::optional<int> version; // current locally after the sync; nullopt = none
    std::optional<int> previous;
    bool changed = false;     // a new version became current here
    std::string deploy_error; // "" when every deploy step worked (or none ran)
    std::string error;        // why the sync itself failed (set by Syncer), "" = it worked
    std::vector<HookReport> hooks;
};

// Makes the shared store's current version of name current locally: written
// completely (install_version), then one rename (activate_version), then the
// deploy steps with the environment of a renewal, whose outcome goes to the
// local state.json (last_deploy_error), as renew records it. When the node
// already serves that version, only a deploy that failed last time runs again. Throws Error(config) for a
// local version N that differs from the shared one, Error(usage) for a key
// group this node does not have; the store's errors otherwise.
// wanted: the version a change of current named (sync --watch follows every
// version in turn, so each one's deploy steps run); when the shared store no
// longer has it (pruned), its current version instead.
LineageSync sync_lineage(const SyncTarget& target, const std::string& name,
                         std::optional<int> wanted = std::nullopt);

// The lineages to sync: `only` (each must exist in the shared store: else
// Error(usage) naming it), or every lineage of the shared store.
std::vector<std::string> sync_selection(const store::Store& shared,
                                        const std::vector<std::string>& only);

// Throws Error(io) naming the folder when the local store cannot be written
// (checked before anything is written).
void check_local_writable(const store::FileStore& local);

} // namespace acme::ops
