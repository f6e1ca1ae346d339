#include "challenge/http01_standalone.hpp"

#include "challenge/http01_responder.hpp"
#include "challenge/listen_socket.hpp"
#include "challenge/responder_child.hpp"
#include "challenge/token.hpp"
#include "common/unique_fd.hpp"
#include "common/error.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace acme::challenge {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_max_request = 8 * 1024; // request head, bytes
constexpr auto k_connection_deadline = std::chrono::seconds(10);
// The CA validates from several vantage points at once, and retries; beyond
// this many open connections new ones wait in the listen backlog.
constexpr std::size_t k_max_connections = 256;
constexpr auto k_accept_pause = std::chrono::milliseconds(100);

// ---------------------------------------------------------------- serving

struct Connection {
    enum class State { reading, writing, draining, done };
    UniqueFd fd;
    Clock::time_point deadline;
    State state = State::reading;
    std::string input;
    std::string output;
    std::size_t sent = 0;
};

// Called when the control descriptor is readable; false stops the loop.
using ControlHandler = std::function<bool()>;

// The poll loop run by the server thread, or by the unprivileged responder
// process. It owns every client connection; the listener and the control
// descriptor (the thread's wake-up pipe, the responder's command channel)
// outlive the loop.
class ServerLoop {
  public:
    ServerLoop(int listener, int control, ControlHandler on_control, KeyAuthorizationLookup lookup)
        : m_listener(listener), m_control(control), m_on_control(std::move(on_control)),
          m_lookup(std::move(lookup)) {}

    // Serves until the control handler says stop.
    void run() {
        while (poll_once()) {
            std::erase_if(m_connections,
                          [](const Connection& c) { return c.state == Connection::State::done; });
        }
    }

  private:
    bool poll_once();
    int poll_timeout_ms() const;
    void accept_all();
    void expire(Clock::time_point now);
    void on_event(Connection& connection, short revents);
    void on_readable(Connection& connection);
    void on_writable(Connection& connection);
    void on_draining(Connection& connection);

    int m_listener;
    int m_control;
    ControlHandler m_on_control;
    KeyAuthorizationLookup m_lookup;
    std::vector<Connection> m_connections;
    Clock::time_point m_accept_paused_until{};
};

bool ServerLoop::poll_once() {
    std::vector<pollfd> fds;
    fds.reserve(m_connections.size() + 2);
    fds.push_back({m_control, POLLIN, 0});
    // At the connection cap, or out of descriptors, leave new clients in the
    // backlog for now.
    const bool can_accept =
        m_connections.size() < k_max_connections && Clock::now() >= m_accept_paused_until;
    const short accepting = can_accept ? POLLIN : 0;
    fds.push_back({m_listener, accepting, 0});
    for (const auto& c : m_connections) {
        fds.push_back({c.fd.get(),
                       static_cast<short>(c.state == Connection::State::writing ? POLLOUT : POLLIN),
                       0});
    }
    const int ready = ::poll(fds.data(), fds.size(), poll_timeout_ms());
    if (ready < 0 && errno != EINTR)
        return false;
    // Commands first: a challenge added before the CA was told is known
    // before its request is read.
    if (fds[0].revents != 0 && !m_on_control())
        return false;
    const auto count = m_connections.size(); // accept_all appends after these
    for (std::size_t i = 0; i < count; ++i) {
        if (fds[i + 2].revents != 0)
            on_event(m_connections[i], fds[i + 2].revents);
    }
    if ((fds[1].revents & POLLIN) != 0)
        accept_all();
    expire(Clock::now());
    return true;
}

