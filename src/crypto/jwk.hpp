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

// A private key from its private JWK (RFC 7518 §6.3.2 RSA with n, e, d, p, q,
// dp, dq, qi; §6.2.2 EC P-256/P-384 with x, y, d), as certbot keeps account
// keys. Throws Error(crypto) for a missing member or an unsupported key.
PrivateKey private_key_from_jwk(const nlohmann::json& jwk);

} // namespace acme::crypto
