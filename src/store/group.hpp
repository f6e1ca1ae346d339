// System groups by name, for lineages whose private key a group may read
// (DESIGN.md, "The store": --key-group).
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace acme::store {

// The id of the system group `name` (getgrnam_r), or nullopt when there is no
// such group. Throws Error(io) when the group database cannot be read.
std::optional<gid_t> find_group(const std::string& name);

// Whether this process may give its files to the group (chown(2)): root may
// give them to any group, others to their own groups only.
bool may_use_group(gid_t gid);

// The group's name, or its number as text when the database names none.
std::string group_name(gid_t gid);

} // namespace acme::store
