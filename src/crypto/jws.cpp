#include "crypto/jws.hpp"

#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/ossl.hpp"

#include <array>

namespace acme::crypto {

namespace {

nlohmann::json flattened(const std::string& protected64, const std::string& payload64,
                         const std::string& signature) {
    return {{"protected", protected64},
            {"payload", payload64},
            {"signature", base64url_encode(signature)}};
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    size_t len = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                  reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
                  mac.size(), &len) == nullptr)
        ossl::fail("HMAC-SHA256 failed");
    return {reinterpret_cast<const char*>(mac.data()), len};
}

// The CA hands out the EAB key; a bad one is the user's input, hence usage.
std::string decode_hmac_key(const std::string& hmac_key_b64url) {
    if (!is_base64url(hmac_key_b64url))
        throw Error(ErrorKind::usage, "EAB HMAC key is empty or not base64url");
    try {
        return base64url_decode(hmac_key_b64url);
    } catch (const Error&) {
        throw Error(ErrorKind::usage, "EAB HMAC key is not valid base64url");
    }
}

// OpenSSL verifies ECDSA in DER; JWS carries r||s. Empty: not a valid shape.
std::string native_signature(const PrivateKey& key, std::string_view signature) {
    if (!ossl::is_ec(key.type()))
        return std::string(signature);
    return ossl::ecdsa_raw_to_der(signature, ossl::ec_field_bytes(key.native()));
}

} // namespace

nlohmann::json make_jws(const Signer& signer, nlohmann::json protected_header,
                        std::string_view payload) {
    protected_header["alg"] = signer.alg();
    const std::string protected64 = base64url_encode(protected_header.dump());
    const std::string payload64 = base64url_encode(payload);
    return flattened(protected64, payload64, signer.sign(protected64 + "." + payload64));
}

nlohmann::json make_eab_jws(const std::string& kid, const std::string& hmac_key_b64url,
                            const std::string& url, const nlohmann::json& account_jwk) {
    const std::string key = decode_hmac_key(hmac_key_b64url);
    const nlohmann::json header = {{"alg", "HS256"}, {"kid", kid}, {"url", url}};
    const std::string protected64 = base64url_encode(header.dump());
    const std::string payload64 = base64url_encode(account_jwk.dump());
    return flattened(protected64, payload64, hmac_sha256(key, protected64 + "." + payload64));
}

bool verify_signature(const PrivateKey& key, std::string_view data, std::string_view signature) {
    const std::string sig = native_signature(key, signature);
    if (sig.empty())
        return false;
    const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx)
        ossl::fail("cannot allocate digest context");
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, ossl::jws_digest(key.type()), nullptr,
                             key.native()) != 1)
        ossl::fail("cannot start verification");
    const int rc =
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(data.data()), data.size());
    // A bad signature queues an OpenSSL error; it is an answer, not a failure.
    ossl::clear_errors();
    return rc == 1;
}

} // namespace acme::crypto
