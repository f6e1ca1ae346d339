// acmectl store migrate: copies accounts and lineages between any two stores
// (file -> etcd to adopt a fleet, etcd -> file to leave it). Idempotent:
// versions keep their numbers, a version already at the destination must be
// identical, and a newer current at the destination is left alone.
#pragma once

#include "common/log.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

struct MigrateRequest {
    bool current_only = false; // copy current only, not the older versions
};

struct MigratedLineage {
    std::string name;
    std::vector<int> copied;    // versions written at the destination
    std::optional<int> current; // the destination's current afterwards
    bool ok = true;
    std::string message; // why not ok, or what was left alone
};

struct MigrateResult {
    std::vector<std::string> accounts; // "<server>/<name>" copied or already there
    std::vector<std::string> account_errors;
    std::vector<MigratedLineage> lineages;
    bool ok() const;
};

// Throws Error only when a store cannot be read at all; per-lineage problems
// (a key that does not match its certificate, a different version n at the
// destination) are reported in the result and the other lineages still go.
MigrateResult migrate_store(const store::Store& from, const store::Store& to,
                            const MigrateRequest& request, Logger& log);

} // namespace acme::ops
