#include "challenge/token.hpp"

#include "common/error.hpp"

#include <string>

namespace acme::challenge {

// A local check instead of crypto::is_base64url keeps src/challenge free of a
// dependency on src/crypto for one character test.
bool is_valid_token(std::string_view token) noexcept {
    if (token.empty())
        return false;
    for (const char c : token) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

void require_valid_token(std::string_view token) {
    if (is_valid_token(token))
        return;
    // Quote at most a prefix: the token came from the network.
    const auto shown = token.substr(0, 64);
    std::string printable;
    for (const char c : shown)
        printable.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    throw Error(ErrorKind::protocol, "invalid challenge token '" + printable + "': not base64url");
}

} // namespace acme::challenge
