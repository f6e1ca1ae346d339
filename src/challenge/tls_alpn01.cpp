#include "challenge/tls_alpn01.hpp"

#include "challenge/identifier.hpp"
#include "challenge/listen_socket.hpp"
#include "challenge/responder_child.hpp"
#include "challenge/tls_alpn01_cert.hpp"
#include "common/unique_fd.hpp"
#include "common/error.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <map>
#include <mutex>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <system_error>
#include <thread>
#include <vector>

namespace acme::challenge {

namespace {

using Clock = std::chrono::steady_clock;
using SslCtxOwner = std::unique_ptr<SSL_CTX, OsslFree<SSL_CTX_free>>;
using SslOwner = std::unique_ptr<SSL, OsslFree<SSL_free>>;

// As for the http-01 server: the CA connects from several vantage points and
// retries; a silent client is dropped at its deadline.
constexpr auto k_connection_deadline = std::chrono::seconds(10);
constexpr std::size_t k_max_connections = 256;
constexpr auto k_accept_pause = std::chrono::milliseconds(100);
// The ALPN protocol list in wire format: one length byte, then the name.
constexpr unsigned char k_alpn_wire[] = {10, 'a', 'c', 'm', 'e', '-', 't', 'l', 's', '/', '1'};

// ------------------------------------------------------------ ClientHello

// True when the ClientHello's ALPN extension (RFC 7301 §3.1) lists acme-tls/1.
bool offers_acme_tls(SSL* ssl) {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &data,
                                  &size) != 1 ||
        size < 2)
        return false;
    const std::size_t list = (std::size_t{data[0]} << 8) | data[1];
    if (list + 2 != size)
        return false;
    for (std::size_t pos = 2; pos < size;) {
        const std::size_t len = data[pos];
        if (pos + 1 + len > size)
            return false;
        const std::string_view name(reinterpret_cast<const char*>(data + pos + 1), len);
        if (name == k_acme_tls_alpn)
            return true;
        pos += 1 + len;
    }
    return false;
}

// The host_name of the ClientHello's server_name extension (RFC 6066 §3), or "".
std::string client_server_name(SSL* ssl) {
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &data, &size) != 1 || size < 5)
        return {};
    const std::size_t list = (std::size_t{data[0]} << 8) | data[1];
    if (list + 2 != size || data[2] != TLSEXT_NAMETYPE_host_name)
        return {};
    const std::size_t len = (std::size_t{data[3]} << 8) | data[4];
    if (5 + len > size)
        return {};
    return alpn_server_name(std::string_view(reinterpret_cast<const char*>(data + 5), len));
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
    unsigned char* selected = nullptr;
    if (SSL_select_next_proto(&selected, outlen, k_alpn_wire, sizeof k_alpn_wire, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_ALERT_FATAL; // no_application_protocol
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

// ------------------------------------------------------------ connections

struct Connection {
    enum class State { handshake, draining, done };
    UniqueFd fd;
    SslOwner ssl;
    Clock::time_point deadline;
    State state = State::handshake;
    short events = POLLIN;
};

} // namespace

// ------------------------------------------------------------ the server

class TlsAlpnServer {
  public:
    TlsAlpnServer(std::string address, int port) : m_address(std::move(address)), m_port(port) {}
    ~TlsAlpnServer() { stop(); }
    TlsAlpnServer(const TlsAlpnServer&) = delete;
    TlsAlpnServer& operator=(const TlsAlpnServer&) = delete;

    void start();
    void stop() noexcept;
    // Serves the identifier's challenge: here, or in the unprivileged child.
    void add_challenge(const std::string& identifier, const std::string& key_authorization);
    void remove_challenge(const std::string& identifier,
                          const std::string& key_authorization) noexcept;
    // In the responder process: serves listener, taking challenges from the
    // channel, until the parent closes it.
    void serve_channel(int listener, int channel);

  private:
    void add(const std::string& server_name, const std::string& key_authorization,
             AlpnCertificate certificate);
    void remove(const std::string& server_name, const std::string& key_authorization) noexcept;

    struct Entry {
        std::string key_authorization;
        AlpnCertificate certificate;
    };

    static int on_client_hello(SSL* ssl, int* alert, void* self);
    int choose_certificate(SSL* ssl, int* alert);
    void make_context();
    void serve() noexcept;
    bool poll_once(std::vector<Connection>& connections);
    void accept_all(std::vector<Connection>& connections);
    void step(Connection& c);
    void drain(Connection& c);

    std::string m_address;
    int m_port;
    SslCtxOwner m_ctx;
    UniqueFd m_listener;
    UniqueFd m_wake_read;
    UniqueFd m_wake_write;
    std::thread m_thread;
    std::unique_ptr<ResponderChild> m_child;                   // as root: the unprivileged server
    std::function<bool()> m_on_control = [] { return false; }; // false: stop serving
    Clock::time_point m_accept_paused_until{};
    std::mutex m_mutex; // guards m_names: present/cleanup run beside the server thread
    // Newest last: two lineages renewed in parallel may present the same name.
    std::map<std::string, std::vector<Entry>, std::less<>> m_names;
};

void TlsAlpnServer::make_context() {
    m_ctx.reset(SSL_CTX_new(TLS_server_method()));
    if (!m_ctx) {
        ERR_clear_error();
        throw Error(ErrorKind::crypto, "cannot create the TLS context of the tls-alpn-01 server");
    }
    SSL_CTX* ctx = m_ctx.get();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); // RFC 8737 §3
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_client_hello_cb(ctx, &TlsAlpnServer::on_client_hello, this);
    SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, nullptr);
}

