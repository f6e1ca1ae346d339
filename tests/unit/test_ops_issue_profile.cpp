// issue: profiles, the solver kinds in config.json and what renew makes of them.
#include "store/file_store.hpp"
#include "acme/client.hpp"
#include "acme/order.hpp"
#include "acme/server_alias.hpp"
#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "fake_transport.hpp"
#include "ops/account_session.hpp"
#include "ops/issue_certificate.hpp"
#include "ops/renew_plan.hpp"
#include "shell_helpers.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using acme::test::FakeTransport;

namespace {

template <typename Call> Error error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no acme::Error thrown");
    throw std::logic_error("unreachable");
}

nlohmann::json payload_of(const test::SentRequest& request) {
    auto jws = nlohmann::json::parse(request.body);
    return nlohmann::json::parse(crypto::base64url_decode(jws["payload"].get<std::string>()));
}

ops::IssueRequest request_with(const std::string& kind) {
    ops::IssueRequest r;
    r.server_url = "https://ca.test/dir";
    r.names = {"a.example"};
    r.solver.kind = kind;
    return r;
}

} // namespace

TEST_CASE("a profile must be one the directory offers", "[ops][profile]") {
    Directory dir;
    ops::require_profile(dir, ""); // the CA's default: always fine
    auto none = error_of([&] { ops::require_profile(dir, "shortlived"); });
    CHECK(none.kind() == ErrorKind::usage);
    CHECK_THAT(none.what(), Catch::Contains("the CA offers no profiles"));
    dir.profiles = {{"classic", "the usual"}, {"shortlived", "6 days"}};
    ops::require_profile(dir, "shortlived");
    auto unknown = error_of([&] { ops::require_profile(dir, "tlsserver"); });
    CHECK(std::string(unknown.what()) ==
          "unknown profile 'tlsserver'; the CA offers: classic, shortlived");
}

TEST_CASE("newOrder carries the profile", "[ops][profile]") {
    FakeTransport t;
    NullLogger log;
    crypto::KeySigner signer{crypto::PrivateKey::generate(crypto::KeyType::ec256)};
    Client client{t, "https://ca.test/dir", log};
    t.push(200, test::k_directory_json, {{"replay-nonce", "n0"}});
    client.set_signer(signer, "https://ca.test/acct/1");
    client.directory();
    t.push(201,
           R"({"status":"pending","identifiers":[{"type":"dns","value":"a.example"}],
               "authorizations":["https://ca.test/authz/1"],"finalize":"https://ca.test/fin/1"})",
           {{"location", "https://ca.test/order/1"}, {"replay-nonce", "n1"}});
    new_order(client, {{Identifier{"dns", "a.example"}}, "", "classic"});
    REQUIRE(t.sent().size() == 2);
    CHECK(payload_of(t.sent().back())["profile"] == "classic");
}

