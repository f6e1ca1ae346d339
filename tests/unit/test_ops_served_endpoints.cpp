#include "common/error.hpp"
#include "ops/served_endpoints.hpp"

#include <catch2/catch.hpp>

using namespace acme::ops;
using nlohmann::json;

namespace {

json config_with(const std::vector<std::string>& domains, json endpoints = nullptr) {
    json config = {{"name", "x"}, {"domains", domains}};
    if (!endpoints.is_null()) {
        config["endpoints"] = endpoints;
    }
    return config;
}

} // namespace

TEST_CASE("endpoints parse like expiry targets", "[ops][served]") {
    CHECK(parse_served_endpoint("a.example") == ServedEndpoint{"a.example", 443, ""});
    CHECK(parse_served_endpoint("127.0.0.1:8443") == ServedEndpoint{"127.0.0.1", 8443, ""});
    CHECK(parse_served_endpoint("[::1]:8443") == ServedEndpoint{"::1", 8443, ""});
    CHECK(parse_served_endpoint("::1") == ServedEndpoint{"::1", 443, ""});
    CHECK(parse_served_endpoint("127.0.0.1:8443", "WWW.Example.") ==
          ServedEndpoint{"127.0.0.1", 8443, "www.example"});
}

TEST_CASE("bad endpoints are refused with their text", "[ops][served]") {
    for (const char* bad : {"", "a.example:0", "a.example:65536", "a.example:x", "[::1",
                            "[::1]8443", "::1:8443:", "a b", "https://a.example/",
                            "a.example:443/path", "-bad-.example..", "[1.2.3.4]:443"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_served_endpoint(bad), acme::Error);
    }
    CHECK_THROWS_WITH(parse_served_endpoint("a.example:99999"),
                      Catch::Contains("bad endpoint 'a.example:99999'"));
    CHECK_THROWS_WITH(parse_served_endpoint("127.0.0.1", "*.example"),
                      Catch::Contains("bad endpoint SNI"));
    CHECK_THROWS_AS(parse_served_endpoint("127.0.0.1", "192.0.2.1"), acme::Error);
    CHECK_THROWS_AS(parse_served_endpoint("127.0.0.1", "bad name"), acme::Error);
}

TEST_CASE("labels bracket IPv6", "[ops][served]") {
    CHECK(endpoint_label({"::1", 8443, ""}) == "[::1]:8443");
    CHECK(endpoint_label({"a.example", 443, ""}) == "a.example:443");
}

TEST_CASE("by default each non-wildcard name on 443, itself as SNI", "[ops][served]") {
    const auto config = config_with({"a.example", "*.b.example", "c.example", "192.0.2.7"});
    CHECK(uses_default_endpoints(config));
    const auto endpoints = effective_endpoints(config);
    REQUIRE(endpoints.size() == 3);
    CHECK(endpoints[0] == ServedEndpoint{"a.example", 443, "a.example"});
    CHECK(endpoints[1] == ServedEndpoint{"c.example", 443, "c.example"});
    // An address is no server name: the lineage's first name is sent instead.
    CHECK(endpoints[2] == ServedEndpoint{"192.0.2.7", 443, "a.example"});
    CHECK(effective_endpoints(config_with({"*.w.example"})).empty());
}

TEST_CASE("set endpoints replace the defaults and get the lineage's name", "[ops][served]") {
    const auto set = endpoints_to_json(
        {{"127.0.0.1", 8443, ""}, {"c.example", 443, ""}, {"::1", 9443, "z.example"}});
    const auto config = config_with({"*.w.example", "a.example", "c.example"}, set);
    CHECK_FALSE(uses_default_endpoints(config));
    const auto endpoints = effective_endpoints(config);
    REQUIRE(endpoints.size() == 3);
    CHECK(endpoints[0] == ServedEndpoint{"127.0.0.1", 8443, "a.example"});
    CHECK(endpoints[1] == ServedEndpoint{"c.example", 443, "c.example"});
    CHECK(endpoints[2] == ServedEndpoint{"::1", 9443, "z.example"});
    // Only wildcards: nothing to derive a name from, no SNI is sent.
    CHECK(effective_endpoints(config_with({"*.w.example"}, set))[0].sni.empty());
}

TEST_CASE("endpoints round-trip through config.json", "[ops][served]") {
    const std::vector<ServedEndpoint> list = {{"127.0.0.1", 8443, ""}, {"::1", 443, "a.example"}};
    const auto doc = endpoints_to_json(list);
    CHECK(doc == json::parse(R"([{"host":"127.0.0.1","port":8443},
                                 {"host":"::1","port":443,"sni":"a.example"}])"));
    CHECK(endpoints_from_json(doc) == list);
    CHECK(endpoints_from_json(nullptr).empty());
    CHECK(configured_endpoints(config_with({"a.example"})).empty());
}

TEST_CASE("malformed endpoints in config.json are config errors", "[ops][served]") {
    for (const char* bad : {R"({"host":"a"})", R"([{"port":443}])", R"([{"host":"a","port":"x"}])",
                            R"([{"host":"a","port":0}])", R"([{"host":"a b"}])",
                            R"([{"host":"a","sni":7}])", R"([42])"}) {
        CAPTURE(bad);
        try {
            endpoints_from_json(json::parse(bad));
            FAIL("accepted");
        } catch (const acme::Error& e) {
            CHECK(e.kind() == acme::ErrorKind::config);
        }
    }
}
