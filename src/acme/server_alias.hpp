// Short names for the public ACME CAs' directory URLs.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace acme {

// (alias, directory URL) pairs, in the order --help lists them.
const std::vector<std::pair<std::string, std::string>>& server_aliases();
// The directory URL for an alias, or the argument itself when it is a URL.
// Throws Error(usage) for anything else.
std::string resolve_server(const std::string& alias_or_url);
inline constexpr const char* k_default_server = "letsencrypt";

} // namespace acme
