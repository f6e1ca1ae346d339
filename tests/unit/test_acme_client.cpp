#include "acme/account.hpp"
#include "acme/client.hpp"
#include "acme/names.hpp"
#include "acme/order.hpp"
#include "acme/problem.hpp"
#include "crypto/base64url.hpp"
#include "fake_transport.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using acme::test::FakeTransport;

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

const char* k_bad_nonce = R"({"type":"urn:ietf:params:acme:error:badNonce","detail":"stale"})";

struct Fixture {
    FakeTransport transport;
    NullLogger log;
    std::vector<std::chrono::milliseconds> sleeps;
    crypto::KeySigner signer{crypto::PrivateKey::generate(crypto::KeyType::ec256)};
    Client client{transport, "https://ca.test/dir", log, options()};

    ClientOptions options() {
        ClientOptions o;
        o.max_bad_nonce_retries = 3;
        o.sleep = [this](std::chrono::milliseconds d) { sleeps.push_back(d); };
        return o;
    }
    Fixture() {
        transport.push(200, acme::test::k_directory_json, {{"replay-nonce", "n0"}});
        client.set_signer(signer, "https://ca.test/acct/1");
        client.directory(); // its Replay-Nonce n0 is the first one used
    }
};

nlohmann::json protected_header(const std::string& jws_body) {
    auto jws = nlohmann::json::parse(jws_body);
    return nlohmann::json::parse(crypto::base64url_decode(jws["protected"].get<std::string>()));
}

} // namespace

TEST_CASE("directory is parsed with its meta", "[acme][client]") {
    Fixture f;
    const auto& dir = f.client.directory();
    CHECK(dir.new_order == "https://ca.test/order");
    CHECK(dir.terms_of_service == "https://ca.test/tos");
    CHECK(dir.renewal_info.empty());
    CHECK(dir.profiles.contains("classic"));
}

