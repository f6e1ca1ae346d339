#include "common/error.hpp"
#include "common/version.hpp"
#include "http/curl_client.hpp"
#include "loopback_server.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

using acme::Error;
using acme::ErrorKind;
using acme::http::ClientOptions;
using acme::http::CurlClient;
using acme::test::HttpRequest;
using acme::test::LoopbackServer;
using acme::test::make_response;
using namespace std::chrono_literals;

namespace {

ClientOptions fast_options() {
    ClientOptions options;
    options.connect_timeout = 2000ms;
    options.total_timeout = 5000ms;
    return options;
}

// Runs call, which must throw acme::Error, and returns it.
template <typename Call> Error error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no acme::Error thrown");
    throw std::logic_error("unreachable");
}

template <typename Call> std::chrono::milliseconds elapsed(Call&& call) {
    const auto start = std::chrono::steady_clock::now();
    call();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

} // namespace

TEST_CASE("GET returns status, body and lower-cased headers", "[http]") {
    LoopbackServer server([](const HttpRequest&) {
        return make_response(
            200, "hello",
            "Replay-Nonce: n1\r\nX-Spaced:   padded  \r\n"
            "Link: <https://x/a>;rel=\"alternate\"\r\nLink: <https://x/b>;rel=\"alternate\"\r\n");
    });
    CurlClient client(fast_options());
    const auto response = client.get(server.url("/dir"));
    CHECK(response.status == 200);
    CHECK(response.body == "hello");
    CHECK(response.header("Replay-Nonce") == "n1");
    CHECK(response.header("x-spaced") == "padded");
    CHECK(response.links("alternate") == std::vector<std::string>{"https://x/a", "https://x/b"});
    for (const auto& [name, value] : response.headers)
        CHECK(name == acme::test::lower(name));
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].target == "/dir");
    CHECK(requests[0].header("user-agent") == std::string("acmectl/") + ACMECTL_VERSION);
}

TEST_CASE("two requests reuse one kept-alive connection", "[http]") {
    LoopbackServer server([](const HttpRequest& r) { return make_response(200, r.target); });
    CurlClient client(fast_options());
    CHECK(client.get(server.url("/one")).body == "/one");
    CHECK(client.post(server.url("/two"), "{}", "application/jose+json").body == "/two");
    CHECK(client.head(server.url("/three")).status == 200);
    CHECK(client.requests() == 3);
    CHECK(client.connections() == 1);
    CHECK(server.accepted() == 1);
}

TEST_CASE("POST sends body and content type", "[http]") {
    LoopbackServer server([](const HttpRequest&) {
        return make_response(201, "", "Location: https://x/acct/1\r\n");
    });
    ClientOptions options = fast_options();
    options.user_agent = "custom/1";
    CurlClient client(options);
    const std::string body = R"({"protected":"e30","payload":"","signature":"c2ln"})";
    const auto response = client.post(server.url("/new-acct"), body, "application/jose+json");
    CHECK(response.status == 201);
    CHECK(response.header("location") == "https://x/acct/1");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const auto& request = requests[0];
    CHECK(request.method == "POST");
    CHECK(request.body == body);
    CHECK(request.header("content-type") == "application/jose+json");
    CHECK(request.header("user-agent") == "custom/1");
}

TEST_CASE("HEAD, error statuses and redirects are returned, not followed or thrown", "[http]") {
    LoopbackServer server([](const HttpRequest& r) -> std::optional<std::string> {
        if (r.method == "HEAD")
            return "HTTP/1.1 200 OK\r\nReplay-Nonce: n2\r\nContent-Length: 4000000\r\n\r\n";
        if (r.target == "/moved")
            return make_response(301, "", "Location: /elsewhere\r\n");
        return make_response(404, R"({"type":"urn:ietf:params:acme:error:malformed"})");
    });
    ClientOptions options = fast_options();
    options.max_body = 100; // HEAD announces more, but has no body
    CurlClient client(options);
    const auto head = client.head(server.url("/nonce"));
    CHECK(head.status == 200);
    CHECK(head.header("replay-nonce") == "n2");
    CHECK(head.body.empty());
    const auto moved = client.get(server.url("/moved"));
    CHECK(moved.status == 301);
    CHECK(moved.header("location") == "/elsewhere");
    CHECK(client.get(server.url("/missing")).status == 404);
    CHECK(server.requests().size() == 3);
}

