#include "crypto/base64url.hpp"

#include "common/error.hpp"

#include <array>
#include <cstdint>

namespace acme::crypto {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Reverse table: value 0..63, or -1 for bytes outside the alphabet.
constexpr std::array<int8_t, 256> make_reverse() {
    std::array<int8_t, 256> table{};
    table.fill(-1);
    for (size_t i = 0; i < k_alphabet.size(); ++i)
        table[static_cast<unsigned char>(k_alphabet[i])] = static_cast<int8_t>(i);
    return table;
}
constexpr auto k_reverse = make_reverse();

int sextet(char c) {
    const int value = k_reverse[static_cast<unsigned char>(c)];
    if (value < 0)
        throw Error(ErrorKind::crypto, "invalid base64url character");
    return value;
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    uint32_t acc = 0;
    int bits = 0;
    for (const char c : bytes) {
        acc = (acc << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += k_alphabet[(acc >> bits) & 0x3f];
        }
    }
    // Remaining 2 or 4 bits go left-aligned into one last character; no '='.
    if (bits > 0)
        out += k_alphabet[(acc << (6 - bits)) & 0x3f];
    return out;
}

std::string base64url_decode(std::string_view text) {
    // One leftover character would carry only 6 bits: never a whole byte.
    if (text.size() % 4 == 1)
        throw Error(ErrorKind::crypto, "impossible base64url length");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        acc = ((acc << 6) | static_cast<uint32_t>(sextet(c))) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    // Strict: the unused low bits must be zero, so each byte string has
    // exactly one encoding (RFC 4648 §3.5 lets decoders reject the rest).
    if ((acc & ((1u << bits) - 1)) != 0)
        throw Error(ErrorKind::crypto, "non-canonical base64url ending");
    return out;
}

bool is_base64url(std::string_view text) {
    if (text.empty())
        return false;
    for (const char c : text)
        if (k_reverse[static_cast<unsigned char>(c)] < 0)
            return false;
    return true;
}

} // namespace acme::crypto
