#include "crypto/signer.hpp"

#include "common/error.hpp"
#include "crypto/jwk.hpp"
#include "crypto/ossl.hpp"

namespace acme::crypto {

namespace {

// One-shot EVP_DigestSign: DER ECDSA-Sig-Value for EC, PKCS#1 v1.5 for RSA.
std::string digest_sign(const PrivateKey& key, std::string_view data) {
    const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx)
        ossl::fail("cannot allocate digest context");
    if (EVP_DigestSignInit(ctx.get(), nullptr, ossl::jws_digest(key.type()), nullptr,
                           key.native()) != 1)
        ossl::fail("cannot start signing");
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    size_t len = 0;
    if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1)
        ossl::fail("cannot size signature");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                       data.size()) != 1)
        ossl::fail("signing failed");
    sig.resize(len);
    return sig;
}

} // namespace

KeySigner::KeySigner(PrivateKey key)
    : m_key(std::move(key)), m_jwk(public_jwk(m_key)), m_thumbprint(jwk_thumbprint(m_jwk)) {}

std::string KeySigner::alg() const {
    return jws_alg(m_key.type());
}

std::string KeySigner::sign(std::string_view data) const {
    std::string sig = digest_sign(m_key, data);
    if (!ossl::is_ec(m_key.type()))
        return sig;
    // JWS wants fixed-size r||s, not the DER that OpenSSL produces.
    return ossl::ecdsa_der_to_raw(sig, ossl::ec_field_bytes(m_key.native()));
}

std::string jws_alg(KeyType type) {
    switch (type) {
    case KeyType::ec256:
        return "ES256";
    case KeyType::ec384:
        return "ES384";
    case KeyType::rsa2048:
    case KeyType::rsa3072:
    case KeyType::rsa4096:
        return "RS256";
    }
    throw Error(ErrorKind::crypto, "unknown key type");
}

} // namespace acme::crypto