TEST_CASE("a directory without newOrder or with http URLs is refused", "[acme][client]") {
    FakeTransport t;
    NullLogger log;
    t.push(200, R"({"newNonce":"https://a/n","newAccount":"https://a/a"})");
    Client c1(t, "https://ca.test/dir", log);
    CHECK_THROWS_MATCHES(c1.directory(), Error, Catch::Predicate<Error>([](const Error& e) {
                             return e.kind() == ErrorKind::protocol;
                         }));
    t.push(200, R"({"newNonce":"http://a/n","newAccount":"https://a/a","newOrder":"https://a/o"})");
    Client c2(t, "https://ca.test/dir", log);
    CHECK_THROWS_AS(c2.directory(), Error);
}

TEST_CASE("nonces are reused from responses; newNonce only when none is held", "[acme][client]") {
    Fixture f;
    f.transport.push(200, "{}", {{"replay-nonce", "n1"}});
    f.transport.push(200, "{}", {{"replay-nonce", "n2"}});
    f.client.post_as_get("https://ca.test/x", "x");
    f.client.post_as_get("https://ca.test/y", "y");
    const auto& sent = f.transport.sent();
    REQUIRE(sent.size() == 3); // GET directory, two POSTs: no HEAD newNonce
    CHECK(protected_header(sent[1].body)["nonce"] == "n0");
    CHECK(protected_header(sent[2].body)["nonce"] == "n1");
    CHECK(protected_header(sent[2].body)["kid"] == "https://ca.test/acct/1");
    CHECK_FALSE(protected_header(sent[2].body).contains("jwk"));
}

TEST_CASE("without a nonce in hand the client asks newNonce with HEAD", "[acme][client]") {
    FakeTransport t;
    NullLogger log;
    crypto::KeySigner signer(crypto::PrivateKey::generate(crypto::KeyType::ec256));
    Client c(t, "https://ca.test/dir", log);
    c.set_signer(signer, "");
    t.push(200, acme::test::k_directory_json);
    t.push(200, "", {{"replay-nonce", "fresh"}});
    t.push(201, "{}");
    c.post("https://ca.test/account", nlohmann::json::object(), "x");
    REQUIRE(t.sent().size() == 3);
    CHECK(t.sent()[1].method == "HEAD");
    CHECK(t.sent()[1].url == "https://ca.test/nonce");
    auto header = protected_header(t.sent()[2].body);
    CHECK(header["nonce"] == "fresh");
    CHECK(header["jwk"]["kty"] == "EC");
    CHECK_FALSE(header.contains("kid"));
}

TEST_CASE("badNonce is retried with the nonce it carried, and bounded", "[acme][client]") {
    Fixture f;
    f.transport.push(400, k_bad_nonce, {{"replay-nonce", "after-bad"}});
    f.transport.push(200, "{}", {{"replay-nonce", "n2"}});
    f.client.post_as_get("https://ca.test/x", "x");
    CHECK(protected_header(f.transport.sent().back().body)["nonce"] == "after-bad");

    for (int i = 0; i < 4; ++i) {
        f.transport.push(400, k_bad_nonce, {{"replay-nonce", "b" + std::to_string(i)}});
    }
    CHECK_THROWS_MATCHES(
        f.client.post_as_get("https://ca.test/x", "x"), Problem,
        Catch::Predicate<Problem>([](const Problem& p) { return p.is(problem_type::bad_nonce); }));
    CHECK(f.transport.left() == 0); // 1 try + 3 retries, then it gave up
}

TEST_CASE("Retry-After on 429/503 is honoured when short, else reported", "[acme][client]") {
    Fixture f;
    f.transport.push(503, "", {{"retry-after", "2"}, {"replay-nonce", "n1"}});
    f.transport.push(200, "{}");
    f.client.post_as_get("https://ca.test/x", "x");
    REQUIRE(f.sleeps.size() == 1);
    CHECK(f.sleeps[0] == std::chrono::seconds(2));

    f.transport.push(429, R"({"type":"urn:ietf:params:acme:error:rateLimited","detail":"no"})",
                     {{"retry-after", "3600"}, {"replay-nonce", "n2"}});
    try {
        f.client.post_as_get("https://ca.test/x", "x");
        FAIL("expected a Problem");
    } catch (const Problem& p) {
        CHECK(p.temporary());
        CHECK(p.retry_after() == std::chrono::seconds(3600));
    }
    CHECK(f.sleeps.size() == 1);
}

TEST_CASE("order answers are checked before use", "[acme][order]") {
    Fixture f;
    f.transport.push(201,
                     R"({"status":"pending","identifiers":[{"type":"dns","value":"a.test"}],
                         "authorizations":["https://ca.test/authz/1"],
                         "finalize":"https://ca.test/finalize/1"})",
                     {{"location", "https://ca.test/order/1"}, {"replay-nonce", "n1"}});
    auto order = new_order(f.client, {{{"dns", "a.test"}}, "", ""});
    CHECK(order.url == "https://ca.test/order/1");
    CHECK(order.authorizations.size() == 1);
    auto payload = nlohmann::json::parse(crypto::base64url_decode(
        nlohmann::json::parse(f.transport.sent().back().body)["payload"].get<std::string>()));
    CHECK(payload["identifiers"][0]["value"] == "a.test");
    CHECK_FALSE(payload.contains("replaces"));

    SECTION("a token that could walk a path is refused") {
        f.transport.push(200, R"({"status":"pending","identifier":{"type":"dns","value":"a.test"},
            "challenges":[{"type":"http-01","url":"https://ca.test/ch/1","status":"pending",
                           "token":"../../etc/passwd"}]})");
        CHECK_THROWS_AS(fetch_authorization(f.client, "https://ca.test/authz/1"), Error);
    }
    SECTION("a finalize URL that is not https is refused") {
        f.transport.push(200, R"({"status":"ready","finalize":"file:///etc/passwd"})");
        CHECK_THROWS_AS(fetch_order(f.client, "https://ca.test/order/1"), Error);
    }
    SECTION("wrong JSON shapes are protocol errors, not crashes") {
        f.transport.push(200, R"({"status":7,"finalize":"https://ca.test/f"})");
        CHECK_THROWS_AS(fetch_order(f.client, "https://ca.test/order/1"), Error);
        f.transport.push(200, R"([1,2,3])");
        CHECK_THROWS_AS(fetch_order(f.client, "https://ca.test/order/1"), Error);
    }
}

TEST_CASE("newAccount with onlyReturnExisting and EAB", "[acme][account]") {
    FakeTransport t;
    NullLogger log;
    crypto::KeySigner signer(crypto::PrivateKey::generate(crypto::KeyType::ec256));
    Client c(t, "https://ca.test/dir", log);
    c.set_signer(signer, "");
    t.push(200, acme::test::k_directory_json, {{"replay-nonce", "n0"}});
    t.push(201, R"({"status":"valid","contact":["mailto:a@b.test"]})",
           {{"location", "https://ca.test/acct/9"}});
    NewAccountRequest req{{"mailto:a@b.test"},
                          true,
                          false,
                          EabCredentials{"kid-1", crypto::base64url_encode("secret-key-bytes")}};
    auto info = new_account(c, req);
    CHECK(info.created);
    CHECK(info.url == "https://ca.test/acct/9");
    auto payload = nlohmann::json::parse(crypto::base64url_decode(
        nlohmann::json::parse(t.sent().back().body)["payload"].get<std::string>()));
    CHECK(payload["termsOfServiceAgreed"] == true);
    auto eab_header = nlohmann::json::parse(crypto::base64url_decode(
        payload["externalAccountBinding"]["protected"].get<std::string>()));
    CHECK(eab_header["alg"] == "HS256");
    CHECK(eab_header["kid"] == "kid-1");
    CHECK(eab_header["url"] == "https://ca.test/account");

    t.push(200, R"({"status":"valid"})");
    CHECK_THROWS_AS(new_account(c, {{}, false, true, std::nullopt}), Error); // no Location
}

TEST_CASE("names are validated and normalised", "[acme][names]") {
    auto ids = parse_identifiers({"Example.COM.", "www.example.com", "example.com", "192.0.2.1",
                                  "2001:DB8::1", "*.example.com"});
    REQUIRE(ids.size() == 5);
    CHECK(ids[0] == Identifier{"dns", "example.com"});
    CHECK(ids[2] == Identifier{"ip", "192.0.2.1"});
    CHECK(ids[3] == Identifier{"ip", "2001:db8::1"});
    CHECK(lineage_name_for(ids[4]) == "_wildcard.example.com");
    CHECK(lineage_name_for(ids[3]) == "2001-db8--1");
    // A leading "-" would be read as a flag by every subcommand.
    CHECK(lineage_name_for(parse_identifier("::1")) == "ip6-0--1");
    CHECK(lineage_name_for(parse_identifier("::ffff:192.0.2.1")) == "ip6-0--ffff-192.0.2.1");

    const std::vector<std::string> bad_names = {"",
                                                "a..b.com",
                                                "-lead.example.com",
                                                "trail-.example.com",
                                                "a/b.example.com",
                                                "a\\b.example.com",
                                                "a.*.example.com",
                                                "*.*.example.com",
                                                "tab\t.example.com",
                                                std::string(64, 'a') + ".com",
                                                std::string(250, 'a') + ".example.com",
                                                "under_score.com",
                                                ".leading.com",
                                                "single"};
    for (const auto& bad : bad_names) {
        INFO(bad);
        CHECK_THROWS_MATCHES(parse_identifier(bad), Error,
                             Catch::Predicate<Error>([](const Error& e) {
                                 return e.kind() == ErrorKind::usage &&
                                        std::string(e.what()).find("invalid name") == 0;
                             }));
    }
    std::vector<std::string> many;
    for (int i = 0; i < 101; ++i) {
        many.push_back("n" + std::to_string(i) + ".example.com");
    }
    CHECK_THROWS_AS(parse_identifiers(many), Error);
    many.pop_back();
    CHECK(parse_identifiers(many).size() == 100);
}

TEST_CASE("polls start after 50 ms and double while the CA says pending", "[acme][order]") {
    Fixture f;
    const char* pending = R"({"status":"pending","identifier":{"type":"dns","value":"a.test"},
        "challenges":[{"type":"http-01","url":"https://ca.test/ch/1","status":"pending",
                       "token":"tok"}]})";
    f.transport.push(200, pending, {{"replay-nonce", "n1"}});
    f.transport.push(200, pending, {{"replay-nonce", "n2"}});
    f.transport.push(200, R"({"status":"valid","identifier":{"type":"dns","value":"a.test"},
        "challenges":[]})",
                     {{"replay-nonce", "n3"}});
    auto authz = wait_authorization(f.client, "https://ca.test/authz/1",
                                    Clock::now() + std::chrono::minutes(1));
    CHECK(authz.status == "valid");
    using std::chrono::milliseconds;
    CHECK(f.sleeps ==
          std::vector<milliseconds>{milliseconds(50), milliseconds(100), milliseconds(200)});
}