int TlsAlpnServer::on_client_hello(SSL* ssl, int* alert, void* self) {
    return static_cast<TlsAlpnServer*>(self)->choose_certificate(ssl, alert);
}

// Refuses what RFC 8737 does not ask for before any certificate is chosen.
int TlsAlpnServer::choose_certificate(SSL* ssl, int* alert) {
    if (!offers_acme_tls(ssl)) {
        *alert = SSL_AD_NO_APPLICATION_PROTOCOL;
        return SSL_CLIENT_HELLO_ERROR;
    }
    const auto name = client_server_name(ssl);
    const std::lock_guard lock(m_mutex);
    const auto found = m_names.find(name);
    if (name.empty() || found == m_names.end() || found->second.empty()) {
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_CLIENT_HELLO_ERROR;
    }
    const auto& certificate = found->second.back().certificate;
    // Both take their own reference: the entry may go while the handshake runs.
    if (SSL_use_certificate(ssl, certificate.cert.get()) != 1 ||
        SSL_use_PrivateKey(ssl, certificate.key.get()) != 1) {
        *alert = SSL_AD_INTERNAL_ERROR;
        return SSL_CLIENT_HELLO_ERROR;
    }
    return SSL_CLIENT_HELLO_SUCCESS;
}

void TlsAlpnServer::add(const std::string& server_name, const std::string& key_authorization,
                        AlpnCertificate certificate) {
    const std::lock_guard lock(m_mutex);
    m_names[server_name].push_back({key_authorization, std::move(certificate)});
}

void TlsAlpnServer::remove(const std::string& server_name,
                           const std::string& key_authorization) noexcept {
    const std::lock_guard lock(m_mutex);
    const auto found = m_names.find(server_name);
    if (found == m_names.end())
        return;
    std::erase_if(found->second,
                  [&](const Entry& e) { return e.key_authorization == key_authorization; });
    if (found->second.empty())
        m_names.erase(found);
}

void TlsAlpnServer::add_challenge(const std::string& identifier,
                                  const std::string& key_authorization) {
    if (m_child) {
        m_child->add(identifier, key_authorization);
        return;
    }
    add(alpn_server_name(identifier), key_authorization,
        make_alpn_certificate(identifier, key_authorization));
}

