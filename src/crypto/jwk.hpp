// JSON Web Keys (RFC 7517) of our public keys and their RFC 7638 thumbprints.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "crypto/key.hpp"

namespace acme::crypto {

// EC: {"crv","kty":"EC","x","y"}; RSA: {"e","kty":"RSA","n"} (fixed-size
// coordinates, minimal big-endian integers, all base64url).
nlohmann::json public_jwk(const PrivateKey& key);
// base64url(SHA-256(canonical JSON of the required members)) per RFC 7638 §3.
// Throws Error(crypto) when a required member is missing.
std::string jwk_thumbprint(const nlohmann::json& jwk);
std::string jwk_thumbprint(const PrivateKey& key);

} // namespace acme::crypto
