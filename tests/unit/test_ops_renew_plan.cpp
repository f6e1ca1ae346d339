#include "store/file_store.hpp"
#include "crypto/x509.hpp"
#include "fake_transport.hpp"
#include "ops/ca_pool.hpp"
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

// A scripted CA behind a CaPool; kept alive until the end of the test run
// because the pool owns the transport the test inspects afterwards.
struct Planner {
    NullLogger log;
    std::vector<http::Response> answers;
    test::FakeTransport** seen = nullptr;
    ops::TransportFactory transports = [this](const std::string&) {
        auto t = std::make_unique<test::FakeTransport>();
        t->push(200, test::k_ari_directory_json);
        for (auto& a : answers) {
            t->push(a.status, a.body, a.headers);
        }
        *seen = t.get();
        return t;
    };
    ops::CaPool cas{transports, log};
};

// Plans the lineage against a scripted CA: directory, then `answers`.
ops::LineagePlan plan(Lineage& l, std::vector<http::Response> answers, test::FakeTransport** seen) {
    static std::vector<std::unique_ptr<Planner>> planners;
    auto& p = *planners.emplace_back(std::make_unique<Planner>());
    p.answers = std::move(answers);
    p.seen = seen;
    ops::LineagePlan result;
    result.name = "ari";
    ops::plan_lineage(result, l.store, ops::RenewRequest{}, p.cas, p.log);
    return result;
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
    const ops::TransportFactory transports = [](const std::string&) {
        return std::make_unique<test::FakeTransport>(); // throws network on use
    };
    ops::CaPool cas(transports, log);
    ops::plan_lineage(p, l.store, ops::RenewRequest{}, cas, log);
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

TEST_CASE("lineages of one CA share one transport and one directory fetch", "[ops][renew]") {
    Lineage l;
    for (const auto* name : {"ari2", "ari3"}) {
        l.store.write_version(name, {l.cert_pem, "", l.cert_pem, "key"});
        l.store.activate_version(name, 1);
        l.store.write_config(name, l.store.read_config("ari"));
    }
    NullLogger log;
    int made = 0;
    test::FakeTransport* t = nullptr;
    const ops::TransportFactory transports = [&](const std::string&) {
        ++made;
        auto f = std::make_unique<test::FakeTransport>();
        f->push(200, test::k_ari_directory_json);
        for (int i = 0; i < 3; ++i) {
            f->push(200, "{}"); // malformed renewalInfo: the lifetime rule
        }
        t = f.get();
        return f;
    };
    ops::CaPool cas(transports, log);
    for (const auto* name : {"ari", "ari2", "ari3"}) {
        ops::LineagePlan p;
        p.name = name;
        ops::plan_lineage(p, l.store, ops::RenewRequest{}, cas, log);
        CHECK(p.report.due_source == "lifetime");
        CHECK_FALSE(p.cert.has_value()); // planning keeps no certificate nor config
        CHECK(p.config.is_null());
    }
    CHECK(made == 1);
    REQUIRE(t->sent().size() == 4); // one directory, three renewalInfo
    CHECK(t->sent()[0].url == "https://ca.test/dir");
}

TEST_CASE("a CA whose directory fails is asked once per run", "[ops][renew]") {
    Lineage l;
    l.store.write_version("ari2", {l.cert_pem, "", l.cert_pem, "key"});
    l.store.activate_version("ari2", 1);
    l.store.write_config("ari2", l.store.read_config("ari"));
    NullLogger log;
    test::FakeTransport* t = nullptr;
    const ops::TransportFactory transports = [&](const std::string&) {
        auto f = std::make_unique<test::FakeTransport>();
        f->push(200, "[[[not a directory");
        t = f.get();
        return f;
    };
    ops::CaPool cas(transports, log);
    for (const auto* name : {"ari", "ari2"}) {
        ops::LineagePlan p;
        p.name = name;
        ops::plan_lineage(p, l.store, ops::RenewRequest{}, cas, log);
        CHECK(p.report.outcome == ops::Outcome::not_due);
        CHECK(p.report.due_source == "lifetime");
    }
    CHECK(t->sent().size() == 1);
    CHECK_THROWS_AS(cas.directory(ops::CaRef{"https://ca.test/dir", ""}), Error);
}

TEST_CASE("a hand-edited config.json fails its lineage's plan, never the run", "[ops][renew]") {
    Lineage l;
    auto config = l.store.read_config("ari");
    config["domains"] = {1, 2}; // an array, but not of strings: nlohmann::type_error
    l.store.write_config("ari", config);
    NullLogger log;
    const ops::TransportFactory transports = [](const std::string&) { return std::make_unique<test::FakeTransport>(); };
    ops::CaPool cas(transports, log);
    ops::LineagePlan p;
    p.name = "ari";
    REQUIRE_NOTHROW(ops::plan_lineage(p, l.store, ops::RenewRequest{}, cas, log));
    CHECK(p.report.outcome == ops::Outcome::failed);
    CHECK_THAT(p.report.message, Catch::Contains("config.json"));
    CHECK_FALSE(p.due);
}
