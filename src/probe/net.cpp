#include "probe/net.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>

#include "probe/probe.hpp"

namespace acme::probe::net {

namespace {

int remaining_ms(Deadline deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

[[noreturn]] void timed_out(std::string_view phase) {
    throw Failure(error_kind::timeout, "timed out during " + std::string(phase));
}

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
int wait_lookup(std::unique_ptr<Lookup>& lookup, Deadline deadline) {
    const gaicb* const list[] = {&lookup->request};
    int rc = gai_error(&lookup->request);
    while (rc == EAI_INPROGRESS) {
        const int left = remaining_ms(deadline);
        if (left == 0) {
            if (gai_cancel(&lookup->request) == EAI_NOTCANCELED) {
                static_cast<void>(lookup.release());
            }
            timed_out("DNS lookup");
        }
        const timespec wait{left / 1000, (left % 1000) * 1000000L};
        gai_suspend(list, 1, &wait);
        rc = gai_error(&lookup->request);
    }
    return rc;
}

std::string address_text(const sockaddr* sa) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (sa->sa_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(sa);
        inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
        return "[" + std::string(buf) + "]:" + std::to_string(ntohs(v6->sin6_port));
    }
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(v4->sin_port));
}

[[noreturn]] void connect_failed(int err, const Address& address) {
    const std::string detail = std::strerror(err) + std::string(" (") + address.text + ")";
    switch (err) {
    case ECONNREFUSED: throw Failure(error_kind::refused, detail);
    case ENETUNREACH:
    case EHOSTUNREACH: throw Failure(error_kind::unreachable, detail);
    case ETIMEDOUT: throw Failure(error_kind::timeout, detail);
    default: throw Failure(error_kind::connect, detail);
    }
}

UniqueFd connect_one(const Address& address, Deadline deadline) {
    UniqueFd fd(::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
        throw Failure(error_kind::connect, std::string("socket: ") + std::strerror(errno));
    }
    const auto* sa = reinterpret_cast<const sockaddr*>(&address.storage);
    if (::connect(fd.get(), sa, address.length) == 0) {
        return fd;
    }
    if (errno != EINPROGRESS) {
        connect_failed(errno, address);
    }
    wait_for(fd.get(), POLLOUT, deadline, "connect to " + address.text);
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
    }
    if (err != 0) {
        connect_failed(err, address);
    }
    return fd;
}

// Reads at most n bytes into out; false on EOF.
bool receive_some(int fd, std::string& out, size_t n, Deadline deadline, std::string_view phase) {
    char buf[4096];
    for (;;) {
        const ssize_t got = ::recv(fd, buf, std::min(n, sizeof buf), 0);
        if (got > 0) {
            out.append(buf, static_cast<size_t>(got));
            return true;
        }
        if (got == 0) {
            return false;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            wait_for(fd, POLLIN, deadline, phase);
            continue;
        }
        throw Failure(error_kind::connect, std::string(phase) + ": " + std::strerror(errno));
    }
}

[[noreturn]] void closed(std::string_view phase, const std::string& kind) {
    throw Failure(kind, "connection closed by the server during " + std::string(phase));
}

} // namespace

std::vector<Address> resolve(const std::string& host, int port, Deadline deadline) {
    auto lookup = std::make_unique<Lookup>(host, std::to_string(port));
    gaicb* list[] = {&lookup->request};
    if (const int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr); rc != 0) {
        throw Failure(error_kind::dns, host + ": " + gai_strerror(rc));
    }
    if (const int rc = wait_lookup(lookup, deadline); rc != 0) {
        throw Failure(error_kind::dns, host + ": " + gai_strerror(rc));
    }
    std::vector<Address> addresses;
    for (const addrinfo* ai = lookup->request.ar_result; ai != nullptr; ai = ai->ai_next) {
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

UniqueFd connect_any(const std::vector<Address>& addresses, Deadline deadline,
                     std::string& connected) {
    std::optional<Failure> last;
    for (const Address& address : addresses) {
        try {
            UniqueFd fd = connect_one(address, deadline);
            connected = address.text;
            return fd;
        } catch (const Failure& failure) {
            if (failure.kind() == error_kind::timeout && remaining_ms(deadline) == 0) {
                throw;
            }
            last = failure;
        }
    }
    throw last.value_or(Failure(error_kind::dns, "no address to connect to"));
}

void wait_for(int fd, short events, Deadline deadline, std::string_view phase) {
    for (;;) {
        const int left = remaining_ms(deadline);
        if (left == 0) {
            timed_out(phase);
        }
        pollfd p{fd, events, 0};
        const int rc = ::poll(&p, 1, left);
        if (rc > 0) {
            return; // ready, or POLLERR/POLLHUP: the next call reports it
        }
        if (rc < 0 && errno != EINTR) {
            throw Failure(error_kind::connect, std::string("poll: ") + std::strerror(errno));
        }
    }
}

void send_all(int fd, std::string_view data, Deadline deadline, std::string_view phase,
              const std::string& kind) {
    while (!data.empty()) {
        const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            data.remove_prefix(static_cast<size_t>(sent));
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            wait_for(fd, POLLOUT, deadline, phase);
        } else if (sent < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            closed(phase, kind);
        } else {
            throw Failure(kind, std::string(phase) + ": " + std::strerror(errno));
        }
    }
}

std::string receive_exact(int fd, size_t n, Deadline deadline, std::string_view phase,
                          const std::string& kind) {
    std::string out;
    while (out.size() < n) {
        if (!receive_some(fd, out, n - out.size(), deadline, phase)) {
            closed(phase, kind);
        }
    }
    return out;
}

std::string receive_line(int fd, Deadline deadline, std::string_view phase,
                         const std::string& kind, size_t max) {
    std::string line;
    while (line.empty() || line.back() != '\n') {
        if (line.size() >= max) {
            throw Failure(kind, "line longer than " + std::to_string(max) + " bytes during " +
                                    std::string(phase));
        }
        if (!receive_some(fd, line, 1, deadline, phase)) {
            closed(phase, kind);
        }
    }
    line.pop_back();
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

std::string receive_until(int fd, std::string_view needle, Deadline deadline,
                          std::string_view phase, const std::string& kind, size_t max) {
    std::string text;
    while (text.find(needle) == std::string::npos) {
        if (text.size() >= max) {
            throw Failure(kind, "no '" + std::string(needle) + "' in the first " +
                                    std::to_string(max) + " bytes during " + std::string(phase));
        }
        if (!receive_some(fd, text, 1, deadline, phase)) {
            closed(phase, kind);
        }
    }
    return text;
}

} // namespace acme::probe::net