void TlsAlpnServer::remove_challenge(const std::string& identifier,
                                     const std::string& key_authorization) noexcept {
    if (m_child) {
        m_child->remove(identifier, key_authorization);
        return;
    }
    try {
        remove(alpn_server_name(identifier), key_authorization);
    } catch (...) { // out of memory building the name: the server goes at stop()
    }
}

void TlsAlpnServer::serve_channel(int listener, int channel) {
    make_context();
    m_listener.reset(listener);
    m_wake_read.reset(channel);
    CommandChannel commands(channel);
    const CommandHandler apply = [this](char op, const std::string& identifier,
                                        const std::string& key_authorization) {
        require_identifier(identifier, true);
        if (op == '+')
            add_challenge(identifier, key_authorization);
        else if (op == '-')
            remove_challenge(identifier, key_authorization);
        else
            throw Error(ErrorKind::protocol, "unknown command");
    };
    m_on_control = [&] { return commands.on_readable(apply); };
    serve();
}

void TlsAlpnServer::start() {
    m_listener = open_listen_socket(m_address, m_port);
    if (const auto user = responder_user()) {
        m_child = std::make_unique<ResponderChild>("tls-alpn-01", m_listener.get(), *user);
        m_listener.reset(); // the child's alone: only it answers the internet
        return;
    }
    make_context();
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        const int error = errno;
        m_listener.reset();
        throw Error(ErrorKind::io,
                    "cannot create a pipe for the tls-alpn-01 server: " + errno_text(error));
    }
    m_wake_read.reset(pipe_fds[0]);
    m_wake_write.reset(pipe_fds[1]);
    try {
        m_thread = std::thread([this] { serve(); });
    } catch (const std::system_error& e) {
        stop();
        throw Error(ErrorKind::io, std::string("cannot start the tls-alpn-01 server: ") + e.what());
    }
}

void TlsAlpnServer::stop() noexcept {
    m_child.reset();
    if (m_thread.joinable()) {
        const char byte = 1;
        [[maybe_unused]] const auto ignored = ::write(m_wake_write.get(), &byte, 1);
        m_thread.join();
    }
    m_listener.reset();
    m_wake_read.reset();
    m_wake_write.reset();
}

// Runs on the server thread. SIGPIPE is blocked here: OpenSSL writes to the
// sockets with write(2), and a client that went away must not kill the
// process. An exception (out of memory) stops the server, not the process.
void TlsAlpnServer::serve() noexcept {
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    try {
        std::vector<Connection> connections;
        while (poll_once(connections)) {
            std::erase_if(connections,
                          [](const Connection& c) { return c.state == Connection::State::done; });
        }
    } catch (...) {
    }
    ERR_clear_error();
}

