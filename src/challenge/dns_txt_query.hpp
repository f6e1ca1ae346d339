// A tiny DNS client for one question: the TXT records of a name, asked of one
// server (RFC 1035 §4: UDP with EDNS0, TCP when the answer is truncated).
// Used by the dns-01 solver to see when its records became visible. Private
// to src/challenge; the wire format functions are separate for unit tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace acme::challenge {

struct DnsServer {
    std::string address; // an IPv4 or IPv6 literal, without brackets
    int port = 53;
};

// "192.0.2.53", "192.0.2.53:8053", "2001:db8::53", "[2001:db8::53]:8053".
// Throws Error(usage) for anything else (host names included: a resolver
// must not need a resolver).
DnsServer parse_dns_server(std::string_view text);
// "192.0.2.53:8053" or "[2001:db8::53]:8053".
std::string to_string(const DnsServer& server);

// The query message (RD set, class IN, type TXT, an EDNS0 OPT record
// offering 4096-byte answers). Throws Error(usage) when name cannot be
// encoded (empty label, label over 63 bytes, name over 255 bytes).
std::string encode_txt_query(std::uint16_t id, std::string_view name);

struct TxtAnswer {
    int rcode = 0;          // 0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, ...
    bool truncated = false; // TC: ask again over TCP
    // One string per TXT record of the answer section (its character-strings
    // joined), whatever its owner: a CNAME chain may precede them.
    std::vector<std::string> texts;
};

// Parses an answer to the query with this id. Throws Error(protocol) for a
// malformed message, a wrong id or a message that is not a response.
TxtAnswer parse_txt_response(std::string_view message, std::uint16_t id);

// Asks server for the TXT records of name. NXDOMAIN and NODATA give an empty
// list. Throws Error(timeout) when no answer came within timeout,
// Error(network) for a refused connection or an rcode other than
// NOERROR/NXDOMAIN, Error(protocol) for a malformed answer.
std::vector<std::string> query_txt(const DnsServer& server, std::string_view name,
                                   std::chrono::milliseconds timeout);

} // namespace acme::challenge
