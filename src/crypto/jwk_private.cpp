// Private JWKs in (certbot's account keys): built with OSSL_PARAM_BLD, then
// handed to PrivateKey through PKCS#8 PEM so its type checks apply.
#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/jwk.hpp"
#include "crypto/ossl.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

namespace acme::crypto {

namespace {

using ParamBldPtr = ossl::Ptr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = ossl::Ptr<OSSL_PARAM, OSSL_PARAM_free>;
using PkeyCtxPtr = ossl::Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;

std::string member(const nlohmann::json& jwk, const char* name) {
    auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string() || it->get<std::string>().empty()) {
        throw Error(ErrorKind::crypto, std::string("private JWK without '") + name + "'");
    }
    return base64url_decode(it->get<std::string>());
}

// Keeps the BIGNUMs alive until the params are built (the builder refers to them).
struct BnParams {
    ParamBldPtr bld{OSSL_PARAM_BLD_new()};
    std::vector<ossl::BnPtr> bns;
    void push(const char* key, const std::string& bytes) {
        auto* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()), nullptr);
        if (bn == nullptr || OSSL_PARAM_BLD_push_BN(bld.get(), key, bn) != 1) {
            BN_free(bn);
            ossl::fail("cannot read the private JWK");
        }
        bns.emplace_back(bn);
    }
};

std::string to_pkcs8_pem(const char* algorithm, OSSL_PARAM_BLD* bld) {
    const ParamsPtr params(OSSL_PARAM_BLD_to_param(bld));
    const PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1) {
        ossl::fail("cannot build a key from the private JWK");
    }
    const ossl::PkeyPtr key(raw);
    auto bio = ossl::new_mem_bio();
    if (PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1) {
        ossl::fail("cannot write the key from the private JWK");
    }
    return ossl::bio_text(bio.get());
}

std::string rsa_pem(const nlohmann::json& jwk) {
    BnParams p;
    p.push(OSSL_PKEY_PARAM_RSA_N, member(jwk, "n"));
    p.push(OSSL_PKEY_PARAM_RSA_E, member(jwk, "e"));
    p.push(OSSL_PKEY_PARAM_RSA_D, member(jwk, "d"));
    p.push(OSSL_PKEY_PARAM_RSA_FACTOR1, member(jwk, "p"));
    p.push(OSSL_PKEY_PARAM_RSA_FACTOR2, member(jwk, "q"));
    p.push(OSSL_PKEY_PARAM_RSA_EXPONENT1, member(jwk, "dp"));
    p.push(OSSL_PKEY_PARAM_RSA_EXPONENT2, member(jwk, "dq"));
    p.push(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, member(jwk, "qi"));
    return to_pkcs8_pem("RSA", p.bld.get());
}

std::string ec_pem(const nlohmann::json& jwk) {
    const auto crv = jwk.value("crv", "");
    const char* group = crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : nullptr;
    if (group == nullptr) {
        throw Error(ErrorKind::crypto, "private JWK with unsupported curve '" + crv + "'");
    }
    BnParams p;
    const std::string point = "\x04" + member(jwk, "x") + member(jwk, "y");
    if (OSSL_PARAM_BLD_push_utf8_string(p.bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(p.bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1) {
        ossl::fail("cannot read the private JWK");
    }
    p.push(OSSL_PKEY_PARAM_PRIV_KEY, member(jwk, "d"));
    return to_pkcs8_pem("EC", p.bld.get());
}

} // namespace

PrivateKey private_key_from_jwk(const nlohmann::json& jwk) {
    if (!jwk.is_object()) {
        throw Error(ErrorKind::crypto, "a private JWK must be a JSON object");
    }
    const auto kty = jwk.value("kty", "");
    if (kty == "RSA") {
        return PrivateKey::from_pem(rsa_pem(jwk));
    }
    if (kty == "EC") {
        return PrivateKey::from_pem(ec_pem(jwk));
    }
    throw Error(ErrorKind::crypto, "private JWK of unsupported type '" + kty + "'");
}

} // namespace acme::crypto
