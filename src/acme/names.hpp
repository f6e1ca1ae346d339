// Identifiers for orders (RFC 8555 §7.1.3, IP addresses per RFC 8738): what
// the user typed, checked and normalised before anything is sent or written.
#pragma once

#include <string>
#include <vector>

namespace acme {

struct Identifier {
    std::string type;  // "dns" or "ip"
    std::string value; // lower-case DNS name without trailing dot, or canonical IP
    bool operator==(const Identifier&) const = default;
};

inline constexpr std::size_t k_max_identifiers = 100;

// Validates and normalises names: lower-cases, drops a trailing dot, detects
// IPv4/IPv6 literals, merges duplicates keeping the first order. Throws
// Error(usage) naming the first bad name and why (empty label, label over 63,
// name over 253, a character outside [a-z0-9-], a label starting or ending with
// '-', a wildcard not alone in the leftmost label), when there are none, or
// when there are more than k_max_identifiers.
std::vector<Identifier> parse_identifiers(const std::vector<std::string>& names);
// The same checks for one name; returns the normalised identifier.
Identifier parse_identifier(const std::string& name);
// The default lineage name for a first identifier: "*." becomes "_wildcard.",
// IPv6 colons become "-" ("::1" becomes "ip6-0--1": never a leading "-").
std::string lineage_name_for(const Identifier& first);

} // namespace acme
