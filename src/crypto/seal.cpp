#include "crypto/seal.hpp"

#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/openssl_error.hpp"

#include <memory>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace acme::crypto {

namespace {

constexpr std::string_view k_prefix = "acmectl-sealed-v1:";
constexpr int k_nonce = 12;
constexpr int k_tag = 16;

struct CtxDeleter {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes(std::string& text) {
    return reinterpret_cast<unsigned char*>(text.data());
}

void check_key(std::string_view key) {
    if (key.size() != k_fleet_key_bytes)
        throw Error(ErrorKind::crypto,
                    "the fleet key must be 32 bytes, not " + std::to_string(key.size()));
}

// A fresh context keyed for encrypt or decrypt with the nonce and AAD fed in.
Ctx start(bool encrypt, std::string_view key, std::string_view nonce, std::string_view aad) {
    Ctx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    if (!ctx ||
        EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr,
                          encrypt ? 1 : 0) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, k_nonce, nullptr) != 1 ||
        EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce), -1) != 1 ||
        EVP_CipherUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) != 1)
        throw_openssl_error("cannot set up AES-256-GCM");
    return ctx;
}

} // namespace

bool is_sealed(std::string_view text) {
    return text.starts_with(k_prefix);
}

std::string random_fleet_key() {
    std::string key(k_fleet_key_bytes, '\0');
    if (RAND_bytes(bytes(key), static_cast<int>(key.size())) != 1)
        throw_openssl_error("cannot read the OS random source");
    return key;
}

std::string seal(std::string_view key, std::string_view plaintext, std::string_view aad) {
    check_key(key);
    std::string nonce(k_nonce, '\0');
    if (RAND_bytes(bytes(nonce), k_nonce) != 1)
        throw_openssl_error("cannot read the OS random source");
    Ctx ctx = start(true, key, nonce, aad);
    std::string out = nonce + std::string(plaintext.size() + k_tag, '\0');
    int len = 0;
    int tail = 0;
    if (EVP_CipherUpdate(ctx.get(), bytes(out) + k_nonce, &len, bytes(plaintext),
                         static_cast<int>(plaintext.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), bytes(out) + k_nonce + len, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, k_tag,
                            bytes(out) + k_nonce + len + tail) != 1)
        throw_openssl_error("cannot seal " + std::string(aad));
    return std::string(k_prefix) + base64url_encode(out);
}

std::string unseal(std::string_view key, std::string_view sealed, std::string_view aad) {
    check_key(key);
    const std::string what = "cannot open sealed " + std::string(aad);
    if (!is_sealed(sealed) || !is_base64url(sealed.substr(k_prefix.size())))
        throw Error(ErrorKind::crypto, what + ": it is not a sealed value");
    std::string raw = base64url_decode(sealed.substr(k_prefix.size()));
    if (raw.size() < static_cast<std::size_t>(k_nonce + k_tag))
        throw Error(ErrorKind::crypto, what + ": it is truncated");
    const auto body = raw.size() - k_nonce - k_tag;
    Ctx ctx = start(false, key, std::string_view(raw).substr(0, k_nonce), aad);
    std::string out(body, '\0');
    int len = 0;
    int tail = 0;
    std::string tag = raw.substr(k_nonce + body);
    if (EVP_CipherUpdate(ctx.get(), bytes(out), &len, bytes(raw) + k_nonce,
                         static_cast<int>(body)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, k_tag, bytes(tag)) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), bytes(out) + len, &tail) != 1) {
        ERR_clear_error(); // a failed tag check is expected here, not an OpenSSL fault
        throw Error(ErrorKind::crypto,
                    what + ": wrong fleet key, or the value was moved or altered");
    }
    return out;
}

} // namespace acme::crypto