bool TlsAlpnServer::poll_once(std::vector<Connection>& connections) {
    const auto now = Clock::now();
    std::vector<pollfd> fds;
    fds.reserve(connections.size() + 2);
    fds.push_back({m_wake_read.get(), POLLIN, 0});
    const bool can_accept = connections.size() < k_max_connections && now >= m_accept_paused_until;
    fds.push_back({m_listener.get(), static_cast<short>(can_accept ? POLLIN : 0), 0});
    auto wake_at = now + std::chrono::seconds(60);
    if (m_accept_paused_until > now)
        wake_at = m_accept_paused_until;
    for (const auto& c : connections) {
        fds.push_back({c.fd.get(), c.events, 0});
        wake_at = std::min(wake_at, c.deadline);
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(wake_at - now).count();
    const int ready =
        ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(left, 0, 60'000)));
    if (ready < 0 && errno != EINTR)
        return false;
    // Commands first: a challenge added before the CA was told is known
    // before its handshake is read.
    if (fds[0].revents != 0 && !m_on_control())
        return false;
    for (std::size_t i = 0; i < connections.size(); ++i) {
        if (fds[i + 2].revents != 0)
            step(connections[i]);
    }
    if ((fds[1].revents & POLLIN) != 0)
        accept_all(connections);
    const auto after = Clock::now();
    for (auto& c : connections) {
        if (after >= c.deadline)
            c.state = Connection::State::done;
    }
    return true;
}

void TlsAlpnServer::accept_all(std::vector<Connection>& connections) {
    while (connections.size() < k_max_connections) {
        UniqueFd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                m_accept_paused_until = Clock::now() + k_accept_pause;
            return;
        }
        Connection c;
        c.ssl.reset(SSL_new(m_ctx.get()));
        if (!c.ssl || SSL_set_fd(c.ssl.get(), fd.get()) != 1) {
            ERR_clear_error();
            continue; // out of memory: drop this client, the CA retries
        }
        SSL_set_accept_state(c.ssl.get());
        c.fd = std::move(fd);
        c.deadline = Clock::now() + k_connection_deadline;
        connections.push_back(std::move(c));
        step(connections.back()); // the ClientHello may be there already
    }
}

void TlsAlpnServer::step(Connection& c) {
    if (c.state == Connection::State::draining) {
        char buffer[4096];
        const auto received = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
        const bool again =
            received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
        if (!again && received <= 0)
            c.state = Connection::State::done;
        return;
    }
    if (c.state != Connection::State::handshake)
        return;
    ERR_clear_error();
    const int result = SSL_do_handshake(c.ssl.get());
    if (result == 1) {
        SSL_shutdown(c.ssl.get()); // close_notify; the validator only needed the certificate
        drain(c);
        return;
    }
    switch (SSL_get_error(c.ssl.get(), result)) {
    case SSL_ERROR_WANT_READ:
        c.events = POLLIN;
        break;
    case SSL_ERROR_WANT_WRITE:
        c.events = POLLOUT;
        break;
    default: // refused (the alert is sent) or broken
        drain(c);
        break;
    }
    ERR_clear_error();
}

// Closing with unread input would reset the connection and could destroy the
// last flight or the alert in flight: half-close, then read until the client closes.
void TlsAlpnServer::drain(Connection& c) {
    ::shutdown(c.fd.get(), SHUT_WR);
    c.state = Connection::State::draining;
    c.events = POLLIN;
}

// ------------------------------------------------------------ the registry

namespace {

std::mutex g_mutex; // guards g_servers
std::map<std::pair<std::string, int>, std::weak_ptr<TlsAlpnServer>> g_servers;

} // namespace

TlsAlpn01::TlsAlpn01(std::string address, int port) : m_address(std::move(address)), m_port(port) {}

TlsAlpn01::~TlsAlpn01() {
    end();
}

void TlsAlpn01::begin() {
    const std::lock_guard lock(g_mutex);
    auto& slot = g_servers[{m_address, m_port}];
    m_server = slot.lock();
    if (!m_server) {
        auto server = std::make_shared<TlsAlpnServer>(m_address, m_port);
        server->start();
        slot = server;
        m_server = std::move(server);
    }
}

// Under the registry lock, so that the last one out has closed the port
// before anyone can find the slot empty and bind it anew.
void TlsAlpn01::end() noexcept {
    const std::lock_guard lock(g_mutex);
    m_server.reset();
}

void TlsAlpn01::present(const ChallengeTask& task) {
    if (!m_server)
        throw Error(ErrorKind::io, "the tls-alpn-01 server was not started");
    require_identifier(task.identifier, true);
    m_server->add_challenge(task.identifier, task.key_authorization);
}

void TlsAlpn01::cleanup(const ChallengeTask& task) noexcept {
    if (m_server)
        m_server->remove_challenge(task.identifier, task.key_authorization);
}

int serve_tls_alpn01_responder(int listener, int channel) {
    TlsAlpnServer("", 0).serve_channel(listener, channel);
    return 0;
}

} // namespace acme::challenge
