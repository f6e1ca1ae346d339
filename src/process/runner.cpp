#include "process/runner.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/unique_fd.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <string_view>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

namespace acme::process {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// ------------------------------------------------------------------ running

namespace {

// After a timeout or a signal to acmectl, how long the group gets between
// SIGTERM and SIGKILL.
constexpr auto k_term_grace = std::chrono::seconds(2);
// After the hook exits, how long background processes it started may keep
// its output open before their group is stopped (else `cmd &` in a hook
// would hold the runner until the timeout).
constexpr auto k_drain_grace = milliseconds(500);
// How often the supervisor checks for the child's exit while waiting.
constexpr auto k_tick = milliseconds(20);
constexpr int k_exit_exec_failed = 127;
// Longer timeouts are clamped so that now + timeout cannot overflow.
constexpr auto k_max_timeout = std::chrono::hours(24 * 365);

using Fd = UniqueFd;

struct Pipe {
    Fd read;
    Fd write;
};

std::string errno_text(int err) {
    return std::system_category().message(err);
}

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        throw Error(ErrorKind::hook, "cannot create a pipe for a hook: " + errno_text(errno));
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::string_view key_of(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

std::string path_variable(const std::vector<std::string>& env) {
    for (const std::string& entry : env)
        if (key_of(entry) == "PATH")
            return entry.substr(5);
    return k_default_path;
}

// The files execvp would try, in order. Empty PATH elements are skipped:
// execvp reads them as the current folder, and a root cron job must not run
// whatever happens to sit in its working folder.
std::vector<std::string> exec_candidates(const std::string& program, const std::string& path) {
    if (program.find('/') != std::string::npos)
        return {program};
    std::vector<std::string> candidates;
    if (program.empty())
        return candidates;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = std::min(path.find(':', start), path.size());
        if (end > start)
            candidates.push_back(path.substr(start, end - start) + "/" + program);
        start = end + 1;
    }
    return candidates;
}

// What the child sends through the CLOEXEC status pipe when it cannot exec;
// end of file on that pipe means execve succeeded.
struct ExecFailure {
    enum Stage { setup, exec } stage;
    int err;
};

[[noreturn]] void report_and_exit(int status_fd, ExecFailure::Stage stage, int err) {
    ExecFailure failure{stage, err};
    // One write below PIPE_BUF is atomic; if it fails the parent still sees
    // exit status 127 with no report, and nothing better can be done here.
    if (::write(status_fd, &failure, sizeof failure) < 0) {
    }
    ::_exit(k_exit_exec_failed);
}

// Moves fd to 3 or above so setting up 0-2 cannot clobber it (we may have
// been started with closed standard descriptors).
int lift_fd(int fd) {
    return fd > 2 ? fd : ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

// in_fd < 0: stdin from /dev/null.
bool redirect_stdio(int in_fd, int out_fd) {
    if (in_fd < 0)
        in_fd = ::open("/dev/null", O_RDONLY);
    if (in_fd < 0 || (in_fd != 0 && ::dup2(in_fd, 0) < 0))
        return false;
    return ::dup2(out_fd, 1) >= 0 && ::dup2(out_fd, 2) >= 0;
}

// Marks every descriptor above 2 close-on-exec rather than closing it: the
// status pipe must stay open until execve succeeds.
void mark_fds_cloexec() {
    if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    // Kernels before 5.11: one by one, up to the descriptor limit.
    rlimit limit{};
    rlim_t max_fd = 65536;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < max_fd)
        max_fd = limit.rlim_cur;
    for (int fd = 3; static_cast<rlim_t>(fd) < max_fd; ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0)
            ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

// Ignored signals stay ignored across execve and the mask is inherited; a
// hook gets the defaults (SIGPIPE in particular) whatever the caller set up.
void reset_signals() {
    constexpr int k_classic_signals = 32;
    for (int sig = 1; sig < k_classic_signals; ++sig)
        ::signal(sig, SIG_DFL);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool try_next_candidate(int err) {
    return err == ENOENT || err == ENOTDIR || err == ESTALE || err == ENODEV || err == ETIMEDOUT ||
           err == EACCES;
}

// Everything the child needs, built before fork: between fork and execve a
// threaded program may only make async-signal-safe calls, so no allocation.
class ExecPlan {
  public:
    ExecPlan(const std::vector<std::string>& argv, const EnvList& extra_env)
        : m_args(argv), m_env(hook_environment(current_environment(), extra_env)),
          m_candidates(exec_candidates(argv.front(), path_variable(m_env))),
          m_umask(hook_umask()) {
        for (std::string& arg : m_args)
            m_argv.push_back(arg.data());
        m_argv.push_back(nullptr);
        for (std::string& entry : m_env)
            m_envp.push_back(entry.data());
        m_envp.push_back(nullptr);
    }
    ExecPlan(const ExecPlan&) = delete; // m_argv and m_envp point into the strings
    ExecPlan& operator=(const ExecPlan&) = delete;

    [[noreturn]] void exec_in_child(int in_fd, int out_fd, int status_fd) const {
        ::setpgid(0, 0);
        ::umask(m_umask);
        reset_signals();
        status_fd = lift_fd(status_fd);
        out_fd = lift_fd(out_fd);
        const bool has_input = in_fd >= 0;
        if (has_input)
            in_fd = lift_fd(in_fd);
        if (status_fd < 0 || out_fd < 0 || (has_input && in_fd < 0) ||
            !redirect_stdio(in_fd, out_fd))
            report_and_exit(status_fd, ExecFailure::setup, errno);
        mark_fds_cloexec();
        report_and_exit(status_fd, ExecFailure::exec, try_candidates());
    }

  private:
    // Like execvp: EACCES is remembered but the search goes on; ENOEXEC is
    // reported, not retried with /bin/sh (no shell unless the user asks).
    int try_candidates() const {
        int err = ENOENT;
        bool denied = false;
        for (const std::string& candidate : m_candidates) {
            ::execve(candidate.c_str(), m_argv.data(), m_envp.data());
            err = errno;
            denied = denied || err == EACCES;
            if (!try_next_candidate(err))
                return err;
        }
        return denied ? EACCES : err;
    }

    std::vector<std::string> m_args;
    std::vector<std::string> m_env;
    std::vector<std::string> m_candidates;
    mode_t m_umask;
    std::vector<char*> m_argv;
    std::vector<char*> m_envp;
};

// Blocks until the child has exec'd (end of file) or reported why not.
std::optional<ExecFailure> read_exec_failure(int status_fd) {
    ExecFailure failure{};
    for (;;) {
        ssize_t n = ::read(status_fd, &failure, sizeof failure);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == static_cast<ssize_t>(sizeof failure))
            return failure;
        if (n == 0)
            return std::nullopt;
        return ExecFailure{ExecFailure::setup, n < 0 ? errno : EIO};
    }
}

int wait_blocking(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

std::string describe_failure(const ExecFailure& failure, const std::string& program) {
    if (failure.stage == ExecFailure::setup)
        return "cannot set up hook " + program + ": " + errno_text(failure.err);
    return "cannot execute " + program + ": " + errno_text(failure.err);
}

int poll_millis(Clock::duration d) {
    return static_cast<int>(
        std::max<milliseconds::rep>(0, std::chrono::ceil<milliseconds>(d).count()));
}

// Watches one started hook: collects its output, reaps it, and stops its
// process group when it overstays.
class HookProcess {
  public:
    HookProcess(pid_t pid, Fd out) : m_pid(pid), m_out(std::move(out)) {
        ::fcntl(m_out.get(), F_SETFL, ::fcntl(m_out.get(), F_GETFL) | O_NONBLOCK);
    }

    // Throws Error(interrupted) after stopping the group when acmectl got a
    // signal (and the caller is not cleaning up under a Shield).
    void run(Clock::time_point deadline, HookResult& result) {
        pump_until(deadline,
                   [this] { return finished() || drain_grace_over() || interrupt::should_stop(); });
        if (interrupt::should_stop() && !finished()) {
            stop_group();
            interrupt::throw_if_stopping();
        }
        result.timed_out = !m_exited;
        bool lingering = m_exited && !finished();
        if (!finished())
            stop_group();
        if (lingering)
            m_output +=
                "\n[acmectl: stopped background processes that kept the hook's output open]\n";
        fill(result);
    }

  private:
    bool finished() const { return m_exited && !m_out.valid(); }
    bool drain_grace_over() const {
        return m_exited && Clock::now() >= m_exit_time + k_drain_grace;
    }

    template <typename Done> void pump_until(Clock::time_point until, Done done) {
        while (!done()) {
            Clock::time_point now = Clock::now();
            if (now >= until)
                return;
            wait_for_output(std::min<Clock::duration>(until - now, k_tick));
            read_available();
            reap_if_exited();
        }
    }

    void wait_for_output(Clock::duration wait) {
        pollfd pfd{m_out.get(), POLLIN, 0};
        // With the pipe closed this is a plain sleep (poll ignores fd -1).
        ::poll(&pfd, 1, poll_millis(wait));
    }

    void read_available() {
        char buffer[16384];
        while (m_out.valid()) {
            ssize_t n = ::read(m_out.get(), buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            if (n <= 0) {
                m_out.reset(); // end of file, or an error that will not go away
                return;
            }
            keep_output(std::string_view(buffer, static_cast<std::size_t>(n)));
        }
    }

    // Past the cap the output is still read (so the hook never blocks on a
    // full pipe) but dropped.
    void keep_output(std::string_view chunk) {
        std::size_t room = k_hook_output_cap - std::min(k_hook_output_cap, m_output.size());
        m_output.append(chunk.substr(0, room));
        if (chunk.size() > room && !m_cut) {
            m_cut = true;
            m_output +=
                "\n[acmectl: output cut at " + std::to_string(k_hook_output_cap) + " bytes]\n";
        }
    }

    void reap_if_exited() {
        if (m_exited)
            return;
        pid_t r = ::waitpid(m_pid, &m_status, WNOHANG);
        // ECHILD: the kernel reaped it already because the caller ignores
        // SIGCHLD; it has exited, but its status is lost.
        m_status_lost = r < 0 && errno == ECHILD;
        if (r == m_pid || m_status_lost) {
            m_exited = true;
            m_exit_time = Clock::now();
        }
    }

    // SIGTERM to the whole group, SIGKILL when it is still there (or still
    // holds the output) after the grace; then the hook is always reaped.
    void stop_group() {
        ::kill(-m_pid, SIGTERM);
        pump_until(Clock::now() + k_term_grace, [this] { return finished(); });
        if (finished())
            return;
        ::kill(-m_pid, SIGKILL);
        read_available();
        m_out.reset(); // a holder outside the group must not keep us waiting
        if (!m_exited) {
            m_status = wait_blocking(m_pid);
            m_exited = true;
        }
    }

    void fill(HookResult& result) {
        result.output = std::move(m_output);
        if (WIFEXITED(m_status) && !m_status_lost)
            result.exit_status = WEXITSTATUS(m_status);
        if (m_status_lost)
            result.error = "exit status unavailable: SIGCHLD is ignored";
        else if (result.timed_out)
            result.error = "timed out; its process group was stopped";
        else if (WIFSIGNALED(m_status))
            result.error = "killed by signal " + std::to_string(WTERMSIG(m_status));
        else if (result.exit_status != 0)
            result.error = "exited with status " + std::to_string(result.exit_status);
    }

    pid_t m_pid;
    Fd m_out;
    std::string m_output;
    bool m_cut = false;
    bool m_exited = false;
    bool m_status_lost = false;
    int m_status = 0;
    Clock::time_point m_exit_time;
};

// A pipe already holding input, its write end closed: the hook reads the
// input, then end of file, and nobody can block on it. Empty for no input.
Fd input_pipe(std::string_view input) {
    if (input.empty())
        return Fd();
    if (input.size() > k_hook_input_cap)
        throw Error(ErrorKind::usage,
                    "the input for a hook is over " + std::to_string(k_hook_input_cap) + " bytes");
    Pipe in = make_pipe();
    ::fcntl(in.write.get(), F_SETFL, O_NONBLOCK);
    // Best effort: a user over the pipe-user-pages limit gets one-page pipes.
    ::fcntl(in.write.get(), F_SETPIPE_SZ, static_cast<int>(k_hook_input_cap));
    while (!input.empty()) {
        ssize_t n = ::write(in.write.get(), input.data(), input.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw Error(ErrorKind::hook,
                        "cannot pass the input to a hook: " + errno_text(n < 0 ? errno : EIO));
        input.remove_prefix(static_cast<std::size_t>(n));
    }
    return std::move(in.read);
}

} // namespace

HookResult run_hook(const std::vector<std::string>& argv, const EnvList& extra_env,
                    milliseconds timeout, std::string_view input) {
    if (argv.empty())
        throw Error(ErrorKind::usage, "empty hook command");
    ExecPlan plan(argv, extra_env);
    Fd in = input_pipe(input);
    Pipe out = make_pipe();
    Pipe status = make_pipe();
    Clock::time_point start = Clock::now();
    pid_t pid = ::fork();
    if (pid < 0)
        throw Error(ErrorKind::hook,
                    "cannot start hook " + argv.front() + ": " + errno_text(errno));
    if (pid == 0)
        plan.exec_in_child(in.get(), out.write.get(), status.write.get());
    // The child does this too; whichever runs first, the group exists before
    // anyone signals it.
    ::setpgid(pid, pid);
    in.reset();
    out.write.reset();
    status.write.reset();

    interrupt::ChildGroup registered(pid); // a second Ctrl-C kills it
    HookResult result;
    if (std::optional<ExecFailure> failure = read_exec_failure(status.read.get())) {
        wait_blocking(pid);
        result.error = describe_failure(*failure, argv.front());
    } else {
        result.started = true;
        HookProcess(pid, std::move(out.read))
            .run(start + std::min<milliseconds>(timeout, k_max_timeout), result);
    }
    result.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    return result;
}

// Follows symlinks, as run-parts does.
bool is_executable_file(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

std::vector<std::string> shell_argv(const std::string& command) {
    return {"/bin/sh", "-c", command};
}

void require_shell_command(const std::string& command) {
    if (command.find_first_not_of(" \t\r\n") == std::string::npos)
        throw Error(ErrorKind::usage, "empty hook command");
    for (unsigned char c : command)
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            throw Error(ErrorKind::usage, "the hook command holds a control character");
}

fs::path find_program(const std::string& program) {
    for (const std::string& candidate :
         exec_candidates(program, path_variable(hook_environment(current_environment(), {}))))
        if (is_executable_file(candidate))
            return candidate;
    return {};
}

} // namespace acme::process
