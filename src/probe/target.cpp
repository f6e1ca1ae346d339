#include "probe/target.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <utility>

#include "common/error.hpp"

namespace acme::probe {

namespace {

constexpr std::array<std::pair<Starttls, std::string_view>, 7> k_protocols = {{
    {Starttls::smtp, "smtp"},
    {Starttls::imap, "imap"},
    {Starttls::pop3, "pop3"},
    {Starttls::ftp, "ftp"},
    {Starttls::xmpp, "xmpp"},
    {Starttls::postgres, "postgres"},
    {Starttls::ldap, "ldap"},
}};

[[noreturn]] void bad_target(const std::string& text, const std::string& why) {
    throw Error(ErrorKind::usage, "bad target '" + text + "': " + why);
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

bool is_ipv6(const std::string& host) {
    in6_addr addr{};
    return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

// A DNS name (letters, digits, '-', '_', dots between non-empty labels of at
// most 63 characters, one optional trailing dot) or an IPv4 literal.
bool is_valid_hostname(const std::string& host) {
    if (host.empty() || host.size() > 254 || !std::all_of(host.begin(), host.end(), is_host_char)) {
        return false;
    }
    const std::string name = host.back() == '.' ? host.substr(0, host.size() - 1) : host;
    size_t start = 0;
    while (start <= name.size()) {
        const size_t dot = std::min(name.find('.', start), name.size());
        if (dot == start || dot - start > 63) {
            return false;
        }
        start = dot + 1;
    }
    return true;
}

int parse_port(const std::string& text, const std::string& port) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) != 0;
        })) {
        bad_target(text, "port '" + port + "' is not a number");
    }
    const int value = std::stoi(port);
    if (value < 1 || value > 65535) {
        bad_target(text, "port " + port + " is outside 1-65535");
    }
    return value;
}

// Strips "https://" and everything after the authority; rejects other schemes.
std::string authority_of(const std::string& text) {
    std::string rest = text;
    if (const auto scheme_end = rest.find("://"); scheme_end != std::string::npos) {
        std::string scheme = rest.substr(0, scheme_end);
        std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (scheme != "https") {
            bad_target(text, "only https:// URLs are understood (use HOST:PORT otherwise)");
        }
        rest = rest.substr(scheme_end + 3);
        rest = rest.substr(0, rest.find_first_of("/?#"));
        if (const auto at = rest.rfind('@'); at != std::string::npos) {
            rest = rest.substr(at + 1);
        }
    }
    return rest;
}

// Splits an authority into host and port (nullopt when absent).
std::pair<std::string, std::optional<std::string>> split_authority(const std::string& text,
                                                    const std::string& authority) {
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos) {
            bad_target(text, "missing ']' after the IPv6 address");
        }
        std::string rest = authority.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || rest.size() == 1)) {
            bad_target(text, "expected ':PORT' after ']'");
        }
        const std::string host = authority.substr(1, close - 1);
        if (!is_ipv6(host)) {
            bad_target(text, "'" + host + "' is not an IPv6 address");
        }
        if (rest.empty()) {
            return {host, std::nullopt};
        }
        return {host, rest.substr(1)};
    }
    if (std::count(authority.begin(), authority.end(), ':') > 1) {
        if (is_ipv6(authority)) {
            return {authority, std::nullopt};
        }
        bad_target(text, "write an IPv6 address with a port as [ADDRESS]:PORT");
    }
    const auto colon = authority.find(':');
    if (colon == std::string::npos) {
        return {authority, std::nullopt};
    }
    return {authority.substr(0, colon), authority.substr(colon + 1)};
}

Endpoint parse_host_port(const std::string& text, const std::string& authority) {
    auto [host, port] = split_authority(text, authority);
    if (host.empty()) {
        bad_target(text, "no host name");
    }
    if (!is_ipv6(host) && !is_valid_hostname(host)) {
        bad_target(text, "'" + host + "' is not a valid host name or address");
    }
    return {host, port ? parse_port(text, *port) : 0};
}

