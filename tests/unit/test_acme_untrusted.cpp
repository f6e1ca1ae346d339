// Hostile server answers (issue #15 items 4 and 8): deep JSON nesting, control
// characters in server text, authorizations for names that were not ordered.
#include "acme/client.hpp"
#include "acme/json_access.hpp"
#include "acme/order.hpp"
#include "acme/problem.hpp"
#include "common/server_text.hpp"
#include "common/untrusted_json.hpp"
#include "crypto/signer.hpp"
#include "fake_transport.hpp"
#include "renew/ari.hpp"

#include <catch2/catch.hpp>

using namespace acme;
using acme::test::FakeTransport;

namespace {

std::string nested(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

struct Fixture {
    FakeTransport transport;
    NullLogger log;
    crypto::KeySigner signer{crypto::PrivateKey::generate(crypto::KeyType::ec256)};
    Client client{transport, "https://ca.test/dir", log};
    Fixture() {
        transport.push(200, acme::test::k_directory_json, {{"replay-nonce", "n0"}});
        client.set_signer(signer, "https://ca.test/acct/1");
        client.directory();
    }
};

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("JSON nesting depth is bounded before parsing", "[acme][json]") {
    CHECK(json_depth_within(nested(64)));
    CHECK_FALSE(json_depth_within(nested(65)));
    CHECK(json_depth_within(
        R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
    CHECK(json_depth_within(R"(["\\", "\"[[["])", 1));
    CHECK_FALSE(json_depth_within(R"(["\\", [1]])", 1));
    CHECK(parse_untrusted_json(nested(200000)).is_discarded());
    CHECK(parse_untrusted_json(R"({"a":[1]})")["a"][0] == 1);
}

TEST_CASE("200,000 nested brackets from the CA are a clean protocol error", "[acme][json]") {
    const std::string deep = "{\"a\":" + nested(200000) + "}";
    SECTION("directory") {
        FakeTransport t;
        NullLogger log;
        t.push(200, deep);
        Client c(t, "https://ca.test/dir", log);
        const auto msg = error_of([&] { c.directory(); });
        CHECK(msg.find("nested deeper than 64") != std::string::npos);
    }
    SECTION("order and authorization") {
        Fixture f;
        f.transport.push(200, deep);
        CHECK(error_of([&] {
                  fetch_order(f.client, "https://ca.test/order/1");
              }).find("malformed order") != std::string::npos);
        f.transport.push(200, deep);
        CHECK_FALSE(
            error_of([&] { fetch_authorization(f.client, "https://ca.test/a/1"); }).empty());
    }
    SECTION("problem document") {
        Fixture f;
        f.transport.push(400, deep, {{"content-type", "application/problem+json"}});
        try {
            f.client.post_as_get("https://ca.test/x", "the order request");
            FAIL("expected a Problem");
        } catch (const Problem& p) {
            CHECK(p.detail() == "HTTP status 400");
        }
    }
    SECTION("ARI renewalInfo") {
        CHECK_FALSE(renew::parse_renewal_info(deep).has_value());
    }
}

TEST_CASE("server text is one printable line", "[acme][text]") {
    CHECK(clean_server_text("ok \x1b[2J\x1b]0;x\a\r\nIssued") == "ok  [2J ]0;x   Issued");
    CHECK(clean_server_text("a\xc2\x9b"
                            "31mb\x7f") == "a 31mb ");
    CHECK(clean_server_text("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(clean_server_text(std::string(500, 'x'), 10) == "xxxxxxxxxx...");
}

TEST_CASE("escape sequences in a problem detail never reach the message", "[acme][text]") {
    Fixture f;
    f.transport.push(403, "{\"type\":\"urn:ietf:params:acme:error:unauthorized\","
                          "\"detail\":\"no\\u001b[2J\\u001b[1;1HIssued example.com\"}");
    const auto msg = error_of([&] { f.client.post_as_get("https://ca.test/x", "x"); });
    CHECK(msg.find('\x1b') == std::string::npos);
    CHECK(msg.find("Issued example.com") != std::string::npos);
}

TEST_CASE("an order or authorization for names not requested is refused", "[acme][order]") {
    Fixture f;
    SECTION("order naming an extra identifier") {
        f.transport.push(201,
                         R"({"status":"pending","identifiers":[{"type":"dns","value":"a.test"},
                             {"type":"dns","value":"evil.test"}],
                             "authorizations":["https://ca.test/authz/1"],
                             "finalize":"https://ca.test/finalize/1"})",
                         {{"location", "https://ca.test/order/1"}, {"replay-nonce", "n1"}});
        const auto msg = error_of([&] { new_order(f.client, {{{"dns", "a.test"}}, "", ""}); });
        CHECK(msg.find("'evil.test', which was not requested") != std::string::npos);
    }
    SECTION("authorization matching") {
        Order order;
        order.identifiers = {{"dns", "a.test"}, {"dns", "*.b.test"}};
        Authorization authz;
        authz.identifier = {"dns", "A.test"};
        CHECK_NOTHROW(check_authorization_in_order(order, authz));
        authz.identifier = {"dns", "b.test"};
        authz.wildcard = true;
        CHECK_NOTHROW(check_authorization_in_order(order, authz));
        authz.wildcard = false;
        CHECK_THROWS_WITH(check_authorization_in_order(order, authz),
                          Catch::Contains("'b.test', which is not in the order"));
        authz.identifier = {"dns", "x\x1b[2J.test"};
        CHECK_THROWS_WITH(check_authorization_in_order(order, authz), !Catch::Contains("\x1b"));
    }
    SECTION("a status with escape sequences is cleaned") {
        f.transport.push(200, R"({"status":"bad\u001b[2J","finalize":"https://ca.test/f"})");
        CHECK(fetch_order(f.client, "https://ca.test/order/1").status == "bad [2J");
    }
}

TEST_CASE("URLs from the CA are printable ASCII", "[acme][text]") {
    CHECK_NOTHROW(check_url("https://ca.test/acct/1", false, "account URL"));
    CHECK_THROWS_WITH(check_url("https://ca.test/\xc2\x9b" "2J", false, "account URL"),
                      Catch::Contains("non-ASCII"));
    CHECK_THROWS_AS(check_url("https://ca.test/\x1b[2J", false, "account URL"), Error);
}
