// expiry against servers that never stop sending (issue #15 item 6): the
// plaintext phase is capped at 64 KiB per target, reads are buffered, and a
// flooding probe does not starve a silent one whose deadline comes first.
#include "probe/probe.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace acme::probe;
using namespace std::chrono;

namespace {

int listen_loopback(int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 64) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    return fd;
}

// Accepts every connection and sends `pattern` over and over until the
// client goes away: XMPP "tags" of 60,000 bytes, which once made acmectl read
// 12.8 MB byte by byte, rescanning all of it for '>' after each byte.
class FloodServer {
  public:
    explicit FloodServer(std::string pattern) : m_pattern(std::move(pattern)) {
        m_fd = listen_loopback(m_port);
        m_acceptor = std::thread([this] { accept_loop(); });
    }
    ~FloodServer() {
        m_stop = true;
        ::shutdown(m_fd, SHUT_RDWR);
        m_acceptor.join();
        for (auto& t : m_senders) {
            t.join();
        }
        ::close(m_fd);
    }
    FloodServer(const FloodServer&) = delete;
    FloodServer& operator=(const FloodServer&) = delete;
    int port() const { return m_port; }

  private:
    void accept_loop() {
        while (!m_stop) {
            const int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (client < 0) {
                return; // shut down
            }
            m_senders.emplace_back([this, client] { flood(client); });
        }
    }
    void flood(int client) {
        const timeval tv{0, 100000}; // a blocked send wakes to see m_stop
        ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        while (!m_stop) {
            const ssize_t n = ::send(client, m_pattern.data(), m_pattern.size(), MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                break; // the probe closed the connection
            }
        }
        ::close(client);
    }

    std::string m_pattern;
    int m_fd = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::thread m_acceptor;
    std::vector<std::thread> m_senders;
};

ProbeTarget target_at(int port, Starttls protocol) {
    auto target = parse_target("127.0.0.1:" + std::to_string(port));
    target.starttls = protocol;
    return target;
}

} // namespace

TEST_CASE(
    "probe_all: flooding STARTTLS servers are cut off at 64 KiB, silent ones keep their deadline",
    "[probe]") {
    const FloodServer xmpp("<" + std::string(60000, 'a') + ">");
    const FloodServer smtp("250-" + std::string(1000, 'x') + "\r\n");
    int silent_port = 0;
    const int silent_fd = listen_loopback(silent_port); // accepts by backlog, never answers

    std::vector<ProbeTarget> targets;
    for (int i = 0; i < 16; ++i) {
        targets.push_back(target_at(xmpp.port(), Starttls::xmpp));
        targets.push_back(target_at(smtp.port(), Starttls::smtp));
    }
    targets.push_back(target_at(silent_port, Starttls::smtp));
    ProbeOptions options;
    options.timeout = milliseconds(1500);
    options.concurrency = 64;
    const auto start = steady_clock::now();
    const auto results = probe_all(targets, options);
    const auto elapsed = steady_clock::now() - start;
    ::close(silent_fd);

    REQUIRE(results.size() == targets.size());
    for (size_t i = 0; i + 1 < results.size(); ++i) {
        INFO("target " << i << ": " << results[i].error);
        CHECK(results[i].error_kind == error_kind::starttls);
        if (i % 2 == 0) {
            CHECK_THAT(results[i].error, Catch::Contains("more than 64 KiB before TLS"));
        }
    }
    const auto& silent = results.back();
    CHECK(silent.error_kind == error_kind::timeout);
    CHECK(silent.duration < milliseconds(2500)); // not starved by the flooders
    // 32 flooding targets and a silent one: about one --timeout, generous slack
    // for a loaded machine (it took minutes before the cap).
    CHECK(elapsed < milliseconds(4000));
}
