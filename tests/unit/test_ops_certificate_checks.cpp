// Checks of a freshly issued certificate before it is installed (issue #15 item 9).
#include "common/error.hpp"
#include "ops/certificate_checks.hpp"
#include "test_pki.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using namespace std::chrono;

namespace {

crypto::CertInfo cert_valid(sys_seconds from, sys_seconds to) {
    crypto::CertInfo info;
    info.not_before = from;
    info.not_after = to;
    return info;
}

const sys_seconds k_now = sys_days{2026y / December / 5} + hours{10};

} // namespace

TEST_CASE("a certificate valid now for 90 days passes", "[ops][certificate]") {
    CHECK_NOTHROW(
        ops::check_validity_window(cert_valid(k_now - hours{1}, k_now + days{90}), k_now));
    // A CA whose clock runs a few minutes ahead is tolerated.
    CHECK_NOTHROW(
        ops::check_validity_window(cert_valid(k_now + minutes{5}, k_now + days{6}), k_now));
    CHECK_NOTHROW(ops::check_validity_window(cert_valid(k_now, k_now + days{398}), k_now));
}

TEST_CASE("expired, future, empty or overlong certificates are refused", "[ops][certificate]") {
    CHECK_THROWS_WITH(
        ops::check_validity_window(cert_valid(k_now - days{91}, k_now - days{1}), k_now),
        Catch::Contains("expired at 2026-12-04T10:00:00Z") && Catch::Contains("not installed"));
    CHECK_THROWS_WITH(
        ops::check_validity_window(cert_valid(k_now + days{1}, k_now + days{91}), k_now),
        Catch::Contains("is not valid before 2026-12-06T10:00:00Z"));
    CHECK_THROWS_WITH(ops::check_validity_window(cert_valid(k_now, k_now), k_now),
                      Catch::Contains("empty validity period"));
    CHECK_THROWS_WITH(
        ops::check_validity_window(cert_valid(k_now - days{1}, k_now + days{3650}), k_now),
        Catch::Contains("lifetime over 399 days"));
    CHECK_THROWS_AS(ops::check_validity_window(cert_valid(k_now + days{1}, k_now), k_now), Error);
}

TEST_CASE("the leaf must chain to the intermediates sent", "[ops][certificate]") {
    const test::Pki pki;
    CHECK_NOTHROW(ops::check_chain_links({pki.leaf_pem}));
    CHECK_NOTHROW(ops::check_chain_links({pki.leaf_pem, pki.ca_pem}));
    // Same subject name, other key: the signature does not verify.
    CHECK_THROWS_WITH(
        ops::check_chain_links({pki.leaf_pem, pki.impostor_pem}),
        Catch::Contains("chain is broken: certificate 1 is not signed by certificate 2"));
    CHECK_THROWS_WITH(ops::check_chain_links({pki.leaf_pem, pki.ca_pem, pki.leaf_pem}),
                      Catch::Contains("certificate 2 is not signed by certificate 3"));
}
