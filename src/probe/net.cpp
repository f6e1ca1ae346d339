#include "probe/net.hpp"

#include "probe/probe.hpp"
#include "probe/target.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <optional>
#include <poll.h>

namespace acme::probe::net {

namespace {

// One getaddrinfo_a request; owns the strings and the answer it points to.
struct Lookup {
    std::string host;
    std::string service;
    addrinfo hints{};
    gaicb request{};
    Lookup(std::string h, std::string s) : host(std::move(h)), service(std::move(s)) {
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        request.ar_name = host.c_str();
        request.ar_service = service.c_str();
        request.ar_request = &hints;
    }
    Lookup(const Lookup&) = delete;
    Lookup& operator=(const Lookup&) = delete;
    ~Lookup() {
        if (request.ar_result != nullptr) {
            freeaddrinfo(request.ar_result);
        }
    }
};

// Waits for the lookup; on timeout cancels it. A lookup glibc cannot cancel
// any more is still being written to by its resolver thread, so it is left
// to that thread (a bounded leak, only after a timeout) rather than freed.
Task<int> wait_lookup(EventLoop& loop, std::unique_ptr<Lookup>& lookup, Deadline deadline) {
    gaicb* const request = &lookup->request;
    try {
        co_await loop.wait_until([request] { return gai_error(request) != EAI_INPROGRESS; },
                                 deadline, "DNS lookup");
    } catch (const Failure&) {
        if (gai_cancel(request) == EAI_NOTCANCELED) {
            static_cast<void>(lookup.release());
        }
        throw;
    }
    co_return gai_error(request);
}

std::string address_text(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
        inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
        return host_port(buf, ntohs(v6->sin6_port));
    }
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    return host_port(buf, ntohs(v4->sin_port));
}

std::vector<Address> addresses_of(const addrinfo* list, const std::string& host) {
    std::vector<Address> addresses;
    for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(sockaddr_storage)) {
            continue;
        }
        Address address;
        std::memcpy(&address.storage, ai->ai_addr, ai->ai_addrlen);
        address.length = ai->ai_addrlen;
        address.text = address_text(ai->ai_addr);
        addresses.push_back(std::move(address));
    }
    if (addresses.empty()) {
        throw Failure(error_kind::dns, host + ": no address");
    }
    return addresses;
}

// The addresses of an IP literal, which need no resolver thread and no
// wait; nullopt for a name.
std::optional<std::vector<Address>> literal_addresses(const std::string& host,
                                                      const std::string& service) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* list = nullptr;
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &list) != 0) {
        return std::nullopt;
    }
    const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(list, &freeaddrinfo);
    return addresses_of(list, host);
}

[[noreturn]] void connect_failed(int err, const Address& address) {
    const std::string detail = std::strerror(err) + std::string(" (") + address.text + ")";
    switch (err) {
    case ECONNREFUSED:
        throw Failure(error_kind::refused, detail);
    case ENETUNREACH:
    case EHOSTUNREACH:
        throw Failure(error_kind::unreachable, detail);
    case ETIMEDOUT:
        throw Failure(error_kind::timeout, detail);
    default:
        throw Failure(error_kind::connect, detail);
    }
}

Task<UniqueFd> connect_one(EventLoop& loop, const Address& address, Deadline deadline) {
    UniqueFd fd(::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        throw Failure(error_kind::connect, std::string("socket: ") + std::strerror(errno));
    }
    const auto* sa = reinterpret_cast<const sockaddr*>(&address.storage);
    if (::connect(fd.get(), sa, address.length) == 0) {
        co_return std::move(fd);
    }
    if (errno != EINPROGRESS) {
        connect_failed(errno, address);
    }
    const std::string phase = "connect to " + address.text;
    co_await loop.wait_for(fd.get(), POLLOUT, deadline, phase);
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    if (err != 0) {
        connect_failed(err, address);
    }
    co_return std::move(fd);
}

[[noreturn]] void closed(std::string_view phase, std::string_view kind) {
    throw Failure(kind, "connection closed by the server during " + std::string(phase));
}

// Appends what has arrived (at most 4 KiB) to out; false when nothing has.
// Throws Failure(kind) on EOF.
bool read_some(int fd, std::string& out, std::string_view phase, std::string_view kind) {
    char buf[4096]; // on the loop's stack, not in every probe's frame
    const ssize_t got = ::recv(fd, buf, sizeof buf, 0);
    if (got > 0) {
        out.append(buf, static_cast<size_t>(got));
        return true;
    }
    if (got == 0) {
        closed(phase, kind);
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        return false;
    }
    throw Failure(error_kind::connect, std::string(phase) + ": " + std::strerror(errno));
}

