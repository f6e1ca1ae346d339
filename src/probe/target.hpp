// What `acmectl expiry` probes: a host and port, the name sent as SNI and
// checked against the certificate, an optional backend to connect to instead,
// and the plaintext protocol to upgrade with STARTTLS first.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acme::probe {

enum class Starttls { none, smtp, imap, pop3, ftp, xmpp, postgres, ldap };

// A host (name or IP literal, IPv6 without brackets) and a TCP port.
struct Endpoint {
    std::string host;
    int port = 0;
};

struct ProbeTarget {
    std::string input;        // the text the target was parsed from, for reports
    std::string host;         // DNS name or IP literal (IPv6 without brackets)
    int port = 443;
    bool port_explicit = false; // false: 443 (or the STARTTLS protocol's port)
    std::string sni;          // server name sent and verified; empty for an IP host
    std::optional<Endpoint> connect_to; // connect here instead of host:port
    Starttls starttls = Starttls::none;
};

// What the command line sets for every target (empty / none: keep the target's).
struct TargetOverrides {
    std::string sni;
    std::string connect_to; // ADDR[:PORT]
    Starttls starttls = Starttls::none;
};

// Parses "host", "host:port", "[v6addr]:port", a bare IPv6 address or
// "https://host[:port]/...". Throws Error(usage) naming the input when the
// host or port is malformed or the URL scheme is not https.
ProbeTarget parse_target(const std::string& text);
// Parses --connect-to's "ADDR[:PORT]" (port 0 when absent). Throws Error(usage).
Endpoint parse_endpoint(const std::string& text);
// Applies the overrides; a STARTTLS target without an explicit port gets the
// protocol's port (25, 143, 110, 21, 5222, 5432, 389). Throws Error(usage)
// for a malformed connect_to.
ProbeTarget apply_overrides(ProbeTarget target, const TargetOverrides& overrides);

// "smtp" -> Starttls::smtp ...; nullopt for an unknown name.
std::optional<Starttls> parse_starttls(std::string_view name);
std::string_view starttls_name(Starttls protocol);
// The IANA port of the protocol's plaintext service; 443 for none.
int default_port(Starttls protocol);
// The names --starttls accepts, in --help order.
std::vector<std::string> starttls_names();

// The targets of a list file: one a line; blank lines and comments (a '#'
// at the start of a line or after white space) are dropped, ends trimmed.
std::vector<std::string> target_lines(const std::string& text);

// "host:port", with brackets around an IPv6 address.
std::string host_port(const std::string& host, int port);
// True when host is an IPv4 or IPv6 literal.
bool is_ip_literal(const std::string& host);

} // namespace acme::probe