int ServerLoop::poll_timeout_ms() const {
    const auto now = Clock::now();
    if (m_connections.empty() && now >= m_accept_paused_until)
        return -1;
    auto first = now + std::chrono::seconds(60);
    if (m_accept_paused_until > now)
        first = m_accept_paused_until;
    for (const auto& c : m_connections)
        first = std::min(first, c.deadline);
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(first - now).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

void ServerLoop::accept_all() {
    while (m_connections.size() < k_max_connections) {
        UniqueFd fd(::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) {
            // Out of descriptors or memory: the listener stays readable, so
            // pause accepting rather than spin on it.
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                m_accept_paused_until = Clock::now() + k_accept_pause;
            return; // EAGAIN, or a client that gave up (ECONNABORTED): poll again
        }
        Connection c;
        c.fd = std::move(fd);
        c.deadline = Clock::now() + k_connection_deadline;
        m_connections.push_back(std::move(c));
    }
}

// A slow or silent client is dropped at its deadline, whatever its state.
void ServerLoop::expire(Clock::time_point now) {
    for (auto& c : m_connections) {
        if (now >= c.deadline)
            c.state = Connection::State::done;
    }
}

void ServerLoop::on_event(Connection& connection, short revents) {
    if ((revents & POLLNVAL) != 0) {
        connection.state = Connection::State::done;
        return;
    }
    switch (connection.state) {
    case Connection::State::reading:
        on_readable(connection);
        break;
    case Connection::State::writing:
        on_writable(connection);
        break;
    case Connection::State::draining:
        on_draining(connection);
        break;
    case Connection::State::done:
        break;
    }
}

void ServerLoop::on_readable(Connection& connection) {
    char buffer[4096];
    const auto received = ::recv(connection.fd.get(), buffer, sizeof buffer, 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (received <= 0) {
        connection.state = Connection::State::done; // closed before a full request
        return;
    }
    connection.input.append(buffer, static_cast<std::size_t>(received));
    const auto head_end = request_head_end(connection.input);
    if (head_end != std::string::npos && head_end <= k_max_request) {
        connection.output =
            http01_answer(std::string_view(connection.input).substr(0, head_end), m_lookup);
    } else if (connection.input.size() >= k_max_request) {
        connection.output = http01_error(431);
    } else {
        return; // need more
    }
    connection.input.clear();
    connection.state = Connection::State::writing;
    on_writable(connection); // usually fits the socket buffer at once
}

void ServerLoop::on_writable(Connection& connection) {
    const auto* data = connection.output.data() + connection.sent;
    const auto left = connection.output.size() - connection.sent;
    const auto written = ::send(connection.fd.get(), data, left, MSG_NOSIGNAL);
    if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (written < 0) {
        connection.state = Connection::State::done;
        return;
    }
    connection.sent += static_cast<std::size_t>(written);
    if (connection.sent < connection.output.size())
        return;
    // Closing with unread input would reset the connection and could destroy
    // the answer in flight: half-close, then read until the client closes.
    ::shutdown(connection.fd.get(), SHUT_WR);
    connection.state = Connection::State::draining;
}

void ServerLoop::on_draining(Connection& connection) {
    char buffer[4096];
    const auto received = ::recv(connection.fd.get(), buffer, sizeof buffer, 0);
    if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (received <= 0)
        connection.state = Connection::State::done;
}

} // namespace

// The responder process's side: one thread, its own table of tokens.
int serve_http01_responder(int listener, int channel) {
    std::map<std::string, std::string, std::less<>> tokens;
    CommandChannel commands(channel);
    const CommandHandler apply = [&](char op, const std::string& token,
                                     const std::string& key_authorization) {
        require_valid_token(token);
        if (op == '+')
            tokens.insert_or_assign(token, key_authorization);
        else if (op == '-')
            tokens.erase(token);
        else
            throw Error(ErrorKind::protocol, "unknown command");
    };
    ServerLoop(
        listener, channel, [&] { return commands.on_readable(apply); },
        [&](std::string_view token) -> std::optional<std::string> {
            const auto found = tokens.find(token);
            if (found == tokens.end())
                return std::nullopt;
            return found->second;
        })
        .run();
    return 0;
}

// ---------------------------------------------------------------- the solver

struct StandaloneHttp01::Impl {
    std::string address;
    int port;
    std::mutex mutex; // guards tokens: present/cleanup run beside the server thread
    std::map<std::string, std::string, std::less<>> tokens;
    UniqueFd listener;
    UniqueFd wake_read;
    UniqueFd wake_write;
    std::thread thread;
    std::unique_ptr<ResponderChild> child; // as root: the unprivileged server

    std::optional<std::string> key_authorization(std::string_view token) {
        const std::lock_guard lock(mutex);
        const auto found = tokens.find(token);
        if (found == tokens.end())
            return std::nullopt;
        return found->second;
    }

    void start();
    void serve(int listen_fd, int wake_fd) noexcept;
    void stop() noexcept;
};

void StandaloneHttp01::Impl::start() {
    if (thread.joinable() || child)
        return; // already listening
    listener = open_listen_socket(address, port);
    if (const auto user = responder_user()) {
        child = std::make_unique<ResponderChild>("http-01", listener.get(), *user);
        listener.reset(); // the child's alone: only it answers the internet
        return;
    }
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        const int error = errno;
        listener.reset();
        throw Error(ErrorKind::io,
                    "cannot create a pipe for the http-01 server: " + errno_text(error));
    }
    wake_read.reset(pipe_fds[0]);
    wake_write.reset(pipe_fds[1]);
    thread = std::thread([this, listen_fd = listener.get(), wake_fd = wake_read.get()] {
        serve(listen_fd, wake_fd);
    });
}

// Runs on the server thread. An exception here (out of memory) must not
// terminate the process: the server stops answering and validation fails
// visibly instead.
void StandaloneHttp01::Impl::serve(int listen_fd, int wake_fd) noexcept {
    try {
        ServerLoop(
            listen_fd, wake_fd, [] { return false; },
            [this](std::string_view token) { return key_authorization(token); })
            .run();
    } catch (...) {
    }
}

void StandaloneHttp01::Impl::stop() noexcept {
    child.reset();
    if (thread.joinable()) {
        const char byte = 1;
        // The pipe is empty and non-blocking: this cannot block or fail short.
        [[maybe_unused]] const auto ignored = ::write(wake_write.get(), &byte, 1);
        thread.join();
    }
    listener.reset();
    wake_read.reset();
    wake_write.reset();
}

StandaloneHttp01::StandaloneHttp01(std::string address, int port)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->address = std::move(address);
    m_impl->port = port;
}

StandaloneHttp01::~StandaloneHttp01() {
    end();
}

void StandaloneHttp01::begin() {
    try {
        m_impl->start();
    } catch (const std::system_error& e) { // std::thread could not start
        m_impl->stop();
        throw Error(ErrorKind::io, std::string("cannot start the http-01 server: ") + e.what());
    }
}

void StandaloneHttp01::present(const ChallengeTask& task) {
    require_valid_token(task.token);
    if (m_impl->child) {
        m_impl->child->add(task.token, task.key_authorization);
        return;
    }
    const std::lock_guard lock(m_impl->mutex);
    m_impl->tokens.insert_or_assign(task.token, task.key_authorization);
}

void StandaloneHttp01::cleanup(const ChallengeTask& task) noexcept {
    if (m_impl->child) {
        m_impl->child->remove(task.token, task.key_authorization);
        return;
    }
    const std::lock_guard lock(m_impl->mutex);
    const auto found = m_impl->tokens.find(task.token);
    if (found != m_impl->tokens.end())
        m_impl->tokens.erase(found);
}

void StandaloneHttp01::end() noexcept {
    m_impl->stop();
}

} // namespace acme::challenge
