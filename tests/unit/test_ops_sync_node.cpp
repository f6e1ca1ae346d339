#include "ops/sync_node.hpp"

#include <catch2/catch.hpp>

using namespace acme::ops;
using nlohmann::json;

TEST_CASE("a node record round-trips through its JSON", "[ops]") {
    NodeRecord record{"web2", std::chrono::sys_seconds(std::chrono::seconds(1764892800)), {}, {}};
    record.lineages["a.example.com"] = {3, "", ""};
    record.lineages["b.example.com"] = {std::nullopt, "reload: exit 1", "no group 'ssl-cert'"};
    const auto doc = node_to_json(record);
    CHECK(doc["last_sync"] == "2025-12-05T00:00:00Z");
    const auto back = node_from_json("web2", json::parse(doc.dump()));
    CHECK(back.node == "web2");
    CHECK(back.last_sync == record.last_sync);
    REQUIRE(back.lineages.size() == 2);
    CHECK(back.lineages.at("a.example.com").version == 3);
    CHECK_FALSE(back.lineages.at("b.example.com").version);
    CHECK(back.lineages.at("b.example.com").deploy_error == "reload: exit 1");
    CHECK(back.lineages.at("b.example.com").sync_error == "no group 'ssl-cert'");
}

TEST_CASE("another node's record is read leniently", "[ops]") {
    CHECK(node_from_json("x", json::parse("[1]")).lineages.empty());
    CHECK(node_from_json("x", json(nullptr)).lineages.empty());
    const auto odd = node_from_json(
        "x", json{{"last_sync", 5},
                  {"lineages", {{"a", {{"version", "7"}, {"deploy_error", 1}}}, {"b", 3}}}});
    CHECK_FALSE(odd.last_sync);
    REQUIRE(odd.lineages.size() == 1);
    CHECK_FALSE(odd.lineages.at("a").version);
    CHECK(odd.lineages.at("a").deploy_error.empty());
}

TEST_CASE("a node record says whether the node answers the fleet's http-01", "[ops]") {
    NodeRecord record{"web3", std::nullopt, {}, "webroot"};
    auto doc = node_to_json(record);
    CHECK(doc["http01"] == "webroot");
    CHECK(node_from_json("web3", doc).http01 == "webroot");
    record.http01.clear(); // a node that only syncs certificates: no member at all
    doc = node_to_json(record);
    CHECK_FALSE(doc.contains("http01"));
    CHECK(node_from_json("web3", doc).http01.empty());
    CHECK(node_from_json("x", json{{"http01", 7}}).http01.empty());
}
