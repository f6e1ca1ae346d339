// The check every solver applies to a challenge token before it becomes a
// URL path or a file name. Private to src/challenge.
#pragma once

#include <string_view>

namespace acme::challenge {

// True when token is non-empty base64url ([A-Za-z0-9_-]), as RFC 8555 §8.3
// requires: no '/', '.', '%' or NUL can reach a path built from it.
bool is_valid_token(std::string_view token) noexcept;

// Throws Error(protocol) naming the token when is_valid_token is false.
void require_valid_token(std::string_view token);

} // namespace acme::challenge
