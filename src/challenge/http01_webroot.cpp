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

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
    throw Error(ErrorKind::usage, "refusing to use " + path.string() + ": " + why);
}

// True when parent/name is a real directory, false when it is absent; a
// symbolic link or anything else is refused with the fix in the message.
bool check_directory(int parent, const char* name, const fs::path& shown) {
    struct stat st {};
    if (::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT)
            return false;
        throw_io("cannot examine", shown, errno);
    }
    if (S_ISLNK(st.st_mode))
        refuse(shown, "it is a symbolic link (replace it with a real folder)");
    if (!S_ISDIR(st.st_mode))
        refuse(shown, "it exists and is not a directory");
    return true;
}

// Opens parent/name without following a link in its place.
UniqueFd open_directory(int parent, const char* name, const fs::path& shown) {
    UniqueFd fd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        const int error = errno;
        check_directory(parent, name, shown); // a clearer reason for a link or a file
        throw_io("cannot open directory", shown, error);
    }
    return fd;
}

// Creates parent/name if missing and opens it; created tells whether this
// call made it. mkdirat's mode is filtered by the umask, so the mode is set
// again on the opened descriptor, and only on a folder we own: one swapped in
// by someone else between mkdirat and openat is used but not changed.
UniqueFd ensure_directory(int parent, const char* name, const fs::path& shown, bool& created) {
    created = ::mkdirat(parent, name, k_dir_mode) == 0;
    if (!created && errno != EEXIST)
        throw_io("cannot create directory", shown, errno);
    UniqueFd fd = open_directory(parent, name, shown);
    struct stat st {};
    if (created && ::fstat(fd.get(), &st) == 0 && st.st_uid == ::geteuid())
        ::fchmod(fd.get(), k_dir_mode);
    return fd;
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

// O_EXCL|O_NOFOLLOW so a planted symlink is never followed; a stale temp file
// left by a killed run is removed once and the create retried.
UniqueFd create_exclusive(int dir, const std::string& name, const fs::path& shown) {
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::openat(dir, name.c_str(), flags, k_file_mode));
    if (!fd && errno == EEXIST && ::unlinkat(dir, name.c_str(), 0) == 0)
        fd.reset(::openat(dir, name.c_str(), flags, k_file_mode));
    if (!fd)
        throw_io("cannot create", shown, errno);
    return fd;
}

// Write a temp file beside the target, then rename: the web server (and the
// CA behind it) sees either no file or the whole key authorization. renameat
// replaces a link planted at the token name instead of following it. No
// fsync: the file lives for seconds and a crash ends the validation anyway.
void write_token_file(int dir, const fs::path& shown_dir, const std::string& name,
                      std::string_view content, const struct stat& owner) {
    const std::string temp = "." + name + ".acmectl-tmp";
    try {
        UniqueFd fd = create_exclusive(dir, temp, shown_dir / temp);
        ::fchmod(fd.get(), k_file_mode); // the umask filtered open's mode
        // As root, the file belongs to the web root's owner like the rest of
        // the site, not to root.
        if (::geteuid() == 0 && ::fchown(fd.get(), owner.st_uid, owner.st_gid) != 0)
            throw_io("cannot hand over", shown_dir / temp, errno);
        write_all(fd.get(), content, shown_dir / temp);
        // close() can report a delayed write error (NFS, quota): check it.
        if (const int error = fd.close_checked(); error != 0)
            throw_io("cannot write", shown_dir / temp, error);
        if (::renameat(dir, temp.c_str(), dir, name.c_str()) != 0)
            throw_io("cannot rename to", shown_dir / name, errno);
    } catch (...) {
        ::unlinkat(dir, temp.c_str(), 0);
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
    // The root itself is the operator's choice and may be a link; what lies
    // below it is checked before the CA is asked for anything.
    m_root_fd.reset(::open(m_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!m_root_fd || ::fstat(m_root_fd.get(), &m_owner) != 0)
        throw_io("cannot open webroot", m_root, errno);
    const auto well_known = m_root / ".well-known";
    if (check_directory(m_root_fd.get(), ".well-known", well_known)) {
        const auto fd = open_directory(m_root_fd.get(), ".well-known", well_known);
        check_directory(fd.get(), "acme-challenge", well_known / "acme-challenge");
    }
}

void WebrootHttp01::present(const ChallengeTask& task) {
    require_valid_token(task.token);
    if (!m_root_fd)
        throw Error(ErrorKind::io, "the webroot solver was not started");
    const auto well_known = m_root / ".well-known";
    const auto challenge_dir = well_known / "acme-challenge";
    bool created = false;
    if (!m_well_known_fd) {
        m_well_known_fd = ensure_directory(m_root_fd.get(), ".well-known", well_known, created);
        m_created_well_known = created;
    }
    if (!m_challenge_fd) {
        m_challenge_fd =
            ensure_directory(m_well_known_fd.get(), "acme-challenge", challenge_dir, created);
        m_created_dirs = created;
    }
    write_token_file(m_challenge_fd.get(), challenge_dir, task.token, task.key_authorization,
                     m_owner);
}

// Relative to the folder the token was written into, whatever has been
// renamed or planted under the web root since.
void WebrootHttp01::cleanup(const ChallengeTask& task) noexcept {
    // Never use a token that could name something outside the folder.
    if (!is_valid_token(task.token) || !m_challenge_fd)
        return;
    ::unlinkat(m_challenge_fd.get(), task.token.c_str(), 0);
}

// AT_REMOVEDIR is rmdir(2): it only removes an empty folder, so one that
// another process (or a concurrent order) still uses stays.
void WebrootHttp01::end() noexcept {
    if (m_created_dirs && m_well_known_fd)
        ::unlinkat(m_well_known_fd.get(), "acme-challenge", AT_REMOVEDIR);
    if (m_created_well_known && m_root_fd)
        ::unlinkat(m_root_fd.get(), ".well-known", AT_REMOVEDIR);
    m_challenge_fd.reset();
    m_well_known_fd.reset();
    m_root_fd.reset();
    m_created_dirs = false;
    m_created_well_known = false;
}

} // namespace acme::challenge
