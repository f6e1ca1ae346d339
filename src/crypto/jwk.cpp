#include "crypto/jwk.hpp"

#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"
#include "crypto/ossl.hpp"

#include <openssl/core_names.h>
#include <vector>

namespace acme::crypto {

namespace {

std::string bn_param(const EVP_PKEY* key, const char* name, int width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
        ossl::fail("cannot read public key");
    const ossl::BnPtr bn(raw);
    return base64url_encode(ossl::bn_bytes(bn.get(), width));
}

nlohmann::json ec_jwk(const PrivateKey& key) {
    // RFC 7518 §6.2.1.2: coordinates are exactly the field size, zero-padded.
    const bool p256 = key.type() == KeyType::ec256;
    const int width = p256 ? 32 : 48;
    return {{"crv", p256 ? "P-256" : "P-384"},
            {"kty", "EC"},
            {"x", bn_param(key.native(), OSSL_PKEY_PARAM_EC_PUB_X, width)},
            {"y", bn_param(key.native(), OSSL_PKEY_PARAM_EC_PUB_Y, width)}};
}

nlohmann::json rsa_jwk(const PrivateKey& key) {
    // RFC 7518 §6.3.1: minimal big-endian integers, no leading zero bytes.
    return {{"e", bn_param(key.native(), OSSL_PKEY_PARAM_RSA_E, 0)},
            {"kty", "RSA"},
            {"n", bn_param(key.native(), OSSL_PKEY_PARAM_RSA_N, 0)}};
}

// RFC 7638 §3.2: the required members of each key type.
std::vector<const char*> required_members(const std::string& kty) {
    if (kty == "EC")
        return {"crv", "kty", "x", "y"};
    if (kty == "RSA")
        return {"e", "kty", "n"};
    if (kty == "OKP")
        return {"crv", "kty", "x"};
    if (kty == "oct")
        return {"k", "kty"};
    throw Error(ErrorKind::crypto, "JWK has unknown kty \"" + kty + "\"");
}

std::string member(const nlohmann::json& jwk, const char* name) {
    const auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string())
        throw Error(ErrorKind::crypto, std::string("JWK lacks required member \"") + name + "\"");
    return it->get<std::string>();
}

} // namespace

nlohmann::json public_jwk(const PrivateKey& key) {
    switch (key.type()) {
    case KeyType::ec256:
    case KeyType::ec384:
        return ec_jwk(key);
    case KeyType::rsa2048:
    case KeyType::rsa3072:
    case KeyType::rsa4096:
        return rsa_jwk(key);
    }
    throw Error(ErrorKind::crypto, "unknown key type");
}

std::string jwk_thumbprint(const nlohmann::json& jwk) {
    if (!jwk.is_object())
        throw Error(ErrorKind::crypto, "JWK is not a JSON object");
    // nlohmann::json objects keep keys sorted and dump() adds no whitespace,
    // which is exactly RFC 7638's canonical form for these ASCII members.
    nlohmann::json canonical = nlohmann::json::object();
    for (const char* name : required_members(member(jwk, "kty")))
        canonical[name] = member(jwk, name);
    return base64url_encode(sha256(canonical.dump()));
}

std::string jwk_thumbprint(const PrivateKey& key) {
    return jwk_thumbprint(public_jwk(key));
}

} // namespace acme::crypto
