// base64url (src/crypto/base64url.cpp) and, having no file of their own, the
// two functions of src/crypto/digest.cpp.
#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>

using acme::ErrorKind;
using namespace acme::crypto;

namespace {

template <class F> std::optional<ErrorKind> thrown_kind(F&& f) {
    try {
        f();
    } catch (const acme::Error& e) {
        return e.kind();
    }
    return std::nullopt;
}

std::string random_bytes(std::mt19937& rng, size_t size) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::string out(size, '\0');
    for (auto& c : out)
        c = static_cast<char>(byte(rng));
    return out;
}

} // namespace

TEST_CASE("base64url encodes the RFC 4648 section 10 vectors without padding", "[crypto]") {
    const std::pair<std::string, std::string> vectors[] = {
        {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
        {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64url_encode(plain) == encoded);
        CHECK(base64url_decode(encoded) == plain);
    }
}

TEST_CASE("base64url uses '-' and '_' where base64 uses '+' and '/'", "[crypto]") {
    const std::string bytes{'\xfb', '\xff'};
    CHECK(base64url_encode(bytes) == "-_8"); // base64: "+/8="
    CHECK(base64url_decode("-_8") == bytes);
    CHECK(base64url_encode(std::string(3, '\xff')) == "____");
    CHECK(base64url_encode(std::string{'\xfb', '\xef', '\xbe'}) == "----");
}

TEST_CASE("base64url round-trips every byte value and random lengths", "[crypto]") {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += static_cast<char>(i);
    CHECK(base64url_decode(base64url_encode(all)) == all);

    std::mt19937 rng(7638);
    for (size_t size = 0; size < 200; ++size) {
        const std::string bytes = random_bytes(rng, size);
        const std::string text = base64url_encode(bytes);
        INFO("size " << size);
        CHECK(text.size() == (size * 4 + 2) / 3);
        CHECK(text.find('=') == std::string::npos);
        CHECK(base64url_decode(text) == bytes);
    }
}

TEST_CASE("base64url_decode is strict", "[crypto]") {
    const char* bad[] = {
        "Zg==",    "Zm8=", "Zg=",    // padding
        "ab+c",    "ab/c",           // plain base64 alphabet
        "Zm 9v",   " Zg",  "Zg\n",   // whitespace
        "Zm9vY",   "a",              // length 1 mod 4 cannot carry a whole byte
        "Zh",      "Zm9",  "Zm9vYh", // non-zero unused bits: not the canonical encoding
        "Zm\x80v",
    };
    for (const char* text : bad) {
        INFO("input \"" << text << "\"");
        CHECK(thrown_kind([&] { base64url_decode(text); }) == ErrorKind::crypto);
    }
}

TEST_CASE("is_base64url accepts only the URL-safe alphabet, non-empty", "[crypto]") {
    CHECK(is_base64url("abcXYZ019-_"));
    CHECK(is_base64url("LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0"));
    CHECK_FALSE(is_base64url(""));
    CHECK_FALSE(is_base64url("abc="));
    CHECK_FALSE(is_base64url("a+b"));
    CHECK_FALSE(is_base64url("a/b"));
    CHECK_FALSE(is_base64url("a b"));
    CHECK_FALSE(is_base64url("../etc"));
}

TEST_CASE("sha256 and hex give the FIPS 180-2 digest of \"abc\"", "[crypto]") {
    CHECK(sha256("abc").size() == 32);
    CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex(std::string{'\x00', '\x0f', '\xa0', '\xff'}) == "000fa0ff");
    CHECK(hex("") == "");
}
