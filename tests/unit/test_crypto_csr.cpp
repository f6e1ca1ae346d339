#include "common/error.hpp"
#include "crypto/csr.hpp"
#include "crypto/ossl.hpp"

#include <catch2/catch.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <optional>
#include <string>
#include <vector>

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

ossl::X509ReqPtr parse_der(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    ossl::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(req);
    CHECK(p == reinterpret_cast<const unsigned char*>(der.data()) + der.size());
    return req;
}

// subjectAltName entries as "DNS:<name>" or "IP:<raw bytes>", read with
// OpenSSL directly.
std::vector<std::string> sans(X509_REQ* req) {
    const ossl::ExtStackPtr exts(X509_REQ_get_extensions(req));
    REQUIRE(exts);
    const ossl::GeneralNamesPtr gens(static_cast<GENERAL_NAMES*>(
        X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr, nullptr)));
    REQUIRE(gens);
    std::vector<std::string> out;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens.get()); ++i) {
        const GENERAL_NAME* gen = sk_GENERAL_NAME_value(gens.get(), i);
        const bool dns = gen->type == GEN_DNS;
        REQUIRE((dns || gen->type == GEN_IPADD));
        const ASN1_STRING* value = dns ? gen->d.dNSName : gen->d.iPAddress;
        out.push_back((dns ? "DNS:" : "IP:") +
                      std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                  static_cast<size_t>(ASN1_STRING_length(value))));
    }
    return out;
}

// All commonName entries of the subject, in order.
std::vector<std::string> common_names(X509_REQ* req) {
    const X509_NAME* subject = X509_REQ_get_subject_name(req);
    std::vector<std::string> out;
    for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
        const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
        out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                         static_cast<size_t>(ASN1_STRING_length(data)));
    }
    return out;
}

std::string to_pem(X509_REQ* req) {
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_X509_REQ(bio.get(), req) == 1);
    return ossl::bio_text(bio.get());
}

const std::vector<std::string> k_names = {"example.com", "www.example.com", "192.0.2.1",
                                          "2001:db8::1"};

} // namespace

TEST_CASE("make_csr_der puts every name in the SAN and the first in the CN", "[crypto]") {
    const auto type = GENERATE(KeyType::ec256, KeyType::ec384, KeyType::rsa2048);
    const auto key = PrivateKey::generate(type);
    const auto req = parse_der(make_csr_der(key, k_names));

    CHECK(X509_REQ_verify(req.get(), X509_REQ_get0_pubkey(req.get())) == 1);
    CHECK(EVP_PKEY_eq(X509_REQ_get0_pubkey(req.get()), key.native()) == 1);
    int md_nid = 0;
    REQUIRE(OBJ_find_sigid_algs(X509_REQ_get_signature_nid(req.get()), &md_nid, nullptr) == 1);
    CHECK(md_nid == NID_sha256);
    CHECK(X509_REQ_get_version(req.get()) == X509_REQ_VERSION_1);
    CHECK(common_names(req.get()) == std::vector<std::string>{"example.com"});
    const std::string ipv4{'\xc0', '\x00', '\x02', '\x01'};
    const std::string ipv6 =
        std::string{'\x20', '\x01', '\x0d', '\xb8'} + std::string(11, '\0') + '\x01';
    CHECK(sans(req.get()) == std::vector<std::string>{"DNS:example.com", "DNS:www.example.com",
                                                      "IP:" + ipv4, "IP:" + ipv6});
}

TEST_CASE("make_csr_der sets a CN only for a DNS name of at most 64 characters", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::ec256);
    const std::string name64 = std::string(60, 'a') + ".com";
    const std::string name65 = std::string(61, 'a') + ".com";

    const auto fits = parse_der(make_csr_der(key, {name64, "example.com"}));
    CHECK(common_names(fits.get()) == std::vector<std::string>{name64});

    const auto too_long = parse_der(make_csr_der(key, {name65, "example.com"}));
    CHECK(common_names(too_long.get()).empty());
    CHECK(sans(too_long.get()) == std::vector<std::string>{"DNS:" + name65, "DNS:example.com"});

    const auto ip_first = parse_der(make_csr_der(key, {"192.0.2.1", "example.com"}));
    CHECK(common_names(ip_first.get()).empty());
}

TEST_CASE("make_csr_der refuses an empty name list", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::ec256);
    CHECK(thrown_kind([&] { make_csr_der(key, {}); }).has_value());
}

TEST_CASE("read_csr round-trips names from DER and PEM", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::ec256);
    const std::string der = make_csr_der(key, k_names);

    const CsrInfo from_der = read_csr(der);
    CHECK(from_der.der == der);
    CHECK(from_der.names == k_names); // the CN duplicates the first SAN: listed once

    const auto req = parse_der(der);
    const CsrInfo from_pem = read_csr(to_pem(req.get()));
    CHECK(from_pem.der == der);
    CHECK(from_pem.names == k_names);

    const std::string name65 = std::string(61, 'b') + ".org";
    CHECK(read_csr(make_csr_der(key, {name65, "a.example"})).names ==
          std::vector<std::string>{name65, "a.example"});
}

TEST_CASE("read_csr rejects garbage and bad signatures", "[crypto]") {
    const std::string der = make_csr_der(PrivateKey::generate(KeyType::ec256), k_names);
    std::string bad_signature = der;
    bad_signature[bad_signature.size() - 3] ^= 0x01;
    std::string bad_name = der;
    const auto at = bad_name.find("www.example.com");
    REQUIRE(at != std::string::npos);
    bad_name[at] = 'v'; // the signed content changed

    for (const std::string& text :
         {std::string(), std::string("garbage"), der.substr(0, der.size() / 2), bad_signature,
          bad_name,
          std::string("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END "
                      "CERTIFICATE REQUEST-----\n")}) {
        CHECK(thrown_kind([&] { read_csr(text); }) == ErrorKind::usage);
    }
}
