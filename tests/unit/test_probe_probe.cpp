// probe_all and inspect_files without a TLS server: refused, silent and
// missing targets (the TLS cases are integration tests with openssl s_server).
#include "common/error.hpp"
#include "probe/probe.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace acme::probe;
using namespace std::chrono;

namespace {

// A listening loopback socket nobody accepts on: connects succeed (backlog),
// nothing is ever answered.
class SilentListener {
  public:
    SilentListener() : m_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        REQUIRE(m_fd >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(m_fd, 16) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        m_port = ntohs(addr.sin_port);
    }
    ~SilentListener() { ::close(m_fd); }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
    int port() const { return m_port; }

  private:
    int m_fd;
    int m_port = 0;
};

// A loopback port that was free a moment ago: connecting is refused.
int closed_port() {
    const SilentListener listener;
    return listener.port();
}

struct Timed {
    std::vector<ProbeResult> results;
    steady_clock::duration elapsed;
};

// probe_all's results with this timeout and concurrency, and how long it took.
Timed probe_timed(const std::vector<ProbeTarget>& targets, milliseconds timeout, int concurrency) {
    ProbeOptions options;
    options.timeout = timeout;
    options.concurrency = concurrency;
    const auto start = steady_clock::now();
    auto results = probe_all(targets, options);
    return {std::move(results), steady_clock::now() - start};
}

} // namespace

TEST_CASE("probe_all: refused and silent targets, in input order, in parallel", "[probe]") {
    const SilentListener silent;
    const int closed = closed_port();
    std::vector<ProbeTarget> targets;
    for (int i = 0; i < 3; ++i) {
        targets.push_back(parse_target("127.0.0.1:" + std::to_string(silent.port())));
        targets.push_back(parse_target("127.0.0.1:" + std::to_string(closed)));
    }
    const auto [results, elapsed] = probe_timed(targets, milliseconds(700), 8);

    REQUIRE(results.size() == targets.size());
    for (size_t i = 0; i < results.size(); ++i) {
        INFO("target " << i << ": " << results[i].error);
        CHECK(results[i].target.input == targets[i].input);
        CHECK_FALSE(results[i].ok);
        CHECK(results[i].error_kind == (i % 2 == 0 ? error_kind::timeout : error_kind::refused));
    }
    CHECK(results[0].error.find("TLS handshake") != std::string::npos);
    CHECK(results[0].duration >= milliseconds(600));
    CHECK(elapsed < milliseconds(1500)); // three timeouts at once, not one after another
}

TEST_CASE("probe_all: a name is resolved (getaddrinfo_a) before connecting", "[probe]") {
    // Only loopback: "localhost" comes from /etc/hosts, no DNS query leaves the host.
    ProbeOptions options;
    options.timeout = seconds(5);
    const auto results =
        probe_all({parse_target("localhost:" + std::to_string(closed_port()))}, options);
    REQUIRE(results.size() == 1);
    CHECK(results[0].error_kind == error_kind::refused);
    CHECK_THAT(results[0].error, Catch::Contains("refused"));
}

TEST_CASE("probe_all: an unreadable CA bundle is a usage error", "[probe]") {
    ProbeOptions options;
    options.ca_bundle = "/nonexistent/bundle.pem";
    CHECK_THROWS_AS(probe_all({parse_target("127.0.0.1:1")}, options), acme::Error);
}

TEST_CASE("inspect_files: missing and non-certificate files are results", "[probe]") {
    const auto results = inspect_files({"/nonexistent/cert.pem", "/etc/hostname"}, "", {});
    REQUIRE(results.size() == 2);
    CHECK(results[0].error_kind == error_kind::io);
    CHECK(results[0].file == "/nonexistent/cert.pem");
    CHECK(results[1].error_kind == error_kind::certificate);
}

TEST_CASE("probe_all: at most `concurrency` targets are in flight", "[probe]") {
    const SilentListener silent;
    const std::vector<ProbeTarget> targets(
        6, parse_target("127.0.0.1:" + std::to_string(silent.port())));
    const auto [results, elapsed] = probe_timed(targets, milliseconds(300), 2);

    REQUIRE(results.size() == 6);
    for (const auto& result : results) {
        CHECK(result.error_kind == error_kind::timeout);
        CHECK(result.duration >= milliseconds(300)); // each deadline starts with its own probe
    }
    CHECK(elapsed >= milliseconds(900)); // three rounds of two, not all six at once
    CHECK(elapsed < milliseconds(1800));
}
