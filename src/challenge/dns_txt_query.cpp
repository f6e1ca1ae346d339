#include "challenge/dns_txt_query.hpp"

#include "challenge/identifier.hpp"
#include "challenge/listen_socket.hpp"
#include "common/unique_fd.hpp"
#include "common/error.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <random>
#include <sys/socket.h>

namespace acme::challenge {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint16_t k_type_txt = 16;
constexpr std::uint16_t k_type_opt = 41;
constexpr std::uint16_t k_class_in = 1;
constexpr std::uint16_t k_udp_size = 4096;
constexpr std::size_t k_header_size = 12;

void put16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
}

// A bounds-checked reader over a DNS message.
class Reader {
  public:
    explicit Reader(std::string_view message) : m_data(message) {}
    std::uint8_t u8() {
        need(1);
        return static_cast<std::uint8_t>(m_data[m_pos++]);
    }
    std::uint16_t u16() {
        const auto hi = u8();
        return static_cast<std::uint16_t>((hi << 8) | u8());
    }
    void skip(std::size_t n) {
        need(n);
        m_pos += n;
    }
    std::string_view bytes(std::size_t n) {
        need(n);
        auto out = m_data.substr(m_pos, n);
        m_pos += n;
        return out;
    }
    // A (possibly compressed) name: the labels up to the root or a pointer.
    void skip_name() {
        for (int labels = 0; labels < 128; ++labels) {
            const auto len = u8();
            if ((len & 0xc0) == 0xc0) {
                skip(1);
                return;
            }
            if ((len & 0xc0) != 0)
                malformed();
            if (len == 0)
                return;
            skip(len);
        }
        malformed();
    }
    std::size_t position() const { return m_pos; }
    [[noreturn]] static void malformed() {
        throw Error(ErrorKind::protocol, "malformed DNS answer");
    }

  private:
    void need(std::size_t n) const {
        if (m_data.size() - m_pos < n)
            malformed();
    }
    std::string_view m_data;
    std::size_t m_pos = 0;
};

// RDATA of a TXT record: one or more <length><bytes> character-strings.
std::string txt_text(std::string_view rdata) {
    Reader r(rdata);
    std::string out;
    while (r.position() < rdata.size()) {
        const auto len = r.u8();
        out += r.bytes(len);
    }
    return out;
}

std::uint16_t random_id() {
    thread_local std::mt19937 engine{std::random_device{}()};
    return static_cast<std::uint16_t>(std::uniform_int_distribution<int>(0, 0xffff)(engine));
}

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

SocketAddress socket_address(const DnsServer& server) {
    SocketAddress out;
    const auto port = htons(static_cast<std::uint16_t>(server.port));
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET, server.address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = port;
        std::memcpy(&out.storage, &v4, sizeof v4);
        out.length = sizeof v4;
        out.family = AF_INET;
    } else if (::inet_pton(AF_INET6, server.address.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = port;
        std::memcpy(&out.storage, &v6, sizeof v6);
        out.length = sizeof v6;
        out.family = AF_INET6;
    } else {
        throw Error(ErrorKind::usage, "invalid DNS server address '" + server.address + "'");
    }
    return out;
}

[[noreturn]] void network_failure(const DnsServer& server, const std::string& what, int error) {
    throw Error(ErrorKind::network,
                "DNS server " + to_string(server) + ": " + what + ": " + errno_text(error));
}

[[noreturn]] void no_answer(const DnsServer& server) {
    throw Error(ErrorKind::timeout, "DNS server " + to_string(server) + " did not answer in time");
}

// A socket connected to server (non-blocking; TCP connects within deadline).
UniqueFd connect_to(const DnsServer& server, int type, Clock::time_point deadline) {
    const auto address = socket_address(server);
    UniqueFd fd(::socket(address.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd)
        network_failure(server, "cannot create a socket", errno);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address.storage), address.length) ==
        0)
        return fd;
    if (errno != EINPROGRESS)
        network_failure(server, "cannot connect", errno);
    pollfd p{fd.get(), POLLOUT, 0};
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0)
        no_answer(server);
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0)
        network_failure(server, "cannot connect", error);
    return fd;
}

