// Private to src/probe: sockets with a deadline, as coroutines. Every wait
// is a co_await on the event loop bounded by the probe's deadline; every
// failure is a net::Failure naming one of probe::error_kind.
#pragma once

#include "common/unique_fd.hpp"
#include "probe/event_loop.hpp"
#include "probe/failure.hpp"
#include "probe/task.hpp"

#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

namespace acme::probe::net {

using acme::UniqueFd; // the one owner of a socket descriptor

// Where one probe's socket calls wait, and until when.
struct Io {
    EventLoop& loop;
    int fd;
    Deadline deadline;
};

struct Address {
    sockaddr_storage storage{};
    socklen_t length = 0;
    std::string text; // "127.0.0.1:443", "[::1]:443"
};

// Resolves host and port: an IP literal at once, a name with getaddrinfo_a
// (bounded by deadline). Throws Failure dns when the name has no address,
// timeout past the deadline.
Task<std::vector<Address>> resolve(EventLoop& loop, const std::string& host, int port,
                                   Deadline deadline);
// A non-blocking socket connected to the first address that accepts; its
// text goes to connected. Throws Failure refused, unreachable, connect or
// timeout (of the last address tried).
Task<UniqueFd> connect_any(EventLoop& loop, const std::vector<Address>& addresses,
                           Deadline deadline, std::string& connected);
// Sends all of data. Throws Failure (kind on a closed connection) or timeout.
Task<> send_all(Io io, std::string_view data, std::string_view phase, std::string_view kind);
// Receives exactly n bytes (byte by byte is not needed: servers never send
// TLS before our ClientHello). Throws Failure(kind) on EOF, or timeout.
Task<std::string> receive_exact(Io io, size_t n, std::string_view phase, std::string_view kind);
// Receives one line, without its CR LF, at most max bytes. Throws like receive_exact.
Task<std::string> receive_line(Io io, std::string_view phase, std::string_view kind,
                               size_t max = 4096);
// Receives until the text read so far contains needle (at most max bytes);
// returns all of it. Throws like receive_exact.
Task<std::string> receive_until(Io io, std::string_view needle, std::string_view phase,
                                std::string_view kind, size_t max = 65536);

} // namespace acme::probe::net
