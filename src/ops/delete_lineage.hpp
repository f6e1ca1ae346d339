// acmectl delete: remove a lineage from the store (config, versions, state,
// its lock file), optionally revoking its certificate first. What its deploy
// steps installed elsewhere is listed, never deleted.
#pragma once

#include "store/store.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace acme::ops {

struct DeletePlan {
    std::string name;
    std::filesystem::path dir;
    std::vector<std::string> domains;
    int versions = 0;
    bool has_certificate = false;             // a current certificate that --revoke could revoke
    std::vector<std::string> install_targets; // left in place
};

// What deleting the lineage removes. Throws Error(usage) for a bad or unknown
// name, Error(config) for an unreadable config.json.
DeletePlan plan_delete(const store::Store& store, const std::string& name);

// The lineage's lock, for the whole delete (and the revoke before it).
// Throws Error(conflict) while another process holds it.
std::unique_ptr<store::Lock> lock_for_delete(const store::Store& store, const std::string& name);

// Removes the lineage; the caller holds its lock. Throws Error(io).
void delete_lineage(const store::Store& store, const DeletePlan& plan);

} // namespace acme::ops
