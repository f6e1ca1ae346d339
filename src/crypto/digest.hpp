// Hashes used by the protocol (dns-01 and tls-alpn-01 digests, fingerprints).
#pragma once

#include <string>
#include <string_view>

namespace acme::crypto {

std::string sha256(std::string_view data); // 32 raw bytes
std::string hex(std::string_view bytes);   // lower-case hex

} // namespace acme::crypto
