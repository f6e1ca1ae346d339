#include <catch2/catch.hpp>

#include "acme/problem.hpp"

using namespace acme;

namespace {

http::Response response(long status, std::string body,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

} // namespace

TEST_CASE("problem document with subproblems", "[acme][problem]") {
    auto r = response(400, R"({
      "type": "urn:ietf:params:acme:error:malformed",
      "detail": "Some of the identifiers requested were rejected",
      "status": 400,
      "subproblems": [
        {"type": "urn:ietf:params:acme:error:malformed",
         "detail": "Invalid underscore in DNS name \"_example.org\"",
         "identifier": {"type": "dns", "value": "_example.org"}},
        {"type": "urn:ietf:params:acme:error:rejectedIdentifier",
         "detail": "This CA will not issue for \"example.net\"",
         "identifier": {"type": "dns", "value": "example.net"}}
      ]})");
    auto p = problem_from_response(r, "the new order");
    CHECK(p.kind() == ErrorKind::acme_problem);
    CHECK(p.is(problem_type::malformed));
    CHECK_FALSE(p.is(problem_type::bad_nonce));
    CHECK(p.status() == 400);
    REQUIRE(p.subproblems().size() == 2);
    CHECK(p.subproblems()[1].identifier == "example.net");
    CHECK(p.subproblems()[1].type == "urn:ietf:params:acme:error:rejectedIdentifier");
    std::string msg = p.what();
    CHECK(msg.find("the new order") != std::string::npos);
    CHECK(msg.find("example.net: This CA will not issue") != std::string::npos);
    CHECK_FALSE(p.temporary());
}

TEST_CASE("rate limits and unavailability are temporary", "[acme][problem]") {
    auto limited = problem_from_response(
        response(429, R"({"type":"urn:ietf:params:acme:error:rateLimited","detail":"slow down"})",
                 {{"retry-after", "120"}}),
        "x");
    CHECK(limited.is(problem_type::rate_limited));
    CHECK(limited.temporary());
    REQUIRE(limited.retry_after());
    CHECK(limited.retry_after()->count() == 120);
    auto unavailable = problem_from_response(response(503, "<html>down</html>"), "x");
    CHECK(unavailable.temporary());
    CHECK(std::string(unavailable.what()).find("HTTP status 503") != std::string::npos);
}

TEST_CASE("hostile problem documents stay one short line", "[acme][problem]") {
    std::string detail(5000, 'A');
    detail[10] = '\n';
    auto p = problem_from_response(
        response(400, nlohmann::json{{"type", 42}, {"detail", detail}}.dump()), "x");
    std::string msg = p.what();
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(msg.size() < 600);
    CHECK(p.type().empty());
    auto not_object = problem_from_json(nlohmann::json::array(), "the order");
    CHECK(std::string(not_object.what()).find("malformed") != std::string::npos);
}
