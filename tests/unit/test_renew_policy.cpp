#include <catch2/catch.hpp>
#include <string>

#include "crypto/base64url.hpp"
#include "crypto/x509.hpp"
#include "renew/ari.hpp"
#include "renew/policy.hpp"
#include "shell_helpers.hpp"

using namespace acme::renew;
using namespace std::chrono;

namespace {

SysSeconds at(int day, int hour = 0) {
    return SysSeconds(sys_days(year(2026) / 1 / 1)) + days(day - 1) + hours(hour);
}

} // namespace

TEST_CASE("due time is lifetime/3 before expiry", "[renew][policy]") {
    CHECK(lifetime_renewal_time(at(1), at(91)) == at(61));    // 90 days: 30 before
    CHECK(lifetime_renewal_time(at(1), at(7)) == at(5));      // 6 days: 2 before
    CHECK(renewal_time({at(1), at(91), std::nullopt, std::nullopt}) == at(61));
    CHECK(renewal_time({at(1), at(91), 45, std::nullopt}) == at(46)); // --days
}

TEST_CASE("ARI moment is used, but never past 1/50 of the lifetime left", "[renew][policy]") {
    CHECK(renewal_time({at(1), at(91), std::nullopt, at(70)}) == at(70));
    // 90 days / 50 = 43.2 h before notAfter
    auto late = renewal_time({at(1), at(91), std::nullopt, at(91)});
    CHECK(late == at(91) - seconds(90 * 86400 / 50));
}

TEST_CASE("a moment is chosen inside the ARI window", "[renew][policy]") {
    AriWindow w{at(60), at(62)};
    CHECK(choose_in_window(w, 0.0) == at(60));
    CHECK(choose_in_window(w, 0.5) == at(61));
    CHECK(choose_in_window(w, 0.9999999) < at(62));
    CHECK(choose_in_window({at(62), at(60)}, 0.5) == at(62)); // inverted: start
}

TEST_CASE("ARI Retry-After is clamped to [1 minute, 1 day]", "[renew][policy]") {
    CHECK(clamp_ari_retry_after(seconds(5)) == minutes(1));
    CHECK(clamp_ari_retry_after(hours(48)) == hours(24));
    CHECK(clamp_ari_retry_after(hours(3)) == hours(3));
    CHECK(clamp_ari_retry_after(std::nullopt) == hours(6));
}

TEST_CASE("failure backoff doubles from 1 h to 24 h, 6 h near expiry", "[renew][policy]") {
    const auto nb = at(1);
    const auto na = at(91);
    const auto now = at(40);
    CHECK(backoff_after(0, now, nb, na) == seconds(0));
    CHECK(backoff_after(1, now, nb, na) == hours(1));
    CHECK(backoff_after(2, now, nb, na) == hours(2));
    CHECK(backoff_after(5, now, nb, na) == hours(16));
    CHECK(backoff_after(6, now, nb, na) == hours(24));
    CHECK(backoff_after(50, now, nb, na) == hours(24));
    // less than a tenth of 90 days left (9 days): at most every 6 h
    CHECK(backoff_after(50, at(85), nb, na) == hours(6));
    CHECK(backoff_after(2, at(85), nb, na) == hours(2));
}

TEST_CASE("renewalInfo windows are parsed strictly", "[renew][ari]") {
    auto w = parse_renewal_info(R"({"suggestedWindow":{"start":"2026-03-01T00:00:00Z",
                                    "end":"2026-03-03T00:00:00.123Z"},"explanationURL":"x"})");
    REQUIRE(w);
    CHECK(w->start == at(60));
    CHECK(w->end == at(62));
    CHECK_FALSE(parse_renewal_info("not json"));
    CHECK_FALSE(parse_renewal_info(R"({"suggestedWindow":{"start":"yesterday","end":"x"}})"));
    CHECK_FALSE(parse_renewal_info(
        R"({"suggestedWindow":{"start":"2026-03-03T00:00:00Z","end":"2026-03-01T00:00:00Z"}})"));
    CHECK_FALSE(parse_renewal_info(R"({"suggestedWindow":[1,2]})"));
}

TEST_CASE("ARI certID matches what the openssl command line reads", "[renew][ari]") {
    acme::test::TempDir dir;
    // A serial with its high bit set: DER needs a leading 00 byte, which
    // RFC 9773 §4.1 keeps in the certID.
    auto [pem, key] = acme::test::openssl_cert(dir, "ari.test", 30, "0x87654321abcdef");
    const auto cert = (dir.path() / "ari.test.pem").string();
    const auto aki = acme::test::run("openssl x509 -in " + cert + " -noout -ext authorityKeyIdentifier");
    const auto serial = acme::test::run("openssl x509 -in " + cert + " -noout -serial");

    // "X509v3 Authority Key Identifier:\n    [keyid:]AB:CD:..."
    auto aki_hex = aki.substr(aki.find('\n') + 1);
    if (auto k = aki_hex.find("keyid:"); k != std::string::npos) {
        aki_hex = aki_hex.substr(k + 6);
    }
    const auto serial_hex = serial.substr(serial.find('=') + 1);
    REQUIRE(serial_hex.rfind("87654321ABCDEF", 0) == 0);
    REQUIRE(acme::test::hex_to_bytes(aki_hex).size() == 20);
    const std::string expected =
        acme::crypto::base64url_encode(acme::test::hex_to_bytes(aki_hex)) + "." +
        acme::crypto::base64url_encode(acme::test::hex_to_bytes("00" + serial_hex));
    CHECK(ari_cert_id(acme::crypto::read_certificate(pem)) == expected);
}
