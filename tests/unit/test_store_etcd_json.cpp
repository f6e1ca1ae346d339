#include "common/error.hpp"
#include "store/etcd/etcd_client.hpp"
#include "store/etcd/etcd_url.hpp"
#include "store/etcd/gateway_json.hpp"

#include <catch2/catch.hpp>

using namespace acme::store::etcd;
using nlohmann::json;

TEST_CASE("base64 of the gateway is standard and padded", "[store]") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("\xfb\xff") == "+/8=");
    CHECK(base64_decode("+/8=") == "\xfb\xff");
    CHECK(base64_decode("Zm9vYg==") == "foob");
    CHECK(base64_decode("").empty());
    CHECK_THROWS_AS(base64_decode("-_8"), acme::Error);
}

TEST_CASE("prefix_end increments the last byte", "[store]") {
    CHECK(prefix_end("/a/") == "/a0");
    CHECK(prefix_end("ab\xff") == "ac");
    CHECK(prefix_end("") == std::string(1, '\0'));
}

TEST_CASE("requests carry base64 keys and string numbers", "[store]") {
    CHECK(encode_put("k", "v", 7) == json{{"key", "aw=="}, {"value", "dg=="}, {"lease", "7"}});
    CHECK(encode_range("/a/", "/a0", true) ==
          json{{"key", "L2Ev"}, {"range_end", "L2Ew"}, {"keys_only", true}});
    const auto txn =
        encode_txn({modified_at("c", 5), created_at("v", 0)}, {put_op("c", "2"), delete_op("x")});
    CHECK(txn["compare"][0] ==
          json{{"key", "Yw=="}, {"target", "MOD"}, {"result", "EQUAL"}, {"mod_revision", "5"}});
    CHECK(txn["compare"][1]["create_revision"] == "0");
    CHECK(txn["success"][0]["request_put"]["value"] == "Mg==");
    CHECK(txn["success"][1]["request_delete_range"]["key"] == "eA==");
    CHECK_FALSE(txn.contains("failure"));
}

TEST_CASE("range responses decode keys, values and revisions", "[store]") {
    const auto body = json::parse(R"({"header":{},"kvs":[{"key":"YQ==","value":"Yg==",
        "create_revision":"3","mod_revision":"9","lease":"12"}],"count":"1"})");
    const auto kvs = decode_kvs(body);
    REQUIRE(kvs.size() == 1);
    CHECK(kvs[0].key == "a");
    CHECK(kvs[0].value == "b");
    CHECK(kvs[0].create_revision == 3);
    CHECK(kvs[0].mod_revision == 9);
    CHECK(kvs[0].lease == 12);
    CHECK(decode_kvs(json::parse(R"({"header":{}})")).empty());
}

TEST_CASE("store URLs name endpoints and a prefix", "[store]") {
    const auto url = parse_etcd_url("etcd://10.0.0.5:2379,10.0.0.6:2379/acme/prod/");
    CHECK(url.endpoints ==
          std::vector<std::string>{"http://10.0.0.5:2379", "http://10.0.0.6:2379"});
    CHECK(url.prefix == "/acme/prod/");
    CHECK(parse_etcd_url("etcds://h:2379").endpoints[0] == "https://h:2379");
    CHECK(parse_etcd_url("etcds://h:2379").prefix == "/acmectl/");
    CHECK_THROWS_WITH(parse_etcd_url("etcd://h/acme"), Catch::Contains("HOST:PORT"));
    CHECK_THROWS_WITH(parse_etcd_url("etcd://h:1/a/../b"), Catch::Contains("prefix"));
}

TEST_CASE("a value or txn over etcd's 1.5 MiB is refused before sending, naming the key",
          "[store]") {
    // etcd counts raw bytes (protobuf), not the gateway's base64: 1530 KiB
    // passes a real etcd 3.4, 1560 KiB is "request is too large".
    CHECK_NOTHROW(check_value_size("/a/certs/x/versions/1/chain", std::string(1530 * 1024, 'x')));
    try {
        check_value_size("/a/certs/x/versions/1/chain", std::string(1560 * 1024, 'x'));
        FAIL("no error");
    } catch (const acme::Error& e) {
        CHECK(e.kind() == acme::ErrorKind::config);
        CHECK_THAT(e.what(), Catch::Contains("/a/certs/x/versions/1/chain (1597440 bytes)") &&
                                 Catch::Contains("1.5 MiB"));
    }
    // Three values each small enough, one txn too large: the largest is named.
    const std::vector<Op> version{put_op("/a/v/cert", std::string(500 * 1024, 'c')),
                                  put_op("/a/v/chain", std::string(400 * 1024, 'c')),
                                  put_op("/a/v/fullchain", std::string(900 * 1024, 'c'))};
    CHECK_THROWS_WITH(check_request_size(version),
                      Catch::Contains("cannot write /a/v/fullchain (921600 bytes)"));
    CHECK_NOTHROW(check_request_size({version[0], version[1]}));
}
