#include "common/error.hpp"
#include "crypto/digest.hpp"
#include "crypto/ossl.hpp"
#include "crypto/x509.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <optional>
#include <string>
#include <vector>

using acme::ErrorKind;
using namespace acme::crypto;
using namespace std::chrono;

namespace {

template <class F> std::optional<ErrorKind> thrown_kind(F&& f) {
    try {
        f();
    } catch (const acme::Error& e) {
        return e.kind();
    }
    return std::nullopt;
}

const std::string k_aki{'\x01', '\x02', '\x03', '\x04', '\x05', '\x06', '\x07',
                        '\x08', '\x09', '\x0a', '\x0b', '\x0c', '\x0d', '\x0e',
                        '\x0f', '\x10', '\x11', '\x12', '\x13', '\x14'};
// High bit set: the DER INTEGER needs a leading 0x00 to stay positive.
const std::string k_serial{'\x8a', '\xbc', '\x01', '\x23'};

void set_name(X509_NAME* name, const char* cn, const char* org) {
    const auto* o = reinterpret_cast<const unsigned char*>(org);
    const auto* c = reinterpret_cast<const unsigned char*>(cn);
    REQUIRE(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, o, -1, -1, 0) == 1);
    REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, c, -1, -1, 0) == 1);
}

void set_serial(X509* cert, const std::string& bytes) {
    const ossl::BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                   static_cast<int>(bytes.size()), nullptr));
    REQUIRE(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr);
}

void add_aki(X509* cert, const std::string& keyid) {
    const ossl::Ptr<AUTHORITY_KEYID, AUTHORITY_KEYID_free> akid(AUTHORITY_KEYID_new());
    akid->keyid = ASN1_OCTET_STRING_new();
    REQUIRE(ASN1_OCTET_STRING_set(akid->keyid, reinterpret_cast<const unsigned char*>(keyid.data()),
                                  static_cast<int>(keyid.size())) == 1);
    REQUIRE(X509_add1_ext_i2d(cert, NID_authority_key_identifier, akid.get(), 0,
                              X509V3_ADD_DEFAULT) == 1);
}

void add_san(X509* cert, const char* value) {
    const ossl::Ptr<X509_EXTENSION, X509_EXTENSION_free> ext(
        X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, value));
    REQUIRE(ext);
    REQUIRE(X509_add_ext(cert, ext.get(), -1) == 1);
}

struct CertSpec {
    const PrivateKey* key;
    const PrivateKey* issuer_key;
    const char* cn;
    const char* org;
    const char* issuer_cn;
    const char* issuer_org;
    const char* not_before;
    const char* not_after;
    const char* san; // nullptr: no SAN
    bool with_aki;
};

ossl::X509Ptr build(const CertSpec& spec) {
    ossl::X509Ptr cert(X509_new());
    REQUIRE(X509_set_version(cert.get(), X509_VERSION_3) == 1);
    set_serial(cert.get(), k_serial);
    set_name(X509_get_subject_name(cert.get()), spec.cn, spec.org);
    set_name(X509_get_issuer_name(cert.get()), spec.issuer_cn, spec.issuer_org);
    REQUIRE(ASN1_TIME_set_string_X509(X509_getm_notBefore(cert.get()), spec.not_before) == 1);
    REQUIRE(ASN1_TIME_set_string_X509(X509_getm_notAfter(cert.get()), spec.not_after) == 1);
    REQUIRE(X509_set_pubkey(cert.get(), spec.key->native()) == 1);
    if (spec.san != nullptr)
        add_san(cert.get(), spec.san);
    if (spec.with_aki)
        add_aki(cert.get(), k_aki);
    REQUIRE(X509_sign(cert.get(), spec.issuer_key->native(), EVP_sha256()) > 0);
    return cert;
}

std::string pem_of(X509* cert) {
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509(bio.get(), cert) == 1);
    return ossl::bio_text(bio.get());
}

std::string der_of(X509* cert) {
    unsigned char* der = nullptr;
    const int len = i2d_X509(cert, &der);
    REQUIRE(len > 0);
    std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    return out;
}

struct Fixture {
    PrivateKey ca_key = PrivateKey::generate(KeyType::ec384);
    PrivateKey leaf_key = PrivateKey::generate(KeyType::ec256);
    ossl::X509Ptr ca = build({&ca_key, &ca_key, "Test Root CA", "Acme Test", "Test Root CA",
                              "Acme Test", "20240101000000Z", "20510101000000Z", nullptr, false});
    // A validity end past 2049 is a GeneralizedTime, before it a UTCTime.
    ossl::X509Ptr leaf =
        build({&leaf_key, &ca_key, "example.com", "Example Org", "Test Root CA", "Acme Test",
               "20240102030405Z", "20240401030405Z",
               "DNS:example.com,DNS:www.example.com,IP:192.0.2.1,IP:2001:db8::1", true});
};

} // namespace

