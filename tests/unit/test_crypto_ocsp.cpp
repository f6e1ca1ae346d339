// Our OCSP request and response handling against `openssl ocsp` acting as
// the responder (offline: -reqin/-respout), so both ends are independent.
#include "common/error.hpp"
#include "crypto/ocsp.hpp"
#include "shell_helpers.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using namespace acme;

namespace {

void write(const std::filesystem::path& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
}

// A CA, a leaf it issued (serial 0x1001) and an impostor that did not.
struct Pki {
    test::TempDir dir;
    std::string ca_pem, leaf_pem, impostor_pem;

    Pki() {
        const auto d = dir.path().string();
        test::run("cd " + d +
                  " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
                  " -keyout ca.key -out ca.pem -subj /CN=ocsp-test-ca -days 2 2>/dev/null"
                  " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
                  " -keyout leaf.key -out leaf.csr -subj /CN=leaf.test 2>/dev/null"
                  " && openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 0x1001"
                  " -days 2 -out leaf.pem 2>/dev/null"
                  " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
                  " -keyout imp.key -out imp.pem -subj /CN=impostor -days 2 2>/dev/null");
        ca_pem = test::slurp(dir.path() / "ca.pem");
        leaf_pem = test::slurp(dir.path() / "leaf.pem");
        impostor_pem = test::slurp(dir.path() / "imp.pem");
        REQUIRE_FALSE(leaf_pem.empty());
    }

    // openssl ocsp answers our request with index_line as its database.
    std::string respond(const std::string& index_line, const std::string& signer = "ca") {
        const auto d = dir.path().string();
        write(dir.path() / "index.txt", index_line + "\n");
        write(dir.path() / "req.der", crypto::ocsp_request(leaf_pem, ca_pem));
        test::run("cd " + d + " && openssl ocsp -index index.txt -CA ca.pem -rsigner " + signer +
                  ".pem -rkey " + signer +
                  ".key -reqin req.der -respout resp.der -ndays 1"
                  " >/dev/null 2>&1");
        return test::slurp(dir.path() / "resp.der");
    }
};

const std::string k_good = "V\t300101000000Z\t\t1001\tunknown\t/CN=leaf.test";

} // namespace

TEST_CASE("a good OCSP answer from the issuer is accepted", "[crypto][ocsp]") {
    Pki pki;
    const auto answer = crypto::parse_ocsp_response(pki.respond(k_good), pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == crypto::OcspStatus::good);
    CHECK_FALSE(answer.revoked_at);
    REQUIRE(answer.next_update);
    CHECK(*answer.next_update > answer.this_update);
}

TEST_CASE("a revoked answer carries the time and the reason", "[crypto][ocsp]") {
    Pki pki;
    const auto answer = crypto::parse_ocsp_response(
        pki.respond("R\t300101000000Z\t260102030405Z,keyCompromise\t1001\tunknown\t/CN=leaf.test"),
        pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == crypto::OcspStatus::revoked);
    REQUIRE(answer.revoked_at);
    CHECK(answer.revoked_at->time_since_epoch().count() == 1767323045); // 2026-01-02T03:04:05Z
    CHECK(answer.reason == "keyCompromise");
}

TEST_CASE("an answer about another serial says unknown, not good", "[crypto][ocsp]") {
    Pki pki;
    const auto answer = crypto::parse_ocsp_response(
        pki.respond("V\t300101000000Z\t\t2002\tunknown\t/CN=other"), pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == crypto::OcspStatus::unknown);
}

TEST_CASE("an answer not signed by the issuer is refused", "[crypto][ocsp]") {
    Pki pki;
    const auto der = pki.respond(k_good, "imp");
    REQUIRE_FALSE(der.empty());
    CHECK_THROWS_WITH(crypto::parse_ocsp_response(der, pki.leaf_pem, pki.ca_pem),
                      Catch::Contains("does not verify"));
}

TEST_CASE("junk and unsuccessful responses are refused", "[crypto][ocsp]") {
    Pki pki;
    CHECK_THROWS_AS(crypto::parse_ocsp_response("<html>", pki.leaf_pem, pki.ca_pem), Error);
    // OCSPResponse { responseStatus tryLater (3) }
    const std::string try_later("\x30\x03\x0a\x01\x03", 5);
    CHECK_THROWS_WITH(crypto::parse_ocsp_response(try_later, pki.leaf_pem, pki.ca_pem),
                      Catch::Contains("trylater", Catch::CaseSensitive::No));
}
