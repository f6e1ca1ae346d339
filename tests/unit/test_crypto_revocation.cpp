// Our OCSP request/response and CRL handling against answers and CRLs made
// by the openssl command line (test_pki.hpp).
#include "common/error.hpp"
#include "crypto/crl.hpp"
#include "crypto/ocsp.hpp"
#include "crypto/x509.hpp"
#include "test_pki.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using crypto::RevocationStatus;

TEST_CASE("a good OCSP answer from the issuer is accepted", "[crypto][ocsp]") {
    test::Pki pki;
    const auto answer =
        crypto::parse_ocsp_response(pki.ocsp_answer(test::k_leaf_valid), pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == RevocationStatus::good);
    CHECK_FALSE(answer.revoked_at);
    REQUIRE(answer.next_update);
    CHECK(*answer.next_update > answer.this_update);
}

TEST_CASE("a revoked OCSP answer carries the time and the reason", "[crypto][ocsp]") {
    test::Pki pki;
    const auto answer = crypto::parse_ocsp_response(pki.ocsp_answer(test::k_leaf_revoked),
                                                    pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == RevocationStatus::revoked);
    REQUIRE(answer.revoked_at);
    CHECK(answer.revoked_at->time_since_epoch().count() == 1767323045); // 2026-01-02T03:04:05Z
    CHECK(answer.reason == "keyCompromise");
}

TEST_CASE("an OCSP answer about another serial says unknown, not good", "[crypto][ocsp]") {
    test::Pki pki;
    const auto answer = crypto::parse_ocsp_response(
        pki.ocsp_answer("V\t300101000000Z\t\t2002\tunknown\t/CN=other"), pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == RevocationStatus::unknown);
}

TEST_CASE("an OCSP answer not signed by the issuer is refused", "[crypto][ocsp]") {
    test::Pki pki;
    const auto der = pki.ocsp_answer(test::k_leaf_valid, "imp");
    REQUIRE_FALSE(der.empty());
    CHECK_THROWS_WITH(crypto::parse_ocsp_response(der, pki.leaf_pem, pki.ca_pem),
                      Catch::Contains("does not verify"));
}

TEST_CASE("junk and unsuccessful OCSP responses are refused", "[crypto][ocsp]") {
    test::Pki pki;
    CHECK_THROWS_AS(crypto::parse_ocsp_response("<html>", pki.leaf_pem, pki.ca_pem), Error);
    // OCSPResponse { responseStatus tryLater (3) }
    const std::string try_later("\x30\x03\x0a\x01\x03", 5);
    CHECK_THROWS_WITH(crypto::parse_ocsp_response(try_later, pki.leaf_pem, pki.ca_pem),
                      Catch::Contains("trylater", Catch::CaseSensitive::No));
}

TEST_CASE("the CRL distribution point is read from the certificate", "[crypto][crl]") {
    test::Pki pki;
    const auto info = crypto::read_certificate(pki.leaf_pem);
    CHECK(info.crl_urls == std::vector<std::string>{"http://ca.test/crl.der"});
    CHECK(info.ocsp_urls.empty());
}

TEST_CASE("a CRL that lists the serial says revoked, with reason", "[crypto][crl]") {
    test::Pki pki;
    const auto answer = crypto::check_crl(pki.crl(test::k_leaf_revoked), pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == RevocationStatus::revoked);
    REQUIRE(answer.revoked_at);
    CHECK(answer.revoked_at->time_since_epoch().count() == 1767323045);
    CHECK(answer.reason == "keyCompromise");
    CHECK(answer.next_update);
}

TEST_CASE("a CRL without the serial says good", "[crypto][crl]") {
    test::Pki pki;
    const auto answer =
        crypto::check_crl(pki.crl("R\t300101000000Z\t260102030405Z\t2002\tunknown\t/CN=other"),
                          pki.leaf_pem, pki.ca_pem);
    CHECK(answer.status == RevocationStatus::good);
}

TEST_CASE("a CRL signed by another key of the same name is refused", "[crypto][crl]") {
    test::Pki pki;
    const auto crl = pki.crl(test::k_leaf_valid, "imp");
    REQUIRE_FALSE(crl.empty());
    CHECK_THROWS_WITH(crypto::check_crl(crl, pki.leaf_pem, pki.ca_pem),
                      Catch::Contains("issuer did not sign it"));
    CHECK_THROWS_WITH(crypto::check_crl("not a crl", pki.leaf_pem, pki.ca_pem),
                      Catch::Contains("not a certificate revocation list"));
}