TEST_CASE("read_certificate reports every CertInfo field", "[crypto]") {
    const Fixture f;
    const std::string pem = pem_of(f.leaf.get());
    const CertInfo info = read_certificate(pem);

    CHECK(info.subject == "CN=example.com,O=Example Org");
    CHECK(info.subject_cn == "example.com");
    CHECK(info.issuer == "CN=Test Root CA,O=Acme Test");
    CHECK(info.issuer_cn == "Test Root CA");
    CHECK(info.serial_hex == "8abc0123");
    CHECK(info.serial_der == '\0' + k_serial);
    CHECK(info.aki_keyid == k_aki);
    CHECK(info.sans ==
          std::vector<std::string>{"example.com", "www.example.com", "192.0.2.1", "2001:db8::1"});
    CHECK(info.not_before == sys_days{2024y / January / 2} + 3h + 4min + 5s);
    CHECK(info.not_after == sys_days{2024y / April / 1} + 3h + 4min + 5s);

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    REQUIRE(X509_digest(f.leaf.get(), EVP_sha256(), md, &md_len) == 1);
    CHECK(info.sha256_hex == hex(std::string(reinterpret_cast<const char*>(md), md_len)));
    CHECK(info.sha256_hex.size() == 64);
}

TEST_CASE("read_certificate reads DER the same as PEM", "[crypto]") {
    const Fixture f;
    const CertInfo from_pem = read_certificate(pem_of(f.leaf.get()));
    const CertInfo from_der = read_certificate(der_of(f.leaf.get()));
    CHECK(from_der.subject == from_pem.subject);
    CHECK(from_der.serial_der == from_pem.serial_der);
    CHECK(from_der.sans == from_pem.sans);
    CHECK(from_der.not_after == from_pem.not_after);
    CHECK(from_der.sha256_hex == from_pem.sha256_hex);
}

TEST_CASE("read_certificate leaves absent fields empty and reads GeneralizedTime", "[crypto]") {
    const Fixture f;
    const CertInfo info = read_certificate(pem_of(f.ca.get()));
    CHECK(info.subject_cn == "Test Root CA");
    CHECK(info.aki_keyid.empty());
    CHECK(info.sans.empty());
    CHECK(info.not_before == sys_days{2024y / January / 1});
    CHECK(info.not_after == sys_days{2051y / January / 1});
}

TEST_CASE("read_certificate rejects garbage", "[crypto]") {
    const Fixture f;
    const std::string der = der_of(f.leaf.get());
    for (const std::string& text :
         {std::string(), std::string("garbage"), der.substr(0, 100), f.leaf_key.public_pem()}) {
        CHECK(thrown_kind([&] { read_certificate(text); }) == ErrorKind::crypto);
    }
}

TEST_CASE("split_pem_chain splits a bundle into its certificates, in order", "[crypto]") {
    const Fixture f;
    const std::string leaf = pem_of(f.leaf.get());
    const std::string ca = pem_of(f.ca.get());
    const auto certs = split_pem_chain(leaf + "\n" + ca);
    REQUIRE(certs.size() == 2);
    CHECK(certs[0] == leaf);
    CHECK(certs[1] == ca);
    CHECK(read_certificate(certs[0]).subject_cn == "example.com");
    CHECK(read_certificate(certs[1]).subject_cn == "Test Root CA");

    CHECK(split_pem_chain("subject=CN = example.com\n" + leaf).size() == 1);
}

TEST_CASE("split_pem_chain rejects text without certificates or with other blocks", "[crypto]") {
    const Fixture f;
    const std::string leaf = pem_of(f.leaf.get());
    for (const std::string& text : {std::string(), std::string("no pem here"),
                                    leaf + f.leaf_key.to_pem(), f.leaf_key.public_pem()}) {
        CHECK(thrown_kind([&] { split_pem_chain(text); }) == ErrorKind::crypto);
    }
}

