// Privilege separation for the servers the internet talks to (http-01
// standalone, tls-alpn-01), after OpenBSD acme-client: when acmectl runs as
// root, the port is bound as root, then served by a fresh process (fork +
// exec of this program) that runs as an unprivileged user, holds only the
// challenges it must answer, and has no descriptor of, or right to, the store.
// The parent sends it challenges over a socket: "+ A B\n" adds, "- A B\n"
// removes (A the token or identifier, B the key authorization: base64url
// and dots only), and every line is acknowledged before the CA is told.
// Private to src/challenge.
#pragma once

#include "common/unique_fd.hpp"

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>

namespace acme::challenge {

// The argv[1] that makes an acmectl (or test) process the responder.
inline constexpr const char* k_responder_argument = "__acmectl-responder";

struct UnprivilegedUser {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
};

// When this process runs as root: the `acmectl` system user if it exists,
// else `nobody`; nullopt when not root (the servers then run in a thread,
// as before). Throws Error(io) for root without either user.
std::optional<UnprivilegedUser> responder_user();

// The parent's handle on one responder process.
class ResponderChild {
  public:
    // Starts the responder for kind ("http-01", "tls-alpn-01") serving
    // listener as user, and waits until it reports that it runs without
    // privileges. Throws Error(io) when it does not.
    ResponderChild(const std::string& kind, int listener, const UnprivilegedUser& user);
    ~ResponderChild(); // closes the channel: the child exits; reaps it
    ResponderChild(const ResponderChild&) = delete;
    ResponderChild& operator=(const ResponderChild&) = delete;

    // Error(io) when the child is gone or refuses the line.
    void add(const std::string& name, const std::string& key_authorization);
    void remove(const std::string& name, const std::string& key_authorization) noexcept;

  private:
    void command(char op, const std::string& name, const std::string& key_authorization);
    std::string m_kind;
    pid_t m_pid = -1;
    UniqueFd m_channel;
    std::mutex m_mutex; // one command and its answer at a time
};

// ---- the responder process's side

// Applies the parent's command lines from fd: op '+' or '-', the name and
// the key authorization; a handler error answers "error" instead of "ok".
using CommandHandler =
    std::function<void(char op, const std::string& name, const std::string& key_authorization)>;

// Reads what is available on the channel and answers each complete line.
// False when the parent closed it (or it failed): time to exit.
class CommandChannel {
  public:
    explicit CommandChannel(int fd) : m_fd(fd) {}
    bool on_readable(const CommandHandler& handle);

  private:
    int m_fd;
    std::string m_input;
};

// The serving loops of the two servers in the responder process, in
// http01_standalone.cpp and tls_alpn01.cpp: they answer the channel's
// commands and return (an exit status) when the parent closes it.
int serve_http01_responder(int listener, int channel);
int serve_tls_alpn01_responder(int listener, int channel);

// The responder's main: fd 3 the listener, fd 4 the channel. Refuses to run
// as root. Returns the exit status.
int run_responder(const std::string& kind);

} // namespace acme::challenge