// Waits on the loop (which checks the deadline), then reads once. Waiting
// first even when data may be there already is the yield: every other probe
// gets its turn before this one reads again.
Task<> receive_more(Io io, Input& in, std::string_view phase, std::string_view kind) {
    co_await io.loop.wait_for(io.fd, POLLIN, io.deadline, phase);
    const size_t before = in.pending.size();
    if (read_some(io.fd, in.pending, phase, kind)) {
        in.total += in.pending.size() - before;
        if (in.total > k_max_plaintext) {
            throw Failure(kind, "the server sent more than " +
                                    std::to_string(k_max_plaintext / 1024) +
                                    " KiB before TLS during " + std::string(phase));
        }
    }
}

// The first n pending bytes, removed from the buffer.
std::string take(Input& in, size_t n) {
    std::string out = in.pending.substr(0, n);
    in.pending.erase(0, n);
    return out;
}

} // namespace

Task<std::vector<Address>> resolve(EventLoop& loop, const std::string& host, int port,
                                   Deadline deadline) {
    const std::string service = std::to_string(port);
    if (auto literal = literal_addresses(host, service)) {
        co_return std::move(*literal);
    }
    auto lookup = std::make_unique<Lookup>(host, service);
    gaicb* list[] = {&lookup->request};
    if (const int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr); rc != 0) {
        throw Failure(error_kind::dns, host + ": " + gai_strerror(rc));
    }
    const int rc = co_await wait_lookup(loop, lookup, deadline);
    if (rc != 0) {
        throw Failure(error_kind::dns, host + ": " + gai_strerror(rc));
    }
    co_return addresses_of(lookup->request.ar_result, host);
}

Task<UniqueFd> connect_any(EventLoop& loop, const std::vector<Address>& addresses,
                           Deadline deadline, std::string& connected) {
    std::optional<Failure> last;
    for (const Address& address : addresses) {
        try {
            UniqueFd fd = co_await connect_one(loop, address, deadline);
            connected = address.text;
            co_return std::move(fd);
        } catch (const Failure& failure) {
            if (failure.kind() == error_kind::timeout && Clock::now() >= deadline) {
                throw;
            }
            last = failure;
        }
    }
    throw last.value_or(Failure(error_kind::dns, "no address to connect to"));
}

Task<> send_all(Io io, std::string_view data, std::string_view phase, std::string_view kind) {
    while (!data.empty()) {
        const ssize_t sent = ::send(io.fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            data.remove_prefix(static_cast<size_t>(sent));
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            co_await io.loop.wait_for(io.fd, POLLOUT, io.deadline, phase);
        } else if (sent < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            closed(phase, kind);
        } else {
            throw Failure(kind, std::string(phase) + ": " + std::strerror(errno));
        }
    }
}

Task<std::string> receive_exact(Io io, Input& in, size_t n, std::string_view phase,
                                std::string_view kind) {
    while (in.pending.size() < n) {
        co_await receive_more(io, in, phase, kind);
    }
    co_return take(in, n);
}

Task<std::string> receive_line(Io io, Input& in, std::string_view phase, std::string_view kind,
                               size_t max) {
    size_t end = 0;
    while ((end = in.pending.find('\n')) == std::string::npos) {
        if (in.pending.size() >= max) {
            throw Failure(kind, "line longer than " + std::to_string(max) + " bytes during " +
                                    std::string(phase));
        }
        co_await receive_more(io, in, phase, kind);
    }
    if (end >= max) {
        throw Failure(kind, "line longer than " + std::to_string(max) + " bytes during " +
                                std::string(phase));
    }
    std::string line = take(in, end + 1);
    line.pop_back();
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    co_return line;
}

Task<std::string> receive_until(Io io, Input& in, std::string_view needle, std::string_view phase,
                                std::string_view kind, size_t max) {
    size_t at = 0;
    size_t searched = 0; // the needle cannot start before here: no quadratic rescans
    while ((at = in.pending.find(needle, searched)) == std::string::npos) {
        if (in.pending.size() >= max) {
            throw Failure(kind, "no '" + std::string(needle) + "' in the first " +
                                    std::to_string(max) + " bytes during " + std::string(phase));
        }
        searched = in.pending.size() >= needle.size() ? in.pending.size() - needle.size() + 1 : 0;
        co_await receive_more(io, in, phase, kind);
    }
    co_return take(in, at + needle.size());
}

} // namespace acme::probe::net
