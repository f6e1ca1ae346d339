#include "crypto/x509.hpp"
#include "fake_transport.hpp"
#include "ops/ca_pool.hpp"
#include "ops/renew_plan.hpp"
#include "renew/ari.hpp"
#include "shell_helpers.hpp"
#include "store/atomic_file.hpp"
#include "store/file_store.hpp"

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
    CHECK(first.state_changed);
    l.store.write_state("ari", ops::state_to_json(first.state));

    auto second = plan(l, {}, &t);
    CHECK(t->sent().size() == 1); // the directory only: no renewalInfo request
    CHECK_FALSE(second.state_changed);
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

namespace {

struct RecordingLogger : Logger {
    std::vector<std::string> lines;
    void log(LogLevel, const std::string& message) override { lines.push_back(message); }
};

} // namespace

TEST_CASE("a CA whose directory fails is asked once per run", "[ops][renew]") {
    Lineage l;
    l.store.write_version("ari2", {l.cert_pem, "", l.cert_pem, "key"});
    l.store.activate_version("ari2", 1);
    l.store.write_config("ari2", l.store.read_config("ari"));
    RecordingLogger log;
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
    // ...and said once, not once per lineage (10,000 of them: 10,000 lines)
    CHECK(log.lines.size() == 1);
    CHECK_THAT(log.lines.at(0), Catch::Contains("https://ca.test/dir: no directory"));
    CHECK_THROWS_AS(cas.directory(ops::CaRef{"https://ca.test/dir", ""}), Error);
}

TEST_CASE("a hand-edited config.json fails its lineage's plan, never the run", "[ops][renew]") {
    Lineage l;
    auto config = l.store.read_config("ari");
    config["domains"] = {1, 2}; // an array, but not of strings: nlohmann::type_error
    l.store.write_config("ari", config);
    NullLogger log;
    const ops::TransportFactory transports = [](const std::string&) {
        return std::make_unique<test::FakeTransport>();
    };
    ops::CaPool cas(transports, log);
    ops::LineagePlan p;
    p.name = "ari";
    REQUIRE_NOTHROW(ops::plan_lineage(p, l.store, ops::RenewRequest{}, cas, log));
    CHECK(p.report.outcome == ops::Outcome::failed);
    CHECK_THAT(p.report.message, Catch::Contains("config.json"));
    CHECK_FALSE(p.due);
}

namespace {

// Plans the lineage with --days 30 and no CA: due exactly when the
// certificate the plan believes in has fewer than 30 days left.
ops::LineagePlan plan_days(Lineage& l) {
    NullLogger log;
    const ops::TransportFactory transports = [](const std::string&) {
        return std::make_unique<test::FakeTransport>();
    };
    ops::CaPool cas(transports, log);
    ops::RenewRequest request;
    request.days = 30;
    ops::LineagePlan p;
    p.name = "ari";
    ops::plan_lineage(p, l.store, request, cas, log);
    REQUIRE(p.report.outcome == ops::Outcome::not_due);
    return p;
}

// Makes a certificate valid for `days` days the lineage's new current version.
int replace_current(Lineage& l, int days) {
    auto [cert, key] = test::openssl_cert(l.dir, "ari.test", days, "0x5678");
    auto v = l.store.write_version("ari", {cert, "", cert, key});
    l.store.activate_version("ari", v);
    return v;
}

} // namespace

TEST_CASE("renew caches the current certificate's facts and then decodes nothing",
          "[ops][renew][cache]") {
    Lineage l;
    auto first = plan_days(l);
    CHECK(first.state_changed);
    REQUIRE(first.state.cert);
    const auto cert = crypto::read_certificate(l.cert_pem);
    CHECK(first.state.cert->version == 1);
    CHECK(first.state.cert->not_after == cert.not_after);
    CHECK(first.state.cert->serial_hex == cert.serial_hex);
    CHECK(first.state.cert->ari_cert_id == renew::ari_cert_id(cert));
    l.store.write_state("ari", ops::state_to_json(first.state));

    // Version folders never change: garbage there proves the cache was used.
    store::write_file_atomic(l.store.version_dir("ari", 1) / "cert.pem", "garbage", 0644);
    auto second = plan_days(l);
    CHECK_FALSE(second.state_changed);
    CHECK_FALSE(second.due);
    CHECK(second.report.not_after == cert.not_after);
}

