#include "challenge/http01_webroot.hpp"

#include "challenge/token.hpp"
#include "common/unique_fd.hpp"
#include "common/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace acme::challenge {

namespace fs = std::filesystem;

namespace {

constexpr mode_t k_dir_mode = 0755;  // the web server must traverse it
constexpr mode_t k_file_mode = 0644; // and read the token file

std::string errno_text(int error) {
    return std::system_category().message(error);
}

[[noreturn]] void throw_io(const std::string& what, const fs::path& path, int error) {
    throw Error(ErrorKind::io, what + " " + path.string() + ": " + errno_text(error));
}

// Creates dir if missing and returns true when this call created it. mkdir's
// mode is filtered by the umask, so the mode is set again explicitly.
bool ensure_directory(const fs::path& dir) {
    if (::mkdir(dir.c_str(), k_dir_mode) == 0) {
        ::chmod(dir.c_str(), k_dir_mode);
        return true;
    }
    const int error = errno;
    if (error != EEXIST)
        throw_io("cannot create directory", dir, error);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw Error(ErrorKind::io,
                    "cannot use " + dir.string() + ": it exists and is not a directory");
    }
    return false;
}

void write_all(int fd, std::string_view data, const fs::path& path) {
    while (!data.empty()) {
        const auto written = ::write(fd, data.data(), data.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            throw_io("cannot write", path, errno);
        data.remove_prefix(static_cast<std::size_t>(written));
    }
}

// O_EXCL so a planted symlink is never followed; a stale temp file left by a
// killed run is removed once and the create retried.
UniqueFd create_exclusive(const fs::path& path) {
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::open(path.c_str(), flags, k_file_mode));
    if (!fd && errno == EEXIST && ::unlink(path.c_str()) == 0)
        fd.reset(::open(path.c_str(), flags, k_file_mode));
    if (!fd)
        throw_io("cannot create", path, errno);
    return fd;
}

// Write a temp file beside the target, then rename: the web server (and the
// CA behind it) sees either no file or the whole key authorization. No fsync:
// the file lives for seconds and a crash ends the validation anyway.
void write_file_atomically(const fs::path& path, std::string_view content) {
    const fs::path temp = path.parent_path() / ("." + path.filename().string() + ".acmectl-tmp");
    try {
        UniqueFd fd = create_exclusive(temp);
        ::fchmod(fd.get(), k_file_mode); // the umask filtered open's mode
        write_all(fd.get(), content, temp);
        // close() can report a delayed write error (NFS, quota): check it.
        if (::close(fd.release()) != 0)
            throw_io("cannot write", temp, errno);
        if (::rename(temp.c_str(), path.c_str()) != 0)
            throw_io("cannot rename to", path, errno);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
}

} // namespace

WebrootHttp01::WebrootHttp01(fs::path root) : m_root(std::move(root)) {}

void WebrootHttp01::begin() {
    std::error_code ec;
    const auto status = fs::status(m_root, ec);
    if (status.type() == fs::file_type::not_found) {
        throw Error(ErrorKind::usage, "webroot " + m_root.string() + " does not exist");
    }
    if (status.type() == fs::file_type::none) {
        throw Error(ErrorKind::usage,
                    "webroot " + m_root.string() + " cannot be read: " + ec.message());
    }
    if (!fs::is_directory(status)) {
        throw Error(ErrorKind::usage, "webroot " + m_root.string() + " is not a directory");
    }
    // access() also reports a read-only file system (EROFS), even for root.
    if (::access(m_root.c_str(), W_OK | X_OK) != 0) {
        throw Error(ErrorKind::usage,
                    "webroot " + m_root.string() + " is not writable: " + errno_text(errno));
    }
}

void WebrootHttp01::present(const ChallengeTask& task) {
    require_valid_token(task.token);
    const auto well_known = m_root / ".well-known";
    const auto challenge_dir = well_known / "acme-challenge";
    if (ensure_directory(well_known))
        m_created_well_known = true;
    if (ensure_directory(challenge_dir))
        m_created_dirs = true;
    write_file_atomically(challenge_dir / task.token, task.key_authorization);
}

void WebrootHttp01::cleanup(const ChallengeTask& task) noexcept {
    // Never build a path from a token that could climb out of the folder.
    if (!is_valid_token(task.token))
        return;
    try {
        std::error_code ec;
        fs::remove(m_root / ".well-known" / "acme-challenge" / task.token, ec);
    } catch (...) { // path concatenation may allocate; cleanup must not throw
    }
}

// fs::remove on a directory is rmdir(2): it only removes an empty one, so a
// folder that another process (or a concurrent order) still uses stays.
void WebrootHttp01::end() noexcept {
    try {
        std::error_code ec;
        if (m_created_dirs)
            fs::remove(m_root / ".well-known" / "acme-challenge", ec);
        if (m_created_well_known)
            fs::remove(m_root / ".well-known", ec);
    } catch (...) {
    }
    m_created_dirs = false;
    m_created_well_known = false;
}

} // namespace acme::challenge
