#include "crypto/digest.hpp"

#include "crypto/ossl.hpp"

#include <array>
#include <cstdint>
#include <openssl/evp.h>

namespace acme::crypto {

std::string sha256(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
        ossl::fail("SHA-256 failed");
    return {reinterpret_cast<const char*>(md.data()), len};
}

std::string sha256_parts(std::initializer_list<std::string_view> parts) {
    const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        ossl::fail("SHA-256 failed");
    for (const auto part : parts) {
        std::array<unsigned char, 8> size{};
        for (std::size_t i = 0; i < size.size(); ++i)
            size[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(part.size()) >> (8 * i));
        if (EVP_DigestUpdate(ctx.get(), size.data(), size.size()) != 1 ||
            EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1)
            ossl::fail("SHA-256 failed");
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1)
        ossl::fail("SHA-256 failed");
    return {reinterpret_cast<const char*>(md.data()), len};
}

std::string hex(std::string_view bytes) {
    static constexpr std::string_view k_digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += k_digits[b >> 4];
        out += k_digits[b & 0x0f];
    }
    return out;
}

} // namespace acme::crypto