// Waits until fd has input, or throws Error(timeout) at the deadline.
void wait_readable(int fd, const DnsServer& server, Clock::time_point deadline) {
    for (int round = 0; round < 1000; ++round) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            break;
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left));
        if (ready > 0)
            return;
        if (ready < 0 && errno != EINTR)
            network_failure(server, "poll failed", errno);
    }
    no_answer(server);
}

TxtAnswer ask_udp(const DnsServer& server, std::string_view name, Clock::time_point deadline) {
    auto fd = connect_to(server, SOCK_DGRAM, deadline);
    const auto id = random_id();
    const auto query = encode_txt_query(id, name);
    if (::send(fd.get(), query.data(), query.size(), MSG_NOSIGNAL) < 0)
        network_failure(server, "cannot send", errno);
    std::string buffer(k_udp_size, '\0');
    // Stray datagrams (another id, garbage) are skipped, up to the deadline.
    for (int round = 0; round < 100; ++round) {
        wait_readable(fd.get(), server, deadline);
        const auto received = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
        if (received < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (received < 0) // ECONNREFUSED: nothing listens on that port
            network_failure(server, "no answer", errno);
        try {
            return parse_txt_response(
                std::string_view(buffer).substr(0, static_cast<std::size_t>(received)), id);
        } catch (const Error&) {
        }
    }
    no_answer(server);
}

void send_all(int fd, const DnsServer& server, std::string_view data, Clock::time_point deadline) {
    std::size_t sent = 0;
    for (int round = 0; sent < data.size() && round < 1000; ++round) {
        const auto n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR)
            network_failure(server, "cannot send", errno);
        pollfd p{fd, POLLOUT, 0};
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0)
            no_answer(server);
    }
    if (sent < data.size())
        no_answer(server);
}

std::string read_exact(int fd, const DnsServer& server, std::size_t size,
                       Clock::time_point deadline) {
    std::string out;
    char buffer[4096];
    for (int round = 0; out.size() < size && round < 10000; ++round) {
        wait_readable(fd, server, deadline);
        const auto n = ::recv(fd, buffer, std::min(sizeof buffer, size - out.size()), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            throw Error(ErrorKind::network,
                        "DNS server " + to_string(server) + " closed the connection");
        out.append(buffer, static_cast<std::size_t>(n));
    }
    if (out.size() < size)
        no_answer(server);
    return out;
}

TxtAnswer ask_tcp(const DnsServer& server, std::string_view name, Clock::time_point deadline) {
    auto fd = connect_to(server, SOCK_STREAM, deadline);
    const auto id = random_id();
    const auto query = encode_txt_query(id, name);
    std::string framed;
    put16(framed, static_cast<std::uint16_t>(query.size()));
    framed += query;
    send_all(fd.get(), server, framed, deadline);
    const auto prefix = read_exact(fd.get(), server, 2, deadline);
    const auto size = (std::size_t{static_cast<unsigned char>(prefix[0])} << 8) |
                      static_cast<unsigned char>(prefix[1]);
    return parse_txt_response(read_exact(fd.get(), server, size, deadline), id);
}

} // namespace

DnsServer parse_dns_server(std::string_view text) {
    DnsServer out;
    std::string_view host = text;
    std::string_view port;
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            throw Error(ErrorKind::usage, "invalid DNS server '" + printable(text) + "'");
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty() && (!rest.starts_with(':') || rest.size() == 1))
            throw Error(ErrorKind::usage, "invalid DNS server '" + printable(text) + "'");
        port = rest.empty() ? rest : rest.substr(1);
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        host = text.substr(0, text.find(':'));
        port = text.substr(text.find(':') + 1);
    }
    if (!is_ip_address(host)) {
        throw Error(ErrorKind::usage, "invalid DNS server '" + printable(text) +
                                          "': expected an IP address, optionally with :PORT");
    }
    out.address = std::string(host);
    if (!port.empty()) {
        int value = 0;
        for (const char c : port) {
            if (c < '0' || c > '9' || value > 65535)
                throw Error(ErrorKind::usage,
                            "invalid port in DNS server '" + printable(text) + "'");
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535)
            throw Error(ErrorKind::usage, "invalid port in DNS server '" + printable(text) + "'");
        out.port = value;
    }
    return out;
}