TEST_CASE("finalize of an order not fetched since its authorizations became valid",
          "[acme][order]") {
    Fixture f;
    Order order;
    order.url = "https://ca.test/order/1";
    order.status = "ready";
    order.finalize = "https://ca.test/finalize/1";
    const auto deadline = Clock::now() + std::chrono::minutes(1);
    const char* processing = R"({"status":"processing","finalize":"https://ca.test/finalize/1"})";

    SECTION("the CA agrees: one request") {
        f.transport.push(200, processing, {{"replay-nonce", "n1"}});
        CHECK(finalize_when_ready(f.client, order, "csr", deadline).status == "processing");
        CHECK(f.transport.sent().size() == 2); // the directory, the finalize
    }
    SECTION("orderNotReady: poll the order until ready, then finalize once more") {
        f.transport.push(403, R"({"type":"urn:ietf:params:acme:error:orderNotReady",
                                  "detail":"authorizations pending"})",
                         {{"replay-nonce", "n1"}});
        f.transport.push(200, R"({"status":"pending","finalize":"https://ca.test/finalize/1"})",
                         {{"replay-nonce", "n2"}});
        f.transport.push(200, R"({"status":"ready","finalize":"https://ca.test/finalize/1"})",
                         {{"replay-nonce", "n3"}});
        f.transport.push(200, processing, {{"replay-nonce", "n4"}});
        CHECK(finalize_when_ready(f.client, order, "csr", deadline).status == "processing");
        std::vector<std::string> urls;
        for (const auto& r : f.transport.sent()) {
            urls.push_back(r.url);
        }
        CHECK(urls == std::vector<std::string>{"https://ca.test/dir", order.finalize, order.url,
                                               order.url, order.finalize});
    }
    SECTION("another problem is not retried") {
        f.transport.push(400, R"({"type":"urn:ietf:params:acme:error:badCSR","detail":"no"})",
                         {{"replay-nonce", "n1"}});
        CHECK_THROWS_AS(finalize_when_ready(f.client, order, "csr", deadline), Problem);
        CHECK(f.transport.left() == 0);
        CHECK(f.transport.sent().size() == 2);
    }
}