std::string default_sni(const std::string& host) {
    if (is_ip_literal(host)) {
        return {}; // RFC 6066 §3: literal addresses are not sent as server names
    }
    return host.back() == '.' ? host.substr(0, host.size() - 1) : host;
}

} // namespace

ProbeTarget parse_target(const std::string& text) {
    const std::string trimmed = trim(text);
    if (trimmed.empty()) {
        throw Error(ErrorKind::usage, "empty target");
    }
    if (std::any_of(trimmed.begin(), trimmed.end(),
                    [](unsigned char c) { return std::isspace(c) != 0 || std::iscntrl(c) != 0; })) {
        bad_target(trimmed, "contains white space");
    }
    const Endpoint endpoint = parse_host_port(trimmed, authority_of(trimmed));
    ProbeTarget target;
    target.input = trimmed;
    target.host = endpoint.host;
    target.port_explicit = endpoint.port != 0;
    target.port = target.port_explicit ? endpoint.port : 443;
    target.sni = default_sni(endpoint.host);
    return target;
}

Endpoint parse_endpoint(const std::string& text) {
    const std::string trimmed = trim(text);
    if (trimmed.empty()) {
        throw Error(ErrorKind::usage, "empty --connect-to address");
    }
    return parse_host_port(trimmed, trimmed);
}

ProbeTarget apply_overrides(ProbeTarget target, const TargetOverrides& overrides) {
    if (!overrides.sni.empty()) {
        target.sni = overrides.sni;
    }
    if (overrides.starttls != Starttls::none) {
        target.starttls = overrides.starttls;
        if (!target.port_explicit) {
            target.port = default_port(overrides.starttls);
        }
    }
    if (!overrides.connect_to.empty()) {
        Endpoint backend = parse_endpoint(overrides.connect_to);
        if (backend.port == 0) {
            backend.port = target.port;
        }
        target.connect_to = backend;
    }
    return target;
}

std::optional<Starttls> parse_starttls(std::string_view name) {
    for (const auto& [protocol, protocol_name] : k_protocols) {
        if (protocol_name == name) {
            return protocol;
        }
    }
    return std::nullopt;
}

std::string_view starttls_name(Starttls protocol) {
    for (const auto& [candidate, name] : k_protocols) {
        if (candidate == protocol) {
            return name;
        }
    }
    return "none";
}

int default_port(Starttls protocol) {
    switch (protocol) {
    case Starttls::none: return 443;
    case Starttls::smtp: return 25;
    case Starttls::imap: return 143;
    case Starttls::pop3: return 110;
    case Starttls::ftp: return 21;
    case Starttls::xmpp: return 5222;
    case Starttls::postgres: return 5432;
    case Starttls::ldap: return 389;
    }
    return 443;
}

std::vector<std::string> starttls_names() {
    std::vector<std::string> names;
    for (const auto& entry : k_protocols) {
        names.emplace_back(entry.second);
    }
    return names;
}

std::vector<std::string> target_lines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = std::min(text.find('\n', start), text.size());
        std::string line = text.substr(start, end - start);
        for (size_t hash = line.find('#'); hash != std::string::npos;
             hash = line.find('#', hash + 1)) {
            if (hash == 0 || line[hash - 1] == ' ' || line[hash - 1] == '\t') {
                line.erase(hash);
                break;
            }
        }
        if (auto trimmed = trim(line); !trimmed.empty()) {
            lines.push_back(std::move(trimmed));
        }
        start = end + 1;
    }
    return lines;
}

std::string host_port(const std::string& host, int port) {
    const std::string shown = is_ipv6(host) ? "[" + host + "]" : host;
    return shown + ":" + std::to_string(port);
}

bool is_ip_literal(const std::string& host) {
    in_addr v4{};
    return inet_pton(AF_INET, host.c_str(), &v4) == 1 || is_ipv6(host);
}

} // namespace acme::probe
