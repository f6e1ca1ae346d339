#include "common/error.hpp"
#include "loopback_server.hpp"
#include "store/etcd/etcd_watch.hpp"

#include <catch2/catch.hpp>

using namespace acme::store::etcd;
using nlohmann::json;

namespace {

std::string b64(const std::string& s) {
    return base64_encode(s);
}

std::string created_line(int revision) {
    return json{{"result",
                 {{"header", {{"revision", std::to_string(revision)}}}, {"created", true}}}}
               .dump() +
           "\n";
}

std::string events_line(int header, const std::vector<std::pair<std::string, int>>& puts,
                        const std::string& deleted = "") {
    json events = json::array();
    for (const auto& [key, rev] : puts)
        events.push_back({{"kv",
                           {{"key", b64(key)},
                            {"value", b64("v" + std::to_string(rev))},
                            {"mod_revision", std::to_string(rev)}}}});
    if (!deleted.empty())
        events.push_back(
            {{"type", "DELETE"},
             {"kv", {{"key", b64(deleted)}, {"mod_revision", std::to_string(header)}}}});
    return json{
               {"result", {{"header", {{"revision", std::to_string(header)}}}, {"events", events}}}}
               .dump() +
           "\n";
}

const std::string k_stream_head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";

Client client_for(int port) {
    ClientConfig config;
    config.endpoints = {"http://127.0.0.1:" + std::to_string(port)};
    config.http.connect_timeout = std::chrono::milliseconds(2000);
    return Client(config);
}

} // namespace

TEST_CASE("watch messages decode events, deletes, creation and compaction", "[store]") {
    WatchDecoder decoder;
    const std::string stream = created_line(7) + events_line(9, {{"/p/a", 8}, {"/p/b", 9}}, "/p/c");
    // Fed in awkward pieces: lines are split across chunks.
    std::vector<WatchMessage> all;
    for (std::size_t i = 0; i < stream.size(); i += 5) {
        for (auto& m : decoder.feed(std::string_view(stream).substr(i, 5)))
            all.push_back(std::move(m));
    }
    REQUIRE(all.size() == 2);
    CHECK(all[0].created);
    CHECK(all[0].revision == 7);
    REQUIRE(all[1].events.size() == 3);
    CHECK(all[1].events[0].type == WatchEvent::Type::put);
    CHECK(all[1].events[0].key == "/p/a");
    CHECK(all[1].events[0].value == "v8");
    CHECK(all[1].events[1].mod_revision == 9);
    CHECK(all[1].events[2].type == WatchEvent::Type::remove);
    CHECK(all[1].events[2].key == "/p/c");

    const auto compacted =
        decode_watch_message(json{{"result", {{"canceled", true}, {"compact_revision", "42"}}}});
    CHECK(compacted.compact_revision == 42);
}

TEST_CASE("untrusted watch input is bounded and refused cleanly", "[store]") {
    WatchDecoder decoder(100);
    CHECK(decoder.feed(std::string(60, 'x')).empty()); // held, under the limit
    CHECK_THROWS_AS(decoder.feed(std::string(60, 'x')), WatchTooLarge);
    CHECK(decoder.feed("\n").empty()); // the dropped line left nothing behind
    CHECK_THROWS_AS(decoder.feed("{not json\n"), acme::Error);
    CHECK_THROWS_WITH(decode_watch_message(json{{"error", {{"message", "permission denied"}}}}),
                      Catch::Contains("permission denied"));
    CHECK_THROWS_AS(decode_watch_message(json{{"result", {{"events", {{{"kv", 5}}}}}}}),
                    acme::Error);
    CHECK_THROWS_AS(
        decode_watch_message(json{{"result", {{"events", {{{"kv", {{"key", "@@"}}}}}}}}}),
        acme::Error);
}

TEST_CASE("a watch request names the range and the start revision", "[store]") {
    const auto body = encode_watch("/p/", "/p0", 12);
    CHECK(body["create_request"]["key"] == b64("/p/"));
    CHECK(body["create_request"]["range_end"] == b64("/p0"));
    CHECK(body["create_request"]["start_revision"] == "12");
    CHECK_FALSE(encode_watch("/p/", "", 0)["create_request"].contains("start_revision"));
}

