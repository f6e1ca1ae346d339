// JWS and EAB (src/crypto/jws.cpp, signer.cpp), checked against OpenSSL
// directly so that a bug shared by signing and verify_signature still shows.
#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/jwk.hpp"
#include "crypto/jws.hpp"
#include "crypto/ossl.hpp"
#include "crypto/signer.hpp"

#include <catch2/catch.hpp>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
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

const unsigned char* bytes(const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// The public half, reloaded from PEM: the test verifies with a fresh handle.
ossl::PkeyPtr public_key(const PrivateKey& key) {
    const std::string pem = key.public_pem();
    const ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::PkeyPtr pub(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    REQUIRE(pub);
    return pub;
}

// RFC 7518 §3.4: r||s, each half the field size, back to DER ECDSA-Sig-Value.
std::string rs_to_der(const std::string& rs) {
    const int half = static_cast<int>(rs.size() / 2);
    const ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
    REQUIRE(ECDSA_SIG_set0(sig.get(), BN_bin2bn(bytes(rs), half, nullptr),
                           BN_bin2bn(bytes(rs) + half, half, nullptr)) == 1);
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig.get(), &der);
    REQUIRE(len > 0);
    std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
    OPENSSL_free(der);
    return out;
}

bool openssl_verifies(const PrivateKey& key, const EVP_MD* md, const std::string& data,
                      const std::string& signature) {
    const auto pub = public_key(key);
    const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
    REQUIRE(EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pub.get()) == 1);
    const int rc =
        EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(data), data.size());
    return rc == 1;
}

std::string decode(const json& jws, const char* member) {
    return base64url_decode(jws.at(member).get<std::string>());
}

struct AlgCase {
    KeyType type;
    const char* alg;
    size_t ec_signature_size; // 0 for RSA
};

} // namespace

TEST_CASE("jws_alg names the JWS algorithm of each key type", "[crypto]") {
    CHECK(jws_alg(KeyType::ec256) == "ES256");
    CHECK(jws_alg(KeyType::ec384) == "ES384");
    CHECK(jws_alg(KeyType::rsa2048) == "RS256");
    CHECK(jws_alg(KeyType::rsa3072) == "RS256");
    CHECK(jws_alg(KeyType::rsa4096) == "RS256");
}

TEST_CASE("KeySigner exposes the key's JWK and thumbprint", "[crypto]") {
    const auto key = PrivateKey::generate(KeyType::ec384);
    const KeySigner signer(key);
    CHECK(signer.alg() == "ES384");
    CHECK(signer.jwk() == public_jwk(key));
    CHECK(signer.thumbprint() == jwk_thumbprint(key));
}

TEST_CASE("make_jws signs flattened JWS that OpenSSL verifies", "[crypto]") {
    const AlgCase alg_case =
        GENERATE(AlgCase{KeyType::ec256, "ES256", 64}, AlgCase{KeyType::ec384, "ES384", 96},
                 AlgCase{KeyType::rsa2048, "RS256", 0});
    INFO(alg_case.alg);
    const KeySigner signer(PrivateKey::generate(alg_case.type));
    const json header = {{"nonce", "n0nce"},
                         {"url", "https://ca.example/acme/new-order"},
                         {"kid", "https://ca.example/acme/acct/1"}};
    const std::string payload = R"({"identifiers":[{"type":"dns","value":"example.com"}]})";
    const json jws = make_jws(signer, header, payload);

    CHECK(jws.size() == 3);
    json expected_header = header;
    expected_header["alg"] = alg_case.alg;
    CHECK(json::parse(decode(jws, "protected")) == expected_header);
    CHECK(decode(jws, "payload") == payload);

    const std::string signing_input =
        jws["protected"].get<std::string>() + "." + jws["payload"].get<std::string>();
    const std::string tampered_input =
        jws["protected"].get<std::string>() + "." + base64url_encode(payload + " ");
    std::string signature = decode(jws, "signature");
    const EVP_MD* md = alg_case.type == KeyType::ec384 ? EVP_sha384() : EVP_sha256();
    if (alg_case.ec_signature_size != 0) {
        CHECK(signature.size() == alg_case.ec_signature_size);
        signature = rs_to_der(signature);
    } else {
        CHECK(signature.size() == 256);
    }
    CHECK(openssl_verifies(signer.key(), md, signing_input, signature));
    CHECK_FALSE(openssl_verifies(signer.key(), md, tampered_input, signature));

    const std::string jws_signature = decode(jws, "signature");
    CHECK(verify_signature(signer.key(), signing_input, jws_signature));
    CHECK_FALSE(verify_signature(signer.key(), tampered_input, jws_signature));
    CHECK_FALSE(verify_signature(signer.key(), signing_input, jws_signature.substr(1)));
    const KeySigner other(PrivateKey::generate(alg_case.type));
    CHECK_FALSE(verify_signature(other.key(), signing_input, jws_signature));
}

TEST_CASE("POST-as-GET has an empty payload", "[crypto]") {
    const KeySigner signer(PrivateKey::generate(KeyType::ec256));
    const json jws = make_jws(signer, {{"url", "https://ca.example/acme/order/1"}}, "");
    CHECK(jws["payload"] == "");
    CHECK(jws.dump().find(R"("payload":"")") != std::string::npos);
    const std::string input = jws["protected"].get<std::string>() + ".";
    CHECK(verify_signature(signer.key(), input, decode(jws, "signature")));
}

TEST_CASE("make_eab_jws is an HS256 JWS over the account JWK", "[crypto]") {
    const auto account = PrivateKey::generate(KeyType::ec256);
    const json account_jwk = public_jwk(account);
    const std::string hmac_key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    const std::string url = "https://ca.example/acme/new-account";
    const json jws = make_eab_jws("kid-1", hmac_key, url, account_jwk);

    CHECK(json::parse(decode(jws, "protected")) ==
          json{{"alg", "HS256"}, {"kid", "kid-1"}, {"url", url}});
    CHECK(json::parse(decode(jws, "payload")) == account_jwk);

    const std::string key = base64url_decode(hmac_key);
    const std::string input =
        jws["protected"].get<std::string>() + "." + jws["payload"].get<std::string>();
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    REQUIRE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(input), input.size(),
                 mac, &mac_len) != nullptr);
    CHECK(decode(jws, "signature") == std::string(reinterpret_cast<const char*>(mac), mac_len));
}

TEST_CASE("make_eab_jws rejects an HMAC key that is not base64url", "[crypto]") {
    const json jwk = public_jwk(PrivateKey::generate(KeyType::ec256));
    for (const char* key : {"", "abc=", "a+b/", "has space", "Zh", "x"}) {
        INFO("key \"" << key << "\"");
        CHECK(thrown_kind([&] { make_eab_jws("kid", key, "https://ca/new-acct", jwk); }) ==
              ErrorKind::usage);
    }
}
