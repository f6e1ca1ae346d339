#include "challenge/listen_socket.hpp"

#include "common/error.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <system_error>

namespace acme::challenge {

namespace {

struct ListenAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

ListenAddress ipv6_address(const in6_addr& address, int port) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_addr = address;
    sin6.sin6_port = htons(static_cast<std::uint16_t>(port));
    ListenAddress out;
    std::memcpy(&out.storage, &sin6, sizeof sin6);
    out.length = sizeof sin6;
    out.family = AF_INET6;
    return out;
}

ListenAddress ipv4_address(const in_addr& address, int port) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr = address;
    sin.sin_port = htons(static_cast<std::uint16_t>(port));
    ListenAddress out;
    std::memcpy(&out.storage, &sin, sizeof sin);
    out.length = sizeof sin;
    out.family = AF_INET;
    return out;
}

// "192.0.2.1", "2001:db8::1" or "[2001:db8::1]"; Error(usage) otherwise.
ListenAddress parse_address(std::string text, int port) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    in6_addr v6{};
    if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1)
        return ipv6_address(v6, port);
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1)
        return ipv4_address(v4, port);
    throw Error(ErrorKind::usage,
                "invalid listen address '" + text + "': expected an IPv4 or IPv6 address");
}

std::string bind_failure(const std::string& address, int port, int error) {
    std::string where = "port " + std::to_string(port);
    if (!address.empty())
        where = address + " " + where;
    std::string why = errno_text(error);
    if (error == EADDRINUSE)
        why = "address already in use";
    if (error == EACCES)
        why = "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
    if (error == EADDRNOTAVAIL)
        why = "no such address on this host";
    return "cannot listen on " + where + ": " + why;
}

// A bound, listening, non-blocking socket; the errno of the failing step on failure.
struct BindResult {
    UniqueFd fd;
    int error = 0;
};

BindResult try_listen(const ListenAddress& address, bool dual_stack) {
    BindResult out;
    out.fd.reset(::socket(address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!out.fd) {
        out.error = errno;
        return out;
    }
    const int one = 1;
    const int zero = 0;
    // SO_REUSEADDR: a restart right after end() must not fail on TIME_WAIT.
    ::setsockopt(out.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (dual_stack)
        ::setsockopt(out.fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (::bind(out.fd.get(), reinterpret_cast<const sockaddr*>(&address.storage), address.length) !=
            0 ||
        ::listen(out.fd.get(), SOMAXCONN) != 0) {
        out.error = errno;
        out.fd.reset();
    }
    return out;
}

} // namespace

std::string errno_text(int error) {
    auto text = std::system_category().message(error);
    if (!text.empty())
        text.front() = static_cast<char>(std::tolower(static_cast<unsigned char>(text.front())));
    return text;
}

UniqueFd open_listen_socket(const std::string& address, int port) {
    if (port < 1 || port > 65535) {
        throw Error(ErrorKind::usage,
                    "invalid port " + std::to_string(port) + ": expected 1 to 65535");
    }
    BindResult result;
    if (address.empty()) {
        result = try_listen(ipv6_address(in6addr_any, port), true);
        // No IPv6 on this host (module off, or no address): IPv4 only.
        const bool no_ipv6 = result.error == EAFNOSUPPORT || result.error == EADDRNOTAVAIL;
        if (no_ipv6)
            result = try_listen(ipv4_address(in_addr{htonl(INADDR_ANY)}, port), false);
    } else {
        result = try_listen(parse_address(address, port), false);
    }
    if (!result.fd)
        throw Error(ErrorKind::usage, bind_failure(address, port, result.error));
    return std::move(result.fd);
}

} // namespace acme::challenge