TEST_CASE("a watch streams events to the handler and reports where it got", "[store]") {
    acme::test::LoopbackServer server([](const acme::test::HttpRequest& request) {
        CHECK(request.target == "/v3/watch");
        return k_stream_head + "Connection: close\r\n\r\n" + created_line(20) +
               events_line(30, {{"/p/a", 21}}) + events_line(30, {{"/p/b", 25}});
    });
    auto client = client_for(server.port());
    std::vector<std::string> keys;
    WatchRequest request{"/p/", prefix_end("/p/"), 21};
    const auto result = watch(client, request, [&](const WatchMessage& m) {
        for (const auto& e : m.events)
            keys.push_back(e.key);
        return true;
    });
    CHECK(keys == std::vector<std::string>{"/p/a", "/p/b"});
    CHECK(result.end == WatchEnd::disconnected); // the server closed the stream
    // The headers said 30 while catching up: only the events vouch.
    CHECK(result.revision == 25);
}

TEST_CASE("a watch from a start revision vouches for nothing before its events", "[store]") {
    acme::test::LoopbackServer server([](const acme::test::HttpRequest&) {
        return k_stream_head + "Connection: close\r\n\r\n" + created_line(90);
    });
    auto client = client_for(server.port());
    const auto result =
        watch(client, {"/p/", prefix_end("/p/"), 50}, [](const WatchMessage&) { return true; });
    CHECK(result.revision == 49);
    const auto from_now =
        watch(client, {"/p/", prefix_end("/p/"), 0}, [](const WatchMessage&) { return true; });
    CHECK(from_now.revision == 90);
}

TEST_CASE("a watch ends at its deadline, on the stop flag and by the handler", "[store]") {
    acme::test::LoopbackServer server([](const acme::test::HttpRequest&) {
        return k_stream_head + "\r\n" + created_line(5) + events_line(6, {{"/p/a", 6}});
    });
    auto client = client_for(server.port());
    const auto start = std::chrono::steady_clock::now();
    WatchRequest request{"/p/", prefix_end("/p/"), 0};
    request.deadline = start + std::chrono::milliseconds(300);
    auto result = watch(client, request, [](const WatchMessage&) { return true; });
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(result.end == WatchEnd::deadline);
    CHECK(result.revision == 6);
    CHECK(took < std::chrono::milliseconds(2500));

    std::atomic<bool> stop{true};
    request.deadline = std::chrono::steady_clock::time_point::max();
    request.stop = &stop;
    CHECK(watch(client, request, [](const WatchMessage&) { return true; }).end ==
          WatchEnd::stopped);

    request.stop = nullptr;
    result = watch(client, request, [](const WatchMessage& m) { return m.events.empty(); });
    CHECK(result.end == WatchEnd::handler);
    CHECK(result.revision == 6); // the message the handler saw counts

    CHECK_THROWS_WITH(watch(client, request,
                            [](const WatchMessage&) -> bool {
                                throw acme::Error(acme::ErrorKind::io, "disk full");
                            }),
                      "disk full");
}

TEST_CASE("a compacted start revision is reported as such", "[store]") {
    acme::test::LoopbackServer server([](const acme::test::HttpRequest&) {
        return k_stream_head + "\r\n" + created_line(5) +
               json{{"result", {{"canceled", true}, {"compact_revision", "40"}}}}.dump() + "\n";
    });
    auto client = client_for(server.port());
    const auto result =
        watch(client, {"/p/", prefix_end("/p/"), 3}, [](const WatchMessage&) { return true; });
    CHECK(result.end == WatchEnd::compacted);
    CHECK(result.compact_revision == 40);
}

TEST_CASE("an unreachable etcd ends the watch as disconnected, naming the endpoint", "[store]") {
    const int port = acme::test::free_port();
    auto client = client_for(port);
    const auto result =
        watch(client, {"/p/", prefix_end("/p/"), 0}, [](const WatchMessage&) { return true; });
    CHECK(result.end == WatchEnd::disconnected);
    CHECK_THAT(result.error, Catch::Contains("127.0.0.1:" + std::to_string(port)));
}
