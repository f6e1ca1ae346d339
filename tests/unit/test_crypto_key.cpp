#include "common/error.hpp"
#include "crypto/key.hpp"
#include "crypto/ossl.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <optional>
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

// PKCS#8 PEM of a key generated directly with OpenSSL (types we must refuse).
std::string foreign_key_pem(EVP_PKEY* raw) {
    const ossl::PkeyPtr key(raw);
    REQUIRE(key);
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
            1);
    return ossl::bio_text(bio.get());
}

std::string traditional_pem(const PrivateKey& key) {
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), key.native(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) == 1);
    return ossl::bio_text(bio.get());
}

struct Expected {
    KeyType type;
    const char* name;
    int base_id;
    int bits;
};
const Expected k_types[] = {
    {KeyType::ec256, "ec256", EVP_PKEY_EC, 256},
    {KeyType::ec384, "ec384", EVP_PKEY_EC, 384},
    {KeyType::rsa2048, "rsa2048", EVP_PKEY_RSA, 2048},
    {KeyType::rsa3072, "rsa3072", EVP_PKEY_RSA, 3072},
    {KeyType::rsa4096, "rsa4096", EVP_PKEY_RSA, 4096},
};

} // namespace

TEST_CASE("parse_key_type accepts exactly the five Let's Encrypt key types", "[crypto]") {
    for (const auto& t : k_types) {
        CHECK(parse_key_type(t.name) == t.type);
        CHECK(key_type_name(t.type) == t.name);
    }
    for (const char* name : {"", "EC256", "ec", "ec521", "p256", "rsa", "rsa1024", "rsa8192",
                             "ed25519", "rsa2048 ", "ecdsa"})
        CHECK_FALSE(parse_key_type(name).has_value());
}

TEST_CASE("every key type generates and round-trips through PKCS#8 PEM", "[crypto]") {
    for (const auto& t : k_types) {
        INFO(t.name);
        const PrivateKey key = PrivateKey::generate(t.type);
        CHECK(key.type() == t.type);
        CHECK(EVP_PKEY_get_base_id(key.native()) == t.base_id);
        CHECK(EVP_PKEY_get_bits(key.native()) == t.bits);

        const std::string pem = key.to_pem();
        CHECK(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);
        const PrivateKey back = PrivateKey::from_pem(pem);
        CHECK(back.type() == t.type);
        CHECK(EVP_PKEY_eq(back.native(), key.native()) == 1);
        CHECK(back.to_pem() == pem);

        const std::string pub = key.public_pem();
        CHECK(pub.rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
        CHECK(pub.find("PRIVATE") == std::string::npos);
        CHECK(back.public_pem() == pub);
    }
}

TEST_CASE("two generated keys differ", "[crypto]") {
    const auto a = PrivateKey::generate(KeyType::ec256);
    const auto b = PrivateKey::generate(KeyType::ec256);
    CHECK(a.public_pem() != b.public_pem());
}

TEST_CASE("from_pem reads traditional EC and RSA PEM too", "[crypto]") {
    const auto ec = PrivateKey::generate(KeyType::ec384);
    const std::string ec_pem = traditional_pem(ec);
    REQUIRE(ec_pem.find("BEGIN EC PRIVATE KEY") != std::string::npos);
    CHECK(PrivateKey::from_pem(ec_pem).type() == KeyType::ec384);

    const auto rsa = PrivateKey::generate(KeyType::rsa2048);
    const std::string rsa_pem = traditional_pem(rsa);
    REQUIRE(rsa_pem.find("BEGIN RSA PRIVATE KEY") != std::string::npos);
    CHECK(PrivateKey::from_pem(rsa_pem).type() == KeyType::rsa2048);
}

TEST_CASE("from_pem refuses key types the CA refuses", "[crypto]") {
    const std::string rsa1024 =
        foreign_key_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
    CHECK(thrown_kind([&] { PrivateKey::from_pem(rsa1024); }) == ErrorKind::crypto);
    CHECK_THROWS_WITH(PrivateKey::from_pem(rsa1024), Catch::Contains("1024"));

    const std::string p521 = foreign_key_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"));
    CHECK(thrown_kind([&] { PrivateKey::from_pem(p521); }) == ErrorKind::crypto);

    const std::string ed25519 = foreign_key_pem(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    CHECK(thrown_kind([&] { PrivateKey::from_pem(ed25519); }) == ErrorKind::crypto);
}

TEST_CASE("from_pem rejects garbage with a crypto error", "[crypto]") {
    const std::string pem = PrivateKey::generate(KeyType::ec256).to_pem();
    std::string corrupt = pem;
    corrupt[40] = corrupt[40] == 'A' ? 'B' : 'A';
    for (const std::string& text :
         {std::string(), std::string("not a key"), pem.substr(0, pem.size() / 2), corrupt,
          PrivateKey::generate(KeyType::ec256).public_pem()}) {
        CHECK(thrown_kind([&] { PrivateKey::from_pem(text); }) == ErrorKind::crypto);
    }
}

TEST_CASE("from_pem fails on an encrypted key instead of prompting", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::ec256);
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    char pass[] = "secret";
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.native(), EVP_aes_256_cbc(), pass, 6,
                                          nullptr, nullptr) == 1);
    const std::string pem = ossl::bio_text(bio.get());
    REQUIRE(pem.find("ENCRYPTED") != std::string::npos);
    CHECK(thrown_kind([&] { PrivateKey::from_pem(pem); }) == ErrorKind::crypto);
}
