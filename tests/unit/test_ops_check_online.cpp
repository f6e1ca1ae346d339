// check --online's renewalInfo part against a scripted CA (Debian's Pebble
// has no ARI, so this is where it is tested).
#include "store/file_store.hpp"
#include "fake_transport.hpp"
#include "ops/check_online.hpp"
#include "shell_helpers.hpp"
#include "test_pki.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace acme;
using namespace std::chrono;

namespace {

// A lineage whose account is not in the store: the account part is UNKNOWN,
// the renewalInfo part is what these cases look at.
ops::LineageHealth check(const std::string& renewal_info_body, sys_seconds now) {
    test::TempDir dir;
    store::FileStore store(dir.path() / "home");
    auto [cert, key] = test::openssl_cert(dir, "ari.test", 90, "0x1234");
    store.activate_version("ari", store.write_version("ari", {cert, cert, cert, key}));
    store.write_config("ari", {{"name", "ari"},
                               {"domains", {"ari.test"}},
                               {"server", "https://ca.test/dir"},
                               {"solver", {{"kind", "standalone"}}}});
    std::vector<ops::LineageHealth> all(1);
    all[0].name = "ari";
    NullLogger log;
    ops::check_online(
        store, all,
        [&](const std::string&) {
            auto t = std::make_unique<test::FakeTransport>();
            t->push(200, test::k_ari_directory_json);
            t->push(200, renewal_info_body);
            return t;
        },
        now, log);
    return all[0];
}

std::string window(sys_seconds start, sys_seconds end) {
    return R"({"suggestedWindow":{"start":")" + test::rfc3339(start) + R"(","end":")" +
           test::rfc3339(end) + R"("}})";
}

bool has_finding(const ops::LineageHealth& h, probe::Status status, const std::string& text) {
    for (const auto& f : h.findings) {
        if (f.status == status && f.message.find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

const sys_seconds k_now = sys_days(2026y / 11 / 26) + hours(12);

} // namespace

TEST_CASE("a renewalInfo window that has passed is a WARNING", "[ops][check][ari]") {
    const auto h = check(window(k_now - days(3), k_now - days(1)), k_now);
    REQUIRE(h.online);
    CHECK(h.online->ari_end == k_now - days(1));
    CHECK(has_finding(h, probe::Status::warning, "has passed: run acmectl renew"));
    CHECK(has_finding(h, probe::Status::critical, "no account 'default'")); // none stored
    CHECK(h.online->revocation == "none"); // a self-signed certificate names no responder
}

TEST_CASE("an open renewalInfo window is noted, not alarmed", "[ops][check][ari]") {
    const auto h = check(window(k_now - days(1), k_now + days(1)), k_now);
    REQUIRE(h.online);
    CHECK(h.online->ari_start == k_now - days(1));
    CHECK(has_finding(h, probe::Status::ok, "renewal window is open"));
    CHECK_FALSE(has_finding(h, probe::Status::warning, "window"));
}

TEST_CASE("a future renewalInfo window adds no finding", "[ops][check][ari]") {
    const auto h = check(window(k_now + days(20), k_now + days(22)), k_now);
    REQUIRE(h.online);
    CHECK(h.online->ari_start == k_now + days(20));
    CHECK_FALSE(has_finding(h, probe::Status::ok, "window"));
    CHECK_FALSE(has_finding(h, probe::Status::warning, "window"));
}

TEST_CASE("a malformed renewalInfo answer is UNKNOWN", "[ops][check][ari]") {
    const auto h = check(R"({"suggestedWindow":"soon"})", k_now);
    CHECK(has_finding(h, probe::Status::unknown, "renewalInfo answer is malformed"));
    CHECK_FALSE(h.online->ari_start);
}

namespace {

// Hands what it was sent to `log` when check_online is done with it.
struct RecordingTransport : test::FakeTransport {
    std::vector<std::string>* log = nullptr;
    ~RecordingTransport() override {
        for (const auto& sent : this->sent()) {
            log->push_back(sent.method + " " + sent.url);
        }
    }
};

// A lineage of the test PKI's leaf; the CA's second connection (the first is
// the ACME directory's) answers the CRL request with crl.
ops::LineageHealth check_with_crl(test::Pki& pki, const std::string& crl,
                                  std::vector<std::string>* urls) {
    test::TempDir dir;
    store::FileStore store(dir.path() / "home");
    store.activate_version("crl",
                           store.write_version("crl", {pki.leaf_pem, pki.ca_pem,
                                                       pki.leaf_pem + pki.ca_pem, pki.leaf_key}));
    store.write_config("crl", {{"name", "crl"},
                               {"domains", {"leaf.test"}},
                               {"server", "https://ca.test/dir"},
                               {"solver", {{"kind", "standalone"}}}});
    std::vector<ops::LineageHealth> all(1);
    all[0].name = "crl";
    NullLogger log;
    int made = 0;
    ops::check_online(
        store, all,
        [&](const std::string&) {
            auto t = std::make_unique<RecordingTransport>();
            t->push(200, ++made == 1 ? test::k_ari_directory_json : crl);
            t->log = urls;
            return t;
        },
        k_now, log);
    return all[0];
}

} // namespace

TEST_CASE("without an OCSP responder the certificate's CRL is asked", "[ops][check][crl]") {
    test::Pki pki;
    std::vector<std::string> urls;
    auto h = check_with_crl(pki, pki.crl(test::k_leaf_revoked), &urls);
    REQUIRE(h.online);
    CHECK(h.online->revocation == "revoked");
    CHECK(h.online->revocation_source == "CRL");
    CHECK(has_finding(h, probe::Status::critical, "the CA's CRL says revoked"));
    CHECK(std::find(urls.begin(), urls.end(), "GET http://ca.test/crl.der") != urls.end());

    urls.clear();
    h = check_with_crl(pki, pki.crl("R\t300101000000Z\t260102030405Z\t2002\tunknown\t/CN=x"),
                       &urls);
    CHECK(h.online->revocation == "good");
    CHECK_FALSE(has_finding(h, probe::Status::critical, "CRL"));
}

TEST_CASE("a CRL the issuer did not sign is UNKNOWN, not good", "[ops][check][crl]") {
    test::Pki pki;
    std::vector<std::string> urls;
    const auto h = check_with_crl(pki, pki.crl(test::k_leaf_valid, "imp"), &urls);
    CHECK(h.online->revocation.empty());
    CHECK(has_finding(h, probe::Status::unknown, "issuer did not sign it"));
}
