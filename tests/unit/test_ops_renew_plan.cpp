#include "store/file_store.hpp"
#include "crypto/x509.hpp"
#include "fake_transport.hpp"
#include "ops/renew_plan.hpp"
#include "renew/ari.hpp"
#include "shell_helpers.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using namespace std::chrono;

namespace {

sys_seconds now() {
    return floor<seconds>(system_clock::now());
}

struct Lineage {
    test::TempDir dir;
    store::FileStore store{dir.path() / "home"};
    std::string cert_pem;

    Lineage() {
        auto [cert, key] = test::openssl_cert(dir, "ari.test", 90, "0x1234");
        cert_pem = cert;
        auto v = store.write_version("ari", {cert, "", cert, key});
        store.activate_version("ari", v);
        store.write_config("ari", {{"name", "ari"},
                                   {"domains", {"ari.test"}},
                                   {"server", "https://ca.test/dir"},
                                   {"solver", {{"kind", "standalone"}}}});
    }
};

// Plans the lineage against a scripted CA: directory, then `answers`.
ops::LineagePlan plan(Lineage& l, std::vector<http::Response> answers, test::FakeTransport** seen) {
    ops::LineagePlan p;
    p.name = "ari";
    NullLogger log;
    ops::plan_lineage(
        p, l.store, ops::RenewRequest{},
        [&](const std::string&) {
            auto t = std::make_unique<test::FakeTransport>();
            t->push(200, test::k_ari_directory_json);
            for (auto& a : answers) {
                t->push(a.status, a.body, a.headers);
            }
            *seen = t.get();
            return t;
        },
        log);
    return p;
}

http::Response window_answer(sys_seconds start, sys_seconds end, const std::string& retry_after) {
    http::Response r;
    r.status = 200;
    r.body = R"({"suggestedWindow":{"start":")" + test::rfc3339(start) + R"(","end":")" +
             test::rfc3339(end) + R"("}})";
    r.headers = {{"retry-after", retry_after}};
    return r;
}

} // namespace

TEST_CASE("an ARI window in the past makes the lineage due now", "[ops][renew][ari]") {
    Lineage l;
    test::FakeTransport* t = nullptr;
    auto p = plan(l, {window_answer(now() - hours(48), now() - hours(24), "3600")}, &t);
    CHECK(p.report.outcome == ops::Outcome::not_due); // not decided yet: due, to be renewed
    CHECK(p.due);
    CHECK(p.report.due_source == "ari");
    const auto id = renew::ari_cert_id(crypto::read_certificate(l.cert_pem));
    CHECK(p.replaces == id);
    REQUIRE(t->sent().size() == 2);
    CHECK(t->sent()[1].url == "https://ca.test/ari/" + id);
    REQUIRE(p.state.ari);
    CHECK(p.state.ari->next_fetch >= now() + seconds(3590));
    CHECK(p.state.ari->next_fetch <= now() + seconds(3610));
}

TEST_CASE("a future ARI window is cached until Retry-After", "[ops][renew][ari]") {
    Lineage l;
    test::FakeTransport* t = nullptr;
    const auto start = now() + days(10);
    const auto end = now() + days(12);
    auto first = plan(l, {window_answer(start, end, "7200")}, &t);
    CHECK_FALSE(first.due);
    REQUIRE(first.report.due);
    CHECK(*first.report.due >= start);
    CHECK(*first.report.due < end);
    CHECK(first.ari_fetched);
    l.store.write_state("ari", ops::state_to_json(first.state));

    auto second = plan(l, {}, &t);
    CHECK(t->sent().size() == 1); // the directory only: no renewalInfo request
    CHECK_FALSE(second.ari_fetched);
    CHECK(second.report.due == first.report.due);
}

TEST_CASE("a malformed renewalInfo answer falls back to lifetime/3", "[ops][renew][ari]") {
    Lineage l;
    test::FakeTransport* t = nullptr;
    http::Response junk;
    junk.status = 200;
    junk.body = R"({"suggestedWindow":"soon"})";
    auto p = plan(l, {junk}, &t);
    CHECK_FALSE(p.due);
    CHECK(p.report.due_source == "lifetime");
    auto cert = crypto::read_certificate(l.cert_pem);
    CHECK(p.report.due == renew::lifetime_renewal_time(cert.not_before, cert.not_after));
}

TEST_CASE("an unreachable CA does not make a valid lineage fail planning", "[ops][renew]") {
    Lineage l;
    ops::LineagePlan p;
    p.name = "ari";
    NullLogger log;
    ops::plan_lineage(
        p, l.store, ops::RenewRequest{},
        [](const std::string&) {
            return std::make_unique<test::FakeTransport>();
        }, // throws network on use
        log);
    CHECK(p.report.outcome == ops::Outcome::not_due);
    CHECK(p.report.due_source == "lifetime");
    CHECK_FALSE(p.due);
}

TEST_CASE("config.json keeps the RFC 2136 solver for renew", "[ops][renew]") {
    acme::ops::IssueRequest issue;
    issue.server_url = "https://ca.example/dir";
    issue.solver.kind = "dns-rfc2136";
    issue.solver.rfc2136_server = "192.0.2.53:5353";
    issue.solver.rfc2136_zone = "example.com";
    issue.solver.tsig_key = "/etc/acmectl/tsig.key";
    issue.solver.dns_wait = 7;
    issue.solver.dns_resolver = "192.0.2.1";
    auto config = acme::ops::lineage_config(issue, {"*.example.com", "example.com"}, "example.com");
    const auto back = acme::ops::request_from_config(config);
    CHECK(back.solver.kind == "dns-rfc2136");
    CHECK(back.solver.rfc2136_server == "192.0.2.53:5353");
    CHECK(back.solver.rfc2136_zone == "example.com");
    CHECK(back.solver.tsig_key == "/etc/acmectl/tsig.key");
    CHECK(back.solver.dns_wait == 7);
    CHECK(back.solver.dns_resolver == "192.0.2.1");
    config["solver"].erase("tsig_key");
    CHECK_THROWS_AS(acme::ops::request_from_config(config), acme::Error);
}
