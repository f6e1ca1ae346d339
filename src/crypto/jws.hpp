// JWS in flattened JSON serialization (RFC 7515 §7.2.2), as ACME posts it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/signer.hpp"

namespace acme::crypto {

// {"protected": b64u(header), "payload": b64u(payload), "signature": b64u(sig)}.
// The header gets "alg" from the signer added; the caller sets nonce, url and
// either kid or jwk. An empty payload string gives "" (POST-as-GET).
nlohmann::json make_jws(const Signer& signer, nlohmann::json protected_header,
                        std::string_view payload);

// External Account Binding (RFC 8555 §7.3.4): an HS256 JWS over the account
// JWK with {"alg":"HS256","kid":kid,"url":url}. hmac_key_b64url is the CA's
// base64url key. Throws Error(usage) when the key is not base64url or empty.
nlohmann::json make_eab_jws(const std::string& kid, const std::string& hmac_key_b64url,
                            const std::string& url, const nlohmann::json& account_jwk);

// Verifies an ES*/RS256 JWS signature (r||s or PKCS#1) over data with the
// public half of key. Used by tests and by key rollover checks.
bool verify_signature(const PrivateKey& key, std::string_view data, std::string_view signature);

} // namespace acme::crypto