TEST_CASE("interim 100 responses do not mix their headers in", "[http]") {
    LoopbackServer server([](const HttpRequest&) {
        return "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n" +
               make_response(200, "ok", "X-Final: yes\r\n");
    });
    CurlClient client(fast_options());
    const auto response = client.post(server.url("/"), "x", "text/plain");
    CHECK(response.status == 200);
    CHECK(response.header("x-final") == "yes");
    CHECK(response.header("x-interim").empty());
}

TEST_CASE("a body over max_body throws protocol", "[http]") {
    const std::string big(5000, 'x');
    LoopbackServer server([&](const HttpRequest& r) -> std::optional<std::string> {
        if (r.target == "/announced")
            return make_response(200, big);
        // No Content-Length: only the write callback can stop it.
        return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + big +
               "\r\n0\r\n\r\n";
    });
    ClientOptions options = fast_options();
    options.max_body = 1000;
    CurlClient client(options);
    for (const auto* path : {"/announced", "/chunked"}) {
        const auto error = error_of([&] { client.get(server.url(path)); });
        CHECK(error.kind() == ErrorKind::protocol);
        CHECK_THAT(error.what(), Catch::Contains("exceeds 1000 bytes") && Catch::Contains(path));
    }
    options.max_body = 5000; // exactly at the cap is fine
    CurlClient roomy(options);
    CHECK(roomy.get(server.url("/chunked")).body == big);
}

TEST_CASE("a closed port gives network quickly", "[http]") {
    const int port = acme::test::free_port();
    CurlClient client(fast_options());
    const auto took = elapsed([&] {
        const auto error =
            error_of([&] { client.get("http://127.0.0.1:" + std::to_string(port) + "/"); });
        CHECK(error.kind() == ErrorKind::network);
        CHECK_THAT(error.what(),
                   Catch::StartsWith("cannot connect to 127.0.0.1:" + std::to_string(port)));
        CHECK(error.temporary());
    });
    CHECK(took < 1500ms);
}

TEST_CASE("a server that never answers gives timeout within the total timeout", "[http]") {
    LoopbackServer server([](const HttpRequest&) { return std::nullopt; });
    ClientOptions options = fast_options();
    options.total_timeout = 300ms;
    CurlClient client(options);
    const auto took = elapsed([&] {
        const auto error = error_of([&] { client.get(server.url("/slow")); });
        CHECK(error.kind() == ErrorKind::timeout);
    });
    CHECK(took >= 250ms);
    CHECK(took < 2000ms);
}

TEST_CASE("TLS failures give tls", "[http]") {
    LoopbackServer server([](const HttpRequest&) { return make_response(200, "plain"); });
    const auto https = "https://127.0.0.1:" + std::to_string(server.port()) + "/";

    SECTION("missing CA file") {
        ClientOptions options = fast_options();
        options.ca_bundle = "/nonexistent/acmectl-ca.pem";
        CurlClient client(options);
        const auto error = error_of([&] { client.get(https); });
        CHECK(error.kind() == ErrorKind::tls);
        CHECK_THAT(error.what(), Catch::StartsWith("TLS verification of 127.0.0.1 failed: "));
    }
    SECTION("CA file that is not PEM") {
        const auto path = std::filesystem::temp_directory_path() / "acmectl-test-bad-ca.pem";
        std::ofstream(path) << "not a certificate\n";
        ClientOptions options = fast_options();
        options.ca_bundle = path.string();
        CurlClient client(options);
        const auto error = error_of([&] { client.get(https); });
        std::filesystem::remove(path);
        CHECK(error.kind() == ErrorKind::tls);
    }
    SECTION("https to a plain HTTP port") {
        CurlClient client(fast_options());
        const auto error = error_of([&] { client.get(https); });
        CHECK(error.kind() == ErrorKind::tls);
        CHECK_THAT(error.what(), Catch::Contains("127.0.0.1"));
    }
}

TEST_CASE("URLs curl must not fetch are refused", "[http]") {
    CurlClient client(fast_options());
    CHECK(error_of([&] { client.get("file:///etc/passwd"); }).kind() == ErrorKind::protocol);
    CHECK(error_of([&] { client.get("not a url"); }).kind() != ErrorKind::tls);
}
