#include "acme/names.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cstdio>
#include <optional>

namespace acme {

namespace {

// Quote a name for an error message without letting control characters through.
std::string quoted(const std::string& name) {
    std::string out = "'";
    for (unsigned char c : name.substr(0, 300)) {
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    return out + (name.size() > 300 ? "...'" : "'");
}

[[noreturn]] void invalid(const std::string& name, const std::string& why) {
    throw Error(ErrorKind::usage, "invalid name " + quoted(name) + ": " + why);
}

std::optional<std::string> canonical_ip(const std::string& text) {
    unsigned char buf[16];
    char out[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, text.c_str(), buf) == 1) {
        return inet_ntop(AF_INET, buf, out, sizeof out);
    }
    if (inet_pton(AF_INET6, text.c_str(), buf) == 1) {
        return inet_ntop(AF_INET6, buf, out, sizeof out);
    }
    return std::nullopt;
}

void check_label(const std::string& name, std::string_view label) {
    if (label.empty()) {
        invalid(name, "empty label");
    }
    if (label.size() > 63) {
        invalid(name, "a label is longer than 63 characters");
    }
    if (label.front() == '-' || label.back() == '-') {
        invalid(name, "a label starts or ends with '-'");
    }
    for (char c : label) {
        if (static_cast<unsigned char>(c) >= 0x80) {
            invalid(name, "an internationalized name: use punycode (xn--...), e.g. from idn2");
        }
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
            invalid(name, std::string("character ") + (c == '*' ? "'*' outside the leftmost label"
                                                                : "not allowed in a DNS name"));
        }
    }
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

Identifier parse_identifier(const std::string& raw) {
    if (raw.empty()) {
        invalid(raw, "empty name");
    }
    if (auto ip = canonical_ip(raw)) {
        return {"ip", *ip};
    }
    std::string name = lower(raw);
    if (name.size() > 1 && name.back() == '.') {
        name.pop_back();
    }
    if (name.size() > 253) {
        invalid(raw, "longer than 253 characters");
    }
    std::string_view rest = name;
    if (rest.rfind("*.", 0) == 0) {
        rest.remove_prefix(2);
    }
    if (rest.find('.') == std::string_view::npos) {
        check_label(raw, rest);
        invalid(raw, "a certificate name needs at least two labels");
    }
    for (std::size_t start = 0;;) {
        auto dot = rest.find('.', start);
        check_label(raw, rest.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return {"dns", name};
}

std::vector<Identifier> parse_identifiers(const std::vector<std::string>& names) {
    if (names.empty()) {
        throw Error(ErrorKind::usage, "no names given (use -d NAME)");
    }
    std::vector<Identifier> out;
    for (const auto& name : names) {
        auto id = parse_identifier(name);
        if (std::find(out.begin(), out.end(), id) == out.end()) {
            out.push_back(std::move(id));
        }
    }
    if (out.size() > k_max_identifiers) {
        throw Error(ErrorKind::usage, std::to_string(out.size()) + " names given; a certificate " +
                                          "holds at most " + std::to_string(k_max_identifiers));
    }
    return out;
}

std::string lineage_name_for(const Identifier& first) {
    if (first.value.rfind("*.", 0) == 0) {
        return "_wildcard." + first.value.substr(2);
    }
    // IPv6 colons are not safe in every tool that reads paths; use '-'.
    std::string name = first.value;
    std::replace(name.begin(), name.end(), ':', '-');
    // "::1" would become "--1", which every subcommand reads as a flag:
    // spell the leading "::" as "0::" and mark the name as an IPv6 one.
    if (name.front() == '-') {
        name = "ip6-0" + name;
    }
    return name;
}

} // namespace acme
