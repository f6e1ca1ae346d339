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

// For the directory URL of a known CA that requires External Account Binding
// (RFC 8555 §7.3.4: ZeroSSL, Google Trust Services), the sentence telling
// where its EAB credentials come from; "" for any other URL. Lets register
// refuse before any request, not only after the directory says so.
std::string eab_requirement(const std::string& directory_url);

} // namespace acme
