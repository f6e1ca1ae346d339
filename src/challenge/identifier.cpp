#include "challenge/identifier.hpp"

#include "common/error.hpp"

#include <arpa/inet.h>
#include <array>

namespace acme::challenge {

namespace {

bool is_label_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

} // namespace

bool is_dns_name(std::string_view name) noexcept {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    if (name.empty() || name.size() > 253)
        return false;
    std::size_t label = 0;
    for (const char c : name) {
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (!is_label_char(c) || ++label > 63) {
            return false;
        }
    }
    return label > 0;
}

bool is_ip_address(std::string_view text) noexcept {
    std::array<char, 46> s{}; // longest IPv6 text form, and its NUL
    if (text.size() >= s.size() || text.find('\0') != std::string_view::npos)
        return false;
    text.copy(s.data(), text.size());
    std::array<unsigned char, 16> buf{};
    return ::inet_pton(AF_INET, s.data(), buf.data()) == 1 ||
           ::inet_pton(AF_INET6, s.data(), buf.data()) == 1;
}

void require_identifier(std::string_view identifier, bool allow_ip) {
    if (is_dns_name(identifier) || (allow_ip && is_ip_address(identifier)))
        return;
    throw Error(ErrorKind::protocol,
                "the CA named an invalid identifier '" + printable(identifier) + "'");
}

std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 64))
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    if (text.size() > 64)
        out += "...";
    return out;
}

} // namespace acme::challenge
