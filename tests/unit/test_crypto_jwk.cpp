#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"
#include "crypto/jwk.hpp"

#include <catch2/catch.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <optional>
#include <string>

using acme::ErrorKind;
using nlohmann::json;
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

// RFC 7638 §3.1, including the members the thumbprint must ignore.
const json k_rfc7638_key = {
    {"kty", "RSA"},
    {"n",
     "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
     "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
     "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4v"
     "MQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"},
    {"e", "AQAB"},
    {"alg", "RS256"},
    {"kid", "2011-04-29"},
};

// The uncompressed public point 04||x||y, read through a different OpenSSL
// path than the one public_jwk uses.
std::string encoded_point(const PrivateKey& key) {
    unsigned char buf[1 + 2 * 48];
    size_t len = 0;
    REQUIRE(EVP_PKEY_get_octet_string_param(key.native(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf,
                                            sizeof buf, &len) == 1);
    return {reinterpret_cast<const char*>(buf), len};
}

std::vector<std::string> member_names(const json& object) {
    std::vector<std::string> names;
    for (const auto& item : object.items())
        names.push_back(item.key());
    return names;
}

void check_ec_jwk(const PrivateKey& key, const char* crv, size_t width) {
    const json jwk = public_jwk(key);
    CHECK(member_names(jwk) == std::vector<std::string>{"crv", "kty", "x", "y"});
    CHECK(jwk["kty"] == "EC");
    CHECK(jwk["crv"] == crv);
    const std::string x = base64url_decode(jwk["x"].get<std::string>());
    const std::string y = base64url_decode(jwk["y"].get<std::string>());
    CHECK(x.size() == width);
    CHECK(y.size() == width);
    CHECK(encoded_point(key) == "\x04" + x + y);
}

} // namespace

TEST_CASE("JWK thumbprint of the RFC 7638 section 3.1 example", "[crypto]") {
    CHECK(jwk_thumbprint(k_rfc7638_key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST_CASE("JWK thumbprint hashes the canonical JSON of the required members", "[crypto]") {
    const json jwk = {{"y", "YY"}, {"x", "XX"}, {"kty", "EC"}, {"crv", "P-256"}, {"use", "sig"}};
    const std::string canonical = R"({"crv":"P-256","kty":"EC","x":"XX","y":"YY"})";
    CHECK(jwk_thumbprint(jwk) == base64url_encode(sha256(canonical)));
}

TEST_CASE("JWK thumbprint needs every required member", "[crypto]") {
    json no_e = k_rfc7638_key;
    no_e.erase("e");
    CHECK(thrown_kind([&] { jwk_thumbprint(no_e); }) == ErrorKind::crypto);
    json number_e = k_rfc7638_key;
    number_e["e"] = 65537;
    CHECK(thrown_kind([&] { jwk_thumbprint(number_e); }) == ErrorKind::crypto);
    const json ec_no_y = {{"kty", "EC"}, {"crv", "P-256"}, {"x", "XX"}};
    CHECK(thrown_kind([&] { jwk_thumbprint(ec_no_y); }) == ErrorKind::crypto);
    CHECK(thrown_kind([&] { jwk_thumbprint(json{{"kty", "XYZ"}}); }) == ErrorKind::crypto);
    CHECK(thrown_kind([&] { jwk_thumbprint(json::array()); }) == ErrorKind::crypto);
}

TEST_CASE("EC JWKs carry crv, kty, x, y with field-size coordinates", "[crypto]") {
    check_ec_jwk(PrivateKey::generate(KeyType::ec256), "P-256", 32);
    check_ec_jwk(PrivateKey::generate(KeyType::ec384), "P-384", 48);
}

TEST_CASE("EC JWK coordinates keep their leading zero bytes", "[crypto]") {
    // About 1 P-256 key in 128 has a coordinate starting with 0x00; without
    // padding its JWK coordinate would decode to 31 bytes.
    for (int attempt = 0; attempt < 5000; ++attempt) {
        const auto key = PrivateKey::generate(KeyType::ec256);
        const std::string point = encoded_point(key);
        if (point[1] != '\0' && point[33] != '\0')
            continue;
        check_ec_jwk(key, "P-256", 32);
        return;
    }
    FAIL("no key with a leading zero coordinate in 5000 tries");
}

TEST_CASE("RSA JWKs carry e, kty, n as minimal integers", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::rsa2048);
    const json jwk = public_jwk(key);
    CHECK(member_names(jwk) == std::vector<std::string>{"e", "kty", "n"});
    CHECK(jwk["kty"] == "RSA");
    CHECK(jwk["e"] == "AQAB"); // 65537, no leading zeros
    const std::string n = base64url_decode(jwk["n"].get<std::string>());
    CHECK(n.size() == 256);
    CHECK(n[0] != '\0');
}

TEST_CASE("jwk_thumbprint of a key equals that of its public JWK", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::ec256);
    const std::string thumbprint = jwk_thumbprint(key);
    CHECK(thumbprint == jwk_thumbprint(public_jwk(key)));
    CHECK(base64url_decode(thumbprint).size() == 32);
    CHECK(thumbprint != jwk_thumbprint(PrivateKey::generate(KeyType::ec256)));
}

namespace {

// The private JWK of key, as certbot writes its account keys.
json private_jwk(const PrivateKey& key) {
    auto bn = [&](const char* name) {
        BIGNUM* raw = nullptr;
        REQUIRE(EVP_PKEY_get_bn_param(key.native(), name, &raw) == 1);
        std::string bytes(static_cast<size_t>(BN_num_bytes(raw)), '\0');
        BN_bn2bin(raw, reinterpret_cast<unsigned char*>(bytes.data()));
        BN_free(raw);
        return base64url_encode(bytes);
    };
    auto jwk = public_jwk(key);
    if (jwk["kty"] == "RSA") {
        jwk["d"] = bn(OSSL_PKEY_PARAM_RSA_D);
        jwk["p"] = bn(OSSL_PKEY_PARAM_RSA_FACTOR1);
        jwk["q"] = bn(OSSL_PKEY_PARAM_RSA_FACTOR2);
        jwk["dp"] = bn(OSSL_PKEY_PARAM_RSA_EXPONENT1);
        jwk["dq"] = bn(OSSL_PKEY_PARAM_RSA_EXPONENT2);
        jwk["qi"] = bn(OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
    } else {
        jwk["d"] = bn(OSSL_PKEY_PARAM_PRIV_KEY);
    }
    return jwk;
}

} // namespace

TEST_CASE("a private JWK gives back the same key", "[crypto][jwk]") {
    for (auto type : {KeyType::rsa2048, KeyType::ec256, KeyType::ec384}) {
        const auto key = PrivateKey::generate(type);
        const auto back = private_key_from_jwk(private_jwk(key));
        CHECK(back.type() == type);
        CHECK(back.public_pem() == key.public_pem());
        CHECK(jwk_thumbprint(back) == jwk_thumbprint(key));
    }
}

TEST_CASE("a private JWK without its private part is refused", "[crypto][jwk]") {
    const auto key = PrivateKey::generate(KeyType::ec256);
    CHECK(thrown_kind([&] { private_key_from_jwk(public_jwk(key)); }) == ErrorKind::crypto);
    CHECK(thrown_kind([&] {
              private_key_from_jwk(json{{"kty", "oct"}, {"k", "AAAA"}});
          }) == ErrorKind::crypto);
    auto rsa = private_jwk(PrivateKey::generate(KeyType::rsa2048));
    rsa.erase("qi");
    CHECK(thrown_kind([&] { private_key_from_jwk(rsa); }) == ErrorKind::crypto);
}
