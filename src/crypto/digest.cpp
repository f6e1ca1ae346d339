#include "crypto/digest.hpp"

#include "crypto/ossl.hpp"

#include <array>
#include <openssl/evp.h>

namespace acme::crypto {

std::string sha256(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr) != 1)
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
