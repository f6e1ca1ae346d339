#include "challenge/responder_child.hpp"

#include "challenge/listen_socket.hpp"
#include "common/error.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace acme::challenge {

namespace {

using Clock = std::chrono::steady_clock;

// The exec and the drop happen well within this, even under a sanitizer.
constexpr auto k_start_timeout = std::chrono::seconds(20);
constexpr auto k_answer_timeout = std::chrono::seconds(10);
constexpr auto k_exit_timeout = std::chrono::seconds(3);
constexpr int k_child_listener = 3;
constexpr int k_child_channel = 4;
constexpr std::size_t k_max_line = 4096;

[[noreturn]] void fail(const std::string& kind, const std::string& why) {
    throw Error(ErrorKind::io, "cannot start the unprivileged " + kind + " server: " + why);
}

std::optional<UnprivilegedUser> find_user(const char* name) {
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* found = nullptr;
    if (::getpwnam_r(name, &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
        return std::nullopt;
    return UnprivilegedUser{name, found->pw_uid, found->pw_gid};
}

// One line from fd within the deadline ("" when the peer closed or timed out).
std::string read_line(int fd, Clock::time_point deadline) {
    std::string line;
    while (line.size() < k_max_line) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return "";
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return "";
        char c = 0;
        const auto got = ::read(fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return "";
        if (c == '\n')
            return line;
        line.push_back(c);
    }
    return "";
}

// Moves fd to at least 10, so the dup2s onto 3 and 4 cannot overwrite it.
// In the forked child of a threaded process: async-signal-safe calls only.
int move_high(int fd) {
    return ::fcntl(fd, F_DUPFD, 10);
}

// Runs in the forked child, before exec: only async-signal-safe calls.
[[noreturn]] void become_responder(int listener, int channel, int exe, int null_fd,
                                   const UnprivilegedUser& user, char* const argv[]) {
    listener = move_high(listener);
    channel = move_high(channel);
    exe = move_high(exe);
    if (listener < 0 || channel < 0 || exe < 0 || ::dup2(null_fd, 0) < 0 ||
        ::dup2(null_fd, 1) < 0 || ::dup2(listener, k_child_listener) < 0 ||
        ::dup2(channel, k_child_channel) < 0 || ::dup2(exe, 5) < 0 ||
        ::fcntl(5, F_SETFD, FD_CLOEXEC) != 0)
        ::_exit(127);
    ::close_range(6, ~0U, 0); // nothing of the parent's: no store, no key, no log
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr); // a blocking thread's mask is no server's
    // Groups first, then the group, then the user: after setuid(2) the
    // others could not be changed any more.
    if (::setgroups(0, nullptr) != 0 || ::setgid(user.gid) != 0 || ::setuid(user.uid) != 0)
        ::_exit(126);
    if (::setuid(0) != -1 || ::geteuid() == 0 || ::getegid() == 0)
        ::_exit(126); // the drop did not hold
    if (::chdir("/") != 0)
        ::_exit(127);
    char* const no_environment[] = {nullptr};
    ::fexecve(5, argv, no_environment);
    ::_exit(127);
}

void kill_and_reap(pid_t pid) noexcept {
    if (pid <= 0)
        return;
    const auto deadline = Clock::now() + k_exit_timeout;
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (Clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return;
        }
        ::usleep(10'000);
    }
}

} // namespace

std::optional<UnprivilegedUser> responder_user() {
    if (::geteuid() != 0)
        return std::nullopt;
    if (auto user = find_user("acmectl"))
        return user;
    if (auto user = find_user("nobody"))
        return user;
    throw Error(ErrorKind::io, "running as root, but neither the user 'acmectl' nor 'nobody' "
                               "exists to run the challenge server as");
}

ResponderChild::ResponderChild(const std::string& kind, int listener, const UnprivilegedUser& user)
    : m_kind(kind) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        fail(kind, "socketpair: " + errno_text(errno));
    m_channel.reset(pair[0]);
    UniqueFd child_end(pair[1]);
    UniqueFd exe(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    UniqueFd null_fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!exe || !null_fd)
        fail(kind, "cannot open this program or /dev/null: " + errno_text(errno));
    // Built before fork: the child of a threaded process may not allocate.
    std::string program = "acmectl", argument = k_responder_argument, kind_arg = kind;
    char* const argv[] = {program.data(), argument.data(), kind_arg.data(), nullptr};
    m_pid = ::fork();
    if (m_pid < 0)
        fail(kind, "fork: " + errno_text(errno));
    if (m_pid == 0)
        become_responder(listener, child_end.get(), exe.get(), null_fd.get(), user, argv);
    child_end.reset();
    if (read_line(m_channel.get(), Clock::now() + k_start_timeout) != "ready") {
        m_channel.reset();
        kill_and_reap(m_pid);
        m_pid = -1;
        fail(kind, "the process running as user " + user.name + " did not report ready");
    }
}

ResponderChild::~ResponderChild() {
    m_channel.reset();
    kill_and_reap(m_pid);
}

void ResponderChild::command(char op, const std::string& name,
                             const std::string& key_authorization) {
    const std::string line = std::string(1, op) + " " + name + " " + key_authorization + "\n";
    const std::lock_guard lock(m_mutex);
    if (::send(m_channel.get(), line.data(), line.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(line.size()) ||
        read_line(m_channel.get(), Clock::now() + k_answer_timeout) != "ok")
        throw Error(ErrorKind::io,
                    "the unprivileged " + m_kind + " server did not take the challenge");
}

void ResponderChild::add(const std::string& name, const std::string& key_authorization) {
    command('+', name, key_authorization);
}

void ResponderChild::remove(const std::string& name,
                            const std::string& key_authorization) noexcept {
    try {
        command('-', name, key_authorization);
    } catch (...) { // the child is gone: nothing is served any more anyway
    }
}

// ---- the responder process's side

bool CommandChannel::on_readable(const CommandHandler& handle) {
    char buffer[4096];
    const auto got = ::read(m_fd, buffer, sizeof buffer);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (got <= 0)
        return false;
    m_input.append(buffer, static_cast<std::size_t>(got));
    for (auto end = m_input.find('\n'); end != std::string::npos; end = m_input.find('\n')) {
        const std::string line = m_input.substr(0, end);
        m_input.erase(0, end + 1);
        const auto space = line.find(' ', 2);
        std::string answer = "error\n";
        if (line.size() > 2 && line[1] == ' ' && space != std::string::npos) {
            try {
                handle(line[0], line.substr(2, space - 2), line.substr(space + 1));
                answer = "ok\n";
            } catch (...) {
            }
        }
        if (::send(m_fd, answer.data(), answer.size(), MSG_NOSIGNAL) < 0)
            return false;
    }
    return m_input.size() < k_max_line;
}

int run_responder(const std::string& kind) {
    // Never serve as root: this process exists to hold no privilege.
    if (::geteuid() == 0 || ::getuid() == 0 || ::setuid(0) != -1)
        return 126;
    const char ready[] = "ready\n";
    if (::send(k_child_channel, ready, sizeof ready - 1, MSG_NOSIGNAL) < 0)
        return 127;
    if (kind == "http-01")
        return serve_http01_responder(k_child_listener, k_child_channel);
    if (kind == "tls-alpn-01")
        return serve_tls_alpn01_responder(k_child_listener, k_child_channel);
    return 64;
}

} // namespace acme::challenge
