// base64url without padding (RFC 4648 §5), as JOSE and ACME use it.
#pragma once

#include <string>
#include <string_view>

namespace acme::crypto {

std::string base64url_encode(std::string_view bytes);
// Throws Error(crypto) on characters outside the alphabet, '=' padding or an
// impossible length.
std::string base64url_decode(std::string_view text);
// True when text is non-empty and uses only [A-Za-z0-9_-] (ACME tokens).
bool is_base64url(std::string_view text);

} // namespace acme::crypto
