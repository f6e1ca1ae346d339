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
// What a server may send before TLS (greetings, capabilities, replies): a
// few KiB in practice. More is a server flooding us, refused at once.
inline constexpr size_t k_max_plaintext = 64 * 1024;

// The plaintext input of one connection: bytes received but not consumed
// yet, and the count of all received, capped at k_max_plaintext. Reads are
// buffered (up to 4 KiB each) and each waits on the loop first: a probe
// never reads twice in one turn, so a flooding server cannot starve the
// others, and the deadline is checked before every read.
struct Input {
    std::string pending;
    size_t total = 0;
};

// Receives exactly n bytes. Throws Failure(kind) on EOF or past the cap,
// timeout past the deadline.
Task<std::string> receive_exact(Io io, Input& in, size_t n, std::string_view phase,
                                std::string_view kind);
// Receives one line, without its CR LF, at most max bytes. Throws like receive_exact.
Task<std::string> receive_line(Io io, Input& in, std::string_view phase, std::string_view kind,
                               size_t max = 4096);
// Receives up to and including the first needle (at most max bytes) and
// returns it. Throws like receive_exact.
Task<std::string> receive_until(Io io, Input& in, std::string_view needle, std::string_view phase,
                                std::string_view kind, size_t max = 65536);

} // namespace acme::probe::net
