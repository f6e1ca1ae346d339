// Checks on the identifier an authorization names before a solver turns it
// into a DNS record name, an SNI, a hook argument or a line shown to a human:
// it came from the CA, so it is untrusted. Private to src/challenge.
#pragma once

#include <string>
#include <string_view>

namespace acme::challenge {

// True for a DNS name of 1 to 253 characters whose dot-separated labels are
// 1 to 63 of [A-Za-z0-9_-] (one trailing dot allowed): no space, '/', '*',
// quote or control character.
bool is_dns_name(std::string_view name) noexcept;

// True for an IPv4 or IPv6 address literal.
bool is_ip_address(std::string_view text) noexcept;

// Throws Error(protocol) quoting (a printable prefix of) the identifier when
// it is not a DNS name, nor (with allow_ip) an IP address.
void require_identifier(std::string_view identifier, bool allow_ip);

// At most 64 characters of text with every byte outside printable ASCII
// replaced by '?', for error messages.
std::string printable(std::string_view text);

} // namespace acme::challenge
