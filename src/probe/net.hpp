// Private to src/probe: sockets with a deadline. Every wait is a poll()
// bounded by the probe's deadline; every failure is a net::Failure naming
// one of probe::error_kind, which probe.cpp turns into a result.
#pragma once

#include "common/unique_fd.hpp"

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace acme::probe::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

class Failure : public std::runtime_error {
  public:
    Failure(std::string kind, const std::string& detail)
        : std::runtime_error(detail), m_kind(std::move(kind)) {}
    const std::string& kind() const { return m_kind; }

  private:
    std::string m_kind;
};

using acme::UniqueFd; // the one owner of a socket descriptor

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    std::string text; // "127.0.0.1:443", "[::1]:443"
};

// Resolves host and port (getaddrinfo_a, bounded by deadline). Throws
// Failure dns when the name has no address, timeout past the deadline.
std::vector<Address> resolve(const std::string& host, int port, Deadline deadline);
// A non-blocking socket connected to the first address that accepts. Throws
// Failure refused, unreachable, connect or timeout (of the last address tried).
UniqueFd connect_any(const std::vector<Address>& addresses, Deadline deadline,
                     std::string& connected);
// Waits until fd is ready for events (POLLIN/POLLOUT), an error or hang-up.
// Throws Failure timeout "timed out during <phase>" past the deadline.
void wait_for(int fd, short events, Deadline deadline, std::string_view phase);
// Sends all of data. Throws Failure (kind on a closed connection) or timeout.
void send_all(int fd, std::string_view data, Deadline deadline, std::string_view phase,
              const std::string& kind);
// Receives exactly n bytes (byte by byte is not needed: servers never send
// TLS before our ClientHello). Throws Failure(kind) on EOF, or timeout.
std::string receive_exact(int fd, size_t n, Deadline deadline, std::string_view phase,
                          const std::string& kind);
// Receives one line, without its CR LF, at most max bytes. Throws like receive_exact.
std::string receive_line(int fd, Deadline deadline, std::string_view phase, const std::string& kind,
                         size_t max = 4096);
// Receives until the text read so far contains needle (at most max bytes);
// returns all of it. Throws like receive_exact.
std::string receive_until(int fd, std::string_view needle, Deadline deadline,
                          std::string_view phase, const std::string& kind, size_t max = 65536);

} // namespace acme::probe::net