std::string to_string(const DnsServer& server) {
    const bool v6 = server.address.find(':') != std::string::npos;
    return (v6 ? "[" + server.address + "]" : server.address) + ":" + std::to_string(server.port);
}

std::string encode_txt_query(std::uint16_t id, std::string_view name) {
    if (!name.empty() && name.back() == '.')
        name.remove_suffix(1);
    std::string out;
    put16(out, id);
    put16(out, 0x0100); // RD
    put16(out, 1);      // QDCOUNT
    put16(out, 0);      // ANCOUNT
    put16(out, 0);      // NSCOUNT
    put16(out, 1);      // ARCOUNT: the OPT record
    std::size_t encoded = 1;
    while (!name.empty()) {
        const auto dot = name.find('.');
        const auto label = name.substr(0, dot);
        encoded += label.size() + 1;
        if (label.empty() || label.size() > 63 || encoded > 255)
            throw Error(ErrorKind::usage, "cannot ask DNS for '" + printable(name) + "'");
        out.push_back(static_cast<char>(label.size()));
        out += label;
        name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    out.push_back('\0');
    put16(out, k_type_txt);
    put16(out, k_class_in);
    out.push_back('\0'); // OPT: root owner, UDP size, extended rcode/version/flags 0
    put16(out, k_type_opt);
    put16(out, k_udp_size);
    put16(out, 0);
    put16(out, 0);
    put16(out, 0); // RDLENGTH
    return out;
}

TxtAnswer parse_txt_response(std::string_view message, std::uint16_t id) {
    Reader r(message);
    if (message.size() < k_header_size || r.u16() != id)
        throw Error(ErrorKind::protocol, "DNS answer to another question");
    const auto flags = r.u16();
    if ((flags & 0x8000) == 0)
        throw Error(ErrorKind::protocol, "DNS message is not a response");
    TxtAnswer out;
    out.truncated = (flags & 0x0200) != 0;
    out.rcode = flags & 0x000f;
    const auto questions = r.u16();
    const auto answers = r.u16();
    r.skip(4); // NSCOUNT, ARCOUNT: not needed
    for (unsigned i = 0; i < questions; ++i) {
        r.skip_name();
        r.skip(4);
    }
    for (unsigned i = 0; i < answers && !out.truncated; ++i) {
        r.skip_name();
        const auto type = r.u16();
        const auto klass = r.u16();
        r.skip(4); // TTL
        const auto rdata = r.bytes(r.u16());
        if (type == k_type_txt && klass == k_class_in)
            out.texts.push_back(txt_text(rdata));
    }
    return out;
}

std::vector<std::string> query_txt(const DnsServer& server, std::string_view name,
                                   std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    auto answer = ask_udp(server, name, deadline);
    if (answer.truncated)
        answer = ask_tcp(server, name, deadline);
    if (answer.rcode == 3) // NXDOMAIN
        return {};
    if (answer.rcode != 0) {
        static constexpr const char* k_names[] = {"NOERROR",  "FORMERR", "SERVFAIL",
                                                  "NXDOMAIN", "NOTIMP",  "REFUSED"};
        const std::string rcode =
            answer.rcode < 6 ? k_names[answer.rcode] : "rcode " + std::to_string(answer.rcode);
        throw Error(ErrorKind::network, "DNS server " + to_string(server) + " answered " + rcode +
                                            " for " + printable(name));
    }
    return std::move(answer.texts);
}

} // namespace acme::challenge
