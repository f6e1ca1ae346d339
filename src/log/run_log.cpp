#include "log/run_log.hpp"

#include <cerrno>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/time_format.hpp"

namespace acme::log {

namespace {

const char* level_name(LogLevel level) {
    switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    }
    return "info";
}

// Closes the descriptor (and so releases its flock) on every path.
struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

std::string one_line(const std::string& text) {
    std::string out;
    for (char c : text) {
        out.push_back(c == '\n' || c == '\r' ? ' ' : c);
    }
    return out;
}

bool write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n <= 0) {
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// Whether fd is still the file at path (not one rotated away meanwhile).
bool same_file(int fd, const std::filesystem::path& path) {
    struct stat open_st {};
    struct stat path_st {};
    return ::fstat(fd, &open_st) == 0 && ::stat(path.c_str(), &path_st) == 0 &&
           open_st.st_ino == path_st.st_ino && open_st.st_dev == path_st.st_dev;
}

// mkdir with exactly `mode` (mkdir's is filtered by the umask), and missing
// folders above it 0755 (~/.local/state on a fresh account); an existing
// folder is left as it is. False when the folder cannot be had.
bool make_dir(const std::filesystem::path& dir, mode_t mode) {
    if (::mkdir(dir.c_str(), mode) == 0)
        return ::chmod(dir.c_str(), mode) == 0;
    if (errno == ENOENT && dir.has_relative_path() && dir.parent_path() != dir &&
        make_dir(dir.parent_path(), 0755) && ::mkdir(dir.c_str(), mode) == 0)
        return ::chmod(dir.c_str(), mode) == 0;
    struct stat st {};
    return errno == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The log folder and $ACMECTL_HOME above it, with the store's modes: home
// world-readable as the store makes it, log/ for the owner and its group.
bool make_log_dir(const std::filesystem::path& dir) {
    return make_dir(dir.parent_path(), 0755) && make_dir(dir, 0750);
}

// Opens the log for appending. O_NONBLOCK: a FIFO planted in its place fails
// (no reader) or is refused below instead of hanging the run; O_NOFOLLOW: a
// link is not followed. Only a regular file is written to.
int open_log(const std::filesystem::path& path) {
    constexpr int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
    int fd = ::open(path.c_str(), flags | O_CREAT | O_EXCL, 0640);
    if (fd >= 0)
        ::fchmod(fd, 0640); // the umask filtered open's mode
    else if (errno == EEXIST)
        fd = ::open(path.c_str(), flags);
    struct stat st {};
    if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        ::close(fd);
        return -1;
    }
    return fd;
}

} // namespace

RunLog::RunLog(std::filesystem::path dir, std::string command, RunLogOptions options)
    : m_dir(std::move(dir)), m_command(std::move(command)), m_options(std::move(options)) {}

// Under the flock of the current log: concurrent acmectl runs rotate once.
bool RunLog::rotate_if_needed(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || static_cast<std::size_t>(st.st_size) < m_options.max_bytes) {
        return false;
    }
    const auto base = m_dir / "acmectl.log";
    for (int i = m_options.keep - 1; i >= 1; --i) {
        std::error_code ec;
        std::filesystem::rename(base.string() + "." + std::to_string(i),
                                base.string() + "." + std::to_string(i + 1), ec);
    }
    std::error_code ec;
    std::filesystem::rename(base, base.string() + ".1", ec);
    return true;
}

void RunLog::write(LogLevel level, const std::string& message) {
    std::string line;
    const auto now = utc_now_iso8601();
    if (m_options.format == "json") {
        line = nlohmann::json{{"time", now},       {"pid", ::getpid()},
                              {"command", m_command}, {"level", level_name(level)},
                              {"message", message}}
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
               "\n";
    } else {
        line = now + " " + m_command + "[" + std::to_string(::getpid()) + "] " +
               level_name(level) + ": " + one_line(message) + "\n";
    }
    const std::lock_guard guard(m_mutex);
    if (!make_log_dir(m_dir))
        return;
    const auto path = m_dir / "acmectl.log";
    // Bounded: another process may rotate between our open and our flock.
    for (int attempt = 0; attempt < 3; ++attempt) {
        Fd log(open_log(path));
        if (log.fd < 0 || ::flock(log.fd, LOCK_EX) != 0) {
            return;
        }
        if (!same_file(log.fd, path)) {
            continue;
        }
        if (rotate_if_needed(log.fd)) {
            continue;
        }
        write_all(log.fd, line);
        return;
    }
}

} // namespace acme::log
