// Test helpers for HTTP over 127.0.0.1: a tiny scripted HTTP/1.1 server run
// by a thread (keep-alive, several clients, stopped by its destructor), a raw
// one-shot client, and a way to find a free or a closed port.
#pragma once

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cctype>
#include <chrono>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace acme::test {

class Fd {
  public:
    explicit Fd(int fd = -1) : m_fd(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }
    void reset() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

  private:
    int m_fd;
};

inline sockaddr_in loopback_address(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

inline int bound_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

// A port on 127.0.0.1 that nothing listens on right now (the kernel's pick).
inline int free_port() {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto address = loopback_address(0);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error("bind for free_port failed");
    }
    return bound_port(fd.get());
}

inline std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    return text;
}

struct HttpRequest {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string body;

    std::string header(const std::string& name) const {
        for (const auto& [key, value] : headers) {
            if (key == lower(name))
                return value;
        }
        return {};
    }
};

// A complete response with Content-Length; extra is raw "Name: value\r\n" lines.
inline std::string make_response(int status, const std::string& body,
                                 const std::string& extra = "") {
    return "HTTP/1.1 " + std::to_string(status) +
           " Whatever\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" +
           body;
}

// Raw bytes to send back, or nullopt to stay silent (the client times out).
using Handler = std::function<std::optional<std::string>(const HttpRequest&)>;

class LoopbackServer {
  public:
    explicit LoopbackServer(Handler handler) : m_handler(std::move(handler)) {
        m_listener = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        auto address = loopback_address(0);
        if (::bind(m_listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listener.get(), 16) != 0) {
            throw std::runtime_error("loopback server: cannot listen");
        }
        m_port = bound_port(m_listener.get());
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
            throw std::runtime_error("loopback server: pipe");
        m_wake_read = Fd(fds[0]);
        m_wake_write = Fd(fds[1]);
        m_thread = std::thread([this] { run(); });
    }
    ~LoopbackServer() {
        const char byte = 1;
        [[maybe_unused]] auto ignored = ::write(m_wake_write.get(), &byte, 1);
        m_thread.join();
    }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    int port() const { return m_port; }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    std::vector<HttpRequest> requests() const {
        const std::lock_guard lock(m_mutex);
        return m_requests;
    }
    std::size_t accepted() const { return m_accepted.load(); }

  private:
    struct Client {
        Fd fd;
        std::string input;
        std::string output;
        bool silent = false;
        bool close_after_write = false;
        bool done = false;
    };

    void run() {
        std::vector<Client> clients;
        for (;;) {
            std::vector<pollfd> fds{{m_wake_read.get(), POLLIN, 0}, {m_listener.get(), POLLIN, 0}};
            for (const auto& c : clients) {
                fds.push_back(
                    {c.fd.get(), static_cast<short>(c.output.empty() ? POLLIN : POLLOUT), 0});
            }
            if (::poll(fds.data(), fds.size(), 1000) < 0)
                continue;
            if (fds[0].revents != 0)
                return;
            for (std::size_t i = 0; i < clients.size(); ++i) {
                if (fds[i + 2].revents != 0)
                    service(clients[i]);
            }
            std::erase_if(clients, [](const Client& c) { return c.done; });
            if ((fds[1].revents & POLLIN) != 0) {
                Fd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
                if (fd.get() >= 0) {
                    ++m_accepted;
                    clients.push_back(Client{std::move(fd), {}, {}, false, false, false});
                }
            }
        }
    }

    void service(Client& c) {
        if (!c.output.empty()) {
            const auto sent = ::send(c.fd.get(), c.output.data(), c.output.size(), MSG_NOSIGNAL);
            if (sent > 0)
                c.output.erase(0, static_cast<std::size_t>(sent));
            if (sent < 0 && errno != EAGAIN)
                c.done = true;
            if (c.output.empty() && c.close_after_write)
                c.done = true;
            return;
        }
        char buffer[16384];
        const auto received = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
        if (received <= 0) {
            c.done = received == 0 || errno != EAGAIN;
            return;
        }
        if (c.silent)
            return;
        c.input.append(buffer, static_cast<std::size_t>(received));
        answer_complete_requests(c);
    }

    void answer_complete_requests(Client& c) {
        if (c.input.front() == '\x16') { // a TLS ClientHello: answer like a plain HTTP server
            c.output = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            c.close_after_write = true;
            return;
        }
        while (auto request = take_request(c.input)) {
            {
                const std::lock_guard lock(m_mutex);
                m_requests.push_back(*request);
            }
            auto reply = m_handler(*request);
            if (!reply) {
                c.silent = true;
                return;
            }
            c.close_after_write = lower(*reply).find("connection: close") != std::string::npos;
            c.output += *reply;
        }
    }

    // One complete request (head and Content-Length body) off the front of input.
    static std::optional<HttpRequest> take_request(std::string& input) {
        const auto head_end = input.find("\r\n\r\n");
        if (head_end == std::string::npos)
            return std::nullopt;
        HttpRequest request;
        std::size_t line_end = input.find("\r\n");
        const std::string line = input.substr(0, line_end);
        const auto space1 = line.find(' ');
        const auto space2 = line.find(' ', space1 + 1);
        request.method = line.substr(0, space1);
        request.target = line.substr(space1 + 1, space2 - space1 - 1);
        while (line_end < head_end) {
            const auto next = input.find("\r\n", line_end + 2);
            const std::string header = input.substr(line_end + 2, next - line_end - 2);
            const auto colon = header.find(':');
            if (colon != std::string::npos) {
                const auto value_start = header.find_first_not_of(' ', colon + 1);
                request.headers.emplace_back(
                    lower(header.substr(0, colon)),
                    value_start == std::string::npos ? "" : header.substr(value_start));
            }
            line_end = next;
        }
        const auto length_text = request.header("content-length");
        const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
        if (input.size() < head_end + 4 + length)
            return std::nullopt;
        request.body = input.substr(head_end + 4, length);
        input.erase(0, head_end + 4 + length);
        return request;
    }

    Handler m_handler;
    Fd m_listener;
    Fd m_wake_read;
    Fd m_wake_write;
    int m_port = 0;
    mutable std::mutex m_mutex;
    std::vector<HttpRequest> m_requests;
    std::atomic<std::size_t> m_accepted{0};
    std::thread m_thread;
};

// Connects to 127.0.0.1:port, sends request, returns all bytes up to the
// server's close (or what arrived within timeout); "" when connect fails.
inline std::string
raw_exchange(int port, const std::string& request,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto address = loopback_address(port);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        return {};
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0)
        return {};
    std::string reply;
    char buffer[4096];
    for (;;) {
        const auto received = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (received <= 0)
            break;
        reply.append(buffer, static_cast<std::size_t>(received));
    }
    return reply;
}

} // namespace acme::test
