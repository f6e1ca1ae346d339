// Sealing of private keys kept in a shared store (etcd): AES-256-GCM under a
// 32-byte fleet key, with the storage key name as additional authenticated
// data, so a sealed value copied under another name fails to open.
#pragma once

#include <string>
#include <string_view>

namespace acme::crypto {

inline constexpr std::size_t k_fleet_key_bytes = 32;

// "acmectl-sealed-v1:" + base64url(nonce(12) || ciphertext || tag(16)).
// Throws Error(crypto) when the key is not 32 bytes.
std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad);
// Throws Error(crypto) "cannot open sealed <aad>: wrong fleet key or value
// moved or altered" when authentication fails, or when text is not sealed.
std::string unseal(std::string_view key, std::string_view sealed, std::string_view aad);
bool is_sealed(std::string_view text);

// 32 bytes from the OS random source (RAND_bytes). Throws Error(crypto).
std::string random_fleet_key();

} // namespace acme::crypto