TEST_CASE("key_matches_certificate compares the certificate's public key", "[crypto]") {
    const Fixture f;
    const std::string leaf = pem_of(f.leaf.get());
    CHECK(key_matches_certificate(f.leaf_key, leaf));
    CHECK_FALSE(key_matches_certificate(f.ca_key, leaf));
    CHECK_FALSE(key_matches_certificate(PrivateKey::generate(KeyType::ec256), leaf));
    CHECK_FALSE(key_matches_certificate(PrivateKey::generate(KeyType::rsa2048), leaf));
    CHECK(key_matches_certificate(f.ca_key, pem_of(f.ca.get())));
}

namespace {

std::string traditional_pem(const PrivateKey& key) {
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PrivateKey_traditional(bio.get(), key.native(), nullptr, nullptr, 0,
                                                 nullptr, nullptr) == 1);
    return ossl::bio_text(bio.get());
}

bool lineage_key_matches(const Fixture& f, X509* leaf, const std::string& key_pem) {
    const std::string leaf_pem = pem_of(leaf);
    const std::string chain = pem_of(f.ca.get());
    return verify_lineage_files(leaf_pem, chain, leaf_pem + chain, key_pem).key_matches;
}

} // namespace

// check decodes privkey.pem as the certificate's key type first (issue #20):
// that shortcut must not change a verdict, whatever the key's type or form.
TEST_CASE("verify_lineage_files matches the key whatever its type and PEM form", "[crypto]") {
    const Fixture f;
    const auto other_ec = PrivateKey::generate(KeyType::ec256);
    const auto rsa = PrivateKey::generate(KeyType::rsa2048);
    const auto rsa_leaf =
        build({&rsa, &f.ca_key, "example.com", "Example Org", "Test Root CA", "Acme Test",
               "20240102030405Z", "20240401030405Z", "DNS:example.com", true});

    CHECK(lineage_key_matches(f, f.leaf.get(), f.leaf_key.to_pem()));
    CHECK(lineage_key_matches(f, f.leaf.get(), traditional_pem(f.leaf_key)));
    CHECK_FALSE(lineage_key_matches(f, f.leaf.get(), other_ec.to_pem()));
    CHECK_FALSE(lineage_key_matches(f, f.leaf.get(), rsa.to_pem())); // another type: loads, differs
    CHECK(lineage_key_matches(f, rsa_leaf.get(), rsa.to_pem()));
    CHECK(lineage_key_matches(f, rsa_leaf.get(), traditional_pem(rsa)));
    CHECK_FALSE(lineage_key_matches(f, rsa_leaf.get(), f.leaf_key.to_pem()));

    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    char pass[] = "secret";
    REQUIRE(PEM_write_bio_PKCS8PrivateKey(bio.get(), f.leaf_key.native(), EVP_aes_256_cbc(), pass,
                                          6, nullptr, nullptr) == 1);
    const std::string encrypted = ossl::bio_text(bio.get());
    for (const std::string& bad : {encrypted, std::string("not a key")}) {
        CHECK(thrown_kind([&] { lineage_key_matches(f, f.leaf.get(), bad); }) == ErrorKind::crypto);
    }
}

// The issuer of chain.pem and the key decoders are kept from one lineage to
// the next (issue #20): each lineage must still get its own verdict.
TEST_CASE("verify_lineage_files judges each lineage by its own files, in any order", "[crypto]") {
    const Fixture f;
    const auto other_ca_key = PrivateKey::generate(KeyType::ec256);
    const auto other_ca =
        build({&other_ca_key, &other_ca_key, "Test Root CA", "Acme Test", "Test Root CA",
               "Acme Test", "20240101000000Z", "20510101000000Z", nullptr, false});
    const std::string leaf = pem_of(f.leaf.get());
    const std::string chain = pem_of(f.ca.get());
    const std::string impostor = pem_of(other_ca.get()); // same names, another key
    std::vector<PrivateKey> keys;
    for (int i = 0; i < 3; ++i) {
        keys.push_back(PrivateKey::generate(KeyType::ec256));
    }
    for (int round = 0; round < 2; ++round) {
        CHECK(verify_lineage_files(leaf, chain, leaf + chain, "").chain_issued_leaf);
        CHECK_FALSE(verify_lineage_files(leaf, impostor, leaf + impostor, "").chain_issued_leaf);
        for (const auto& key : keys) {
            CHECK_FALSE(lineage_key_matches(f, f.leaf.get(), key.to_pem()));
            CHECK(lineage_key_matches(f, f.leaf.get(), f.leaf_key.to_pem()));
        }
    }
    CHECK(thrown_kind([&] { verify_lineage_files(leaf, "garbage", leaf, ""); }) ==
          ErrorKind::crypto);
    CHECK(verify_lineage_files(leaf, chain, leaf + chain, "").chain_issued_leaf);
}
