// Managing a lineage's served endpoints in config.json (acmectl deploy-hook
// --endpoint, --remove-endpoint, --clear-endpoints, --list).
#pragma once

#include "ops/served_endpoints.hpp"
#include "store/store.hpp"

#include <string>
#include <vector>

namespace acme::ops {

// The endpoints config.json sets (empty: the defaults apply). Throws
// Error(usage) for an unknown lineage, Error(config) when malformed.
std::vector<ServedEndpoint> read_lineage_endpoints(const store::Store& store,
                                                   const std::string& name);
// Each takes the lineage's lock and rewrites config.json atomically.
// add_endpoints skips endpoints already set.
void add_endpoints(const store::Store& store, const std::string& name,
                   const std::vector<ServedEndpoint>& endpoints);
// Removes endpoint number `index` (1-based, as listed). Error(usage) when out of range.
void remove_endpoint(const store::Store& store, const std::string& name, int index);
// Removes them all: the defaults apply again.
void clear_endpoints(const store::Store& store, const std::string& name);

} // namespace acme::ops