TEST_CASE("a cached certificate of another version never hides a due one", "[ops][renew][cache]") {
    Lineage l;
    l.store.write_state("ari", ops::state_to_json(plan_days(l).state)); // version 1: 90 days
    const int v = replace_current(l, 10);
    auto p = plan_days(l);
    CHECK(p.due);
    CHECK(p.state_changed);
    REQUIRE(p.state.cert);
    CHECK(p.state.cert->version == v);
    CHECK(p.state.cert->serial_hex == "5678");
}

TEST_CASE("an edited or corrupt certificate cache is decoded again", "[ops][renew][cache]") {
    Lineage l;
    auto doc = ops::state_to_json(plan_days(l).state); // version 1: 90 days
    replace_current(l, 10);                            // version 2: due
    doc["cert"]["version"] = 2;                        // claims to describe it...
    const auto valid = doc;
    SECTION("missing serial") {
        doc["cert"].erase("serial");
    }
    SECTION("serial not hex") {
        doc["cert"]["serial"] = "12:34";
    }
    SECTION("version a string") {
        doc["cert"]["version"] = "2";
    }
    SECTION("not_after unreadable") {
        doc["cert"]["not_after"] = "next year";
    }
    SECTION("not_after before not_before") {
        doc["cert"]["not_after"] = "2000-01-01T00:00:00Z";
    }
    SECTION("no ari_cert_id") {
        doc["cert"].erase("ari_cert_id");
    }
    SECTION("not an object") {
        doc["cert"] = "cached";
    }
    REQUIRE(doc != valid);
    l.store.write_state("ari", doc);
    auto p = plan_days(l);
    CHECK(p.due); // ...but is not believed: cert.pem of version 2 was read
    CHECK(p.state_changed);
    REQUIRE(p.state.cert);
    CHECK(p.state.cert->serial_hex == "5678");
}

TEST_CASE("the certificate cache round-trips through state.json", "[ops][renew][cache]") {
    ops::LineageState s;
    s.cert =
        ops::CertFacts{3, sys_seconds(seconds(1000)), sys_seconds(seconds(2000)), "0aff", "a.b",
                       std::nullopt};
    auto back = ops::state_from_json(ops::state_to_json(s));
    REQUIRE(back.cert);
    CHECK(back.cert->version == 3);
    CHECK(back.cert->not_before == s.cert->not_before);
    CHECK(back.cert->not_after == s.cert->not_after);
    CHECK(back.cert->serial_hex == "0aff");
    CHECK(back.cert->ari_cert_id == "a.b");
    CHECK(ops::cert_facts_for(back, 3));
    CHECK_FALSE(ops::cert_facts_for(back, 4));
}

TEST_CASE("renew hands reports of lineages not due to on_not_due instead of keeping them",
          "[ops][renew]") {
    Lineage l;
    auto [cert, key] = test::openssl_cert(l.dir, "soon.test", 10, "0x99"); // due with --days 30
    l.store.activate_version("soon", l.store.write_version("soon", {cert, "", cert, key}));
    l.store.write_config("soon", {{"name", "soon"},
                                  {"domains", {"soon.test"}},
                                  {"server", "https://ca.test/dir"},
                                  {"solver", {{"kind", "standalone"}}}});
    NullLogger log;
    const ops::TransportFactory transports = [](const std::string&) {
        return std::make_unique<test::FakeTransport>(); // the renewal fails: no CA
    };
    ops::RenewRequest request;
    request.days = 30;
    std::vector<std::string> passed;
    SECTION("with on_not_due") {
        request.on_not_due = [&](const ops::LineageReport& r) { passed.push_back(r.name); };
        const auto summary = ops::renew_lineages(l.store, request, transports, log);
        CHECK(passed == std::vector<std::string>{"ari"});
        CHECK(summary.not_due_passed == 1);
        REQUIRE(summary.lineages.size() == 1); // the due one, kept for its outcome
        CHECK(summary.lineages[0].name == "soon");
        CHECK(summary.lineages[0].outcome == ops::Outcome::failed);
    }
    SECTION("without") {
        const auto summary = ops::renew_lineages(l.store, request, transports, log);
        CHECK(summary.not_due_passed == 0);
        REQUIRE(summary.lineages.size() == 2);
        CHECK(summary.lineages[0].name == "ari");
        CHECK(summary.lineages[0].outcome == ops::Outcome::not_due);
        CHECK(summary.lineages[1].name == "soon");
    }
}
