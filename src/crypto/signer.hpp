// What the ACME client needs of an account key, and nothing more: it never
// sees a key path or an OpenSSL handle (OpenBSD acme-client, lego).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/key.hpp"

namespace acme::crypto {

class Signer {
  public:
    virtual ~Signer() = default;
    virtual std::string alg() const = 0;         // "ES256", "ES384", "RS256"
    virtual nlohmann::json jwk() const = 0;      // public JWK
    virtual std::string thumbprint() const = 0;  // RFC 7638, base64url
    // JWS signature bytes of data: r||s (fixed size) for ECDSA, PKCS#1 v1.5 for RSA.
    virtual std::string sign(std::string_view data) const = 0;
};

class KeySigner : public Signer {
  public:
    explicit KeySigner(PrivateKey key);
    std::string alg() const override;
    nlohmann::json jwk() const override { return m_jwk; }
    std::string thumbprint() const override { return m_thumbprint; }
    std::string sign(std::string_view data) const override;
    const PrivateKey& key() const { return m_key; }

  private:
    PrivateKey m_key;
    nlohmann::json m_jwk;
    std::string m_thumbprint;
};

// "ES256" for P-256, "ES384" for P-384, "RS256" for RSA.
std::string jws_alg(KeyType type);

} // namespace acme::crypto