TEST_CASE("config.json records the solver and the profile; renew reads them back",
          "[ops][profile][solver]") {
    SECTION("dns-hook") {
        auto r = request_with("dns-hook");
        r.solver.dns_hook = "/usr/local/bin/dns-hook --zone example";
        r.solver.dns_wait = 30;
        r.solver.dns_resolver = "127.0.0.1:8053";
        r.profile = "shortlived";
        auto config = ops::lineage_config(r, r.names, "a.example");
        CHECK(config["solver"] == nlohmann::json{{"kind", "dns-hook"},
                                                 {"dns_hook", r.solver.dns_hook},
                                                 {"dns_wait", 30},
                                                 {"dns_resolver", "127.0.0.1:8053"}});
        CHECK(config["profile"] == "shortlived");
        auto back = ops::request_from_config(config);
        CHECK(back.solver.kind == "dns-hook");
        CHECK(back.solver.dns_hook == r.solver.dns_hook);
        CHECK(back.solver.dns_wait == 30);
        CHECK(back.solver.dns_resolver == "127.0.0.1:8053");
        CHECK(back.profile == "shortlived");
    }
    SECTION("alpn") {
        auto r = request_with("alpn");
        r.solver.tls_port = 5001;
        r.solver.tls_address = "127.0.0.1";
        auto config = ops::lineage_config(r, r.names, "a.example");
        CHECK(config["solver"] ==
              nlohmann::json{{"kind", "alpn"}, {"tls_port", 5001}, {"tls_address", "127.0.0.1"}});
        auto back = ops::request_from_config(config);
        CHECK(back.solver.kind == "alpn");
        CHECK(back.solver.tls_port == 5001);
        CHECK(back.solver.tls_address == "127.0.0.1");
        CHECK(back.profile.empty());
    }
    SECTION("manual: recorded, without its callbacks") {
        auto r = request_with("manual");
        r.solver.manual = {[](const std::string&) {}, [] { return true; }};
        auto config = ops::lineage_config(r, r.names, "a.example");
        CHECK(config["solver"] == nlohmann::json{{"kind", "manual"}});
        auto back = ops::request_from_config(config);
        CHECK(back.solver.kind == "manual");
        CHECK_FALSE(back.solver.manual.show);
    }
    SECTION("unknown kinds and incomplete solvers are config errors") {
        auto config = ops::lineage_config(request_with("standalone"), {"a.example"}, "a.example");
        config["solver"] = {{"kind", "carrier-pigeon"}};
        CHECK(error_of([&] { ops::request_from_config(config); }).kind() == ErrorKind::config);
        config["solver"] = {{"kind", "dns-hook"}};
        CHECK(error_of([&] { ops::request_from_config(config); }).kind() == ErrorKind::config);
        config["solver"] = {{"kind", "dns-hook"}, {"dns_hook", "x"}, {"dns_wait", "soon"}};
        CHECK(error_of([&] { ops::request_from_config(config); }).kind() == ErrorKind::config);
    }
}

TEST_CASE("wildcards are refused only for solvers that cannot validate them", "[ops][solver]") {
    for (const char* kind : {"standalone", "webroot", "manual", "alpn"}) {
        auto r = request_with(kind);
        r.names = {"*.a.example", "a.example"};
        auto e = error_of([&] { ops::plan_names(r); });
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("only with dns-01"));
    }
    auto r = request_with("dns-hook");
    r.solver.dns_hook = "/bin/true"; // the program must exist: it is checked before any order
    r.names = {"*.a.example", "a.example"};
    auto [domains, name] = ops::plan_names(r);
    CHECK(domains == std::vector<std::string>{"*.a.example", "a.example"});
}

TEST_CASE("before any order: a manual lineage without a person, an unknown profile",
          "[ops][profile][solver]") {
    test::TempDir dir;
    store::FileStore store{dir.path() / "home"};
    FakeTransport t;
    NullLogger log;
    Client client{t, "https://ca.test/dir", log};
    t.push(200, test::k_directory_json, {{"replay-nonce", "n0"}});

    SECTION("manual, as renew would run it") {
        auto config = ops::lineage_config(request_with("manual"), {"a.example"}, "a.example");
        auto r = ops::request_from_config(config);
        auto e = error_of([&] { ops::issue_certificate_locked(store, client, r, log); });
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(),
                   Catch::Contains("a.example") && Catch::Contains("cannot renew unattended"));
    }
    SECTION("a profile the CA does not offer") {
        auto r = request_with("standalone");
        r.profile = "shortlived";
        auto e = error_of([&] { ops::issue_certificate_locked(store, client, r, log); });
        CHECK(std::string(e.what()) == "unknown profile 'shortlived'; the CA offers: classic");
    }
    CHECK(t.sent().size() == 1); // the directory only
    CHECK_FALSE(store.lineage_exists("a.example"));
}

TEST_CASE("register refuses ZeroSSL and Google without EAB before any request", "[ops][eab]") {
    test::TempDir dir;
    store::FileStore store{dir.path() / "home"};
    NullLogger log;
    for (const char* alias : {"zerossl", "google", "google-staging"}) {
        FakeTransport t; // nothing scripted: any request would fail differently
        ops::RegisterRequest request;
        request.server_url = resolve_server(alias);
        request.agree_tos = true;
        Client client{t, request.server_url, log};
        auto e = error_of([&] { (void)ops::register_account(store, client, request); });
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("requires External Account Binding") &&
                                 Catch::Contains("--eab-kid and --eab-hmac-key"));
        CHECK(t.sent().empty());
        CHECK_FALSE(store.load_account(request.server_url, "default"));
    }
    CHECK(eab_requirement(resolve_server("letsencrypt")).empty());
    CHECK(eab_requirement("https://ca.test/dir").empty());
}
