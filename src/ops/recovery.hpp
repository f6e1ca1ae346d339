// A certificate the CA issued is never lost (issue #17): when storing it
// fails (etcd gone, the lineage's lock lost), it is kept in a local recovery
// file, and the next issue or renewal of the lineage stores it as a new
// version before ordering again.
//
//   $ACMECTL_HOME/recovery/<lineage>.json   0600: cert, chain, fullchain,
//                                           privkey, the lineage's config
#pragma once

#include "common/log.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>

namespace acme::ops {

std::filesystem::path recovery_path(const store::Store& store, const std::string& name);

// Writes the recovery file (0600 from the first byte, atomic) and returns
// its path. Throws Error(io) when even that fails.
std::filesystem::path keep_certificate(const store::Store& store, const std::string& name,
                                       const store::VersionFiles& files,
                                       const nlohmann::json& config);

// With the lineage's lock held: stores a kept certificate as the new current
// version (and its config when the store has none) and removes the file.
// Returns the version stored; nullopt when nothing was kept, or the kept
// certificate is not newer than current or does not match its key (the file
// is then set aside as <lineage>.json.rejected, with a warning). Throws when
// storing fails: the file stays for the next run.
std::optional<int> store_kept_certificate(const store::Store& store, const std::string& name,
                                          mode_t key_mode, gid_t key_group, Logger& log);

// Throws Error(conflict), one line naming the lineage and the lock, when
// the lock was lost: the caller stops before writing.
void require_lock(const store::Lock* lock, const std::string& name);

} // namespace acme::ops
