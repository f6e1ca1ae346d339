// How a certificate name is spelled as an entry of the per-SNI folder. The
// name comes from a certificate or a hand-edited config.json: it must never
// become a path outside the folder, whatever it holds.
#include "common/error.hpp"
#include "ops/sni_dir.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>

namespace acme::ops {

namespace {

constexpr std::string_view k_wildcard_entry = "_wildcard.";
constexpr std::size_t k_max_name = 253; // RFC 1035 §2.3.4; also below NAME_MAX

bool is_ip_address(const std::string& name) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, name.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, name.c_str(), buffer) == 1;
}

[[noreturn]] void refuse(const std::string& name, const std::string& why) {
    throw Error(ErrorKind::usage, "'" + name + "' cannot be an SNI folder entry: " + why);
}

bool entry_char(char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

// A DNS name as one path component: [a-z0-9._-], no empty label (so no
// leading or trailing '.', no "..", never "." or "..").
void check_plain(const std::string& original, const std::string& name) {
    if (name.empty() || name.size() > k_max_name) {
        refuse(original, "empty or longer than 253 bytes");
    }
    if (!std::all_of(name.begin(), name.end(), entry_char)) {
        refuse(original, "only letters, digits, '-', '_' and '.' may appear");
    }
    if (name.front() == '.' || name.back() == '.' || name.find("..") != std::string::npos) {
        refuse(original, "empty label");
    }
}

} // namespace

std::optional<std::string> sni_entry_name(const std::string& cert_name) {
    if (is_ip_address(cert_name)) {
        return std::nullopt;
    }
    std::string name = cert_name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.starts_with(k_wildcard_entry)) {
        refuse(cert_name, "spelled like the entry of a wildcard name");
    }
    if (name.starts_with("*.")) {
        name = std::string(k_wildcard_entry) + name.substr(2);
    }
    check_plain(cert_name, name);
    return name;
}

} // namespace acme::ops
