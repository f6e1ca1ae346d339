// Hashes used by the protocol (dns-01 and tls-alpn-01 digests, fingerprints).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace acme::crypto {

std::string sha256(std::string_view data); // 32 raw bytes
// SHA-256 of several byte strings, each length-prefixed so that moving bytes
// from one to the next changes the digest (32 raw bytes).
std::string sha256_parts(std::initializer_list<std::string_view> parts);
std::string hex(std::string_view bytes);   // lower-case hex

} // namespace acme::crypto
