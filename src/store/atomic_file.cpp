#include "store/atomic_file.hpp"

#include "common/error.hpp"
#include "store/posix_file.hpp"

#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace acme::store {

namespace fs = std::filesystem;
using detail::throw_io;
using detail::UniqueFd;

namespace {

enum class Publish { replace, create_only };

// Keeps the temporary file name within NAME_MAX whatever the target's name.
constexpr std::size_t k_max_name_part = 200;

fs::path folder_of(const fs::path& path) {
    fs::path dir = path.parent_path();
    return dir.empty() ? fs::path(".") : dir;
}

// Unique within this process; the pid makes it unique across processes.
unsigned next_temp_id() {
    static std::atomic<unsigned> counter{0};
    return counter.fetch_add(1);
}

fs::path temp_name_for(const fs::path& target) {
    std::string base = target.filename().string().substr(0, k_max_name_part);
    return folder_of(target) / ("." + base + ".tmp-" + std::to_string(::getpid()) + "-" +
                                std::to_string(next_temp_id()));
}

// The umask may have narrowed the mode given to open(2); this sets exactly
// `mode`, the owner and the group, owner bits only until they are right.
// chown(2) clears set-id bits, so the mode comes after it. errno value or 0,
// and the failed call in `verb`.
int set_access(int fd, mode_t mode, gid_t group, uid_t owner, const char*& verb) {
    verb = "chown";
    if ((group != k_keep_group || owner != k_keep_owner) && ::fchown(fd, owner, group) != 0)
        return errno;
    verb = "chmod";
    return ::fchmod(fd, mode) == 0 ? 0 : errno;
}

} // namespace

namespace detail {

// O_EXCL so we never write through a planted file or symlink. Created with
// owner bits only, so no one else can open it before its group is set.
TempFile create_temp_beside(const fs::path& target, mode_t mode, gid_t group, uid_t owner) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        fs::path temp = temp_name_for(target);
        int fd = ::open(temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode & 0700);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            throw_io("write", target, errno);
        TempFile file{temp, UniqueFd(fd)};
        const char* verb = "write";
        if (int err = set_access(fd, mode, group, owner, verb); err != 0) {
            ::unlink(temp.c_str());
            throw_io(verb, target, err);
        }
        return file;
    }
    throw_io("write", target, EEXIST);
}

} // namespace detail

namespace {

int write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

// Content, fsync, close; errno value or 0.
int fill_temp(detail::TempFile& temp, std::string_view content) {
    if (int err = write_all(temp.fd.get(), content); err != 0)
        return err;
    if (::fsync(temp.fd.get()) != 0)
        return errno;
    return temp.fd.close_checked();
}

// errno value or 0; EEXIST for create_only means the target was there.
int publish(const fs::path& temp, const fs::path& target, Publish how) {
    if (how == Publish::replace)
        return ::rename(temp.c_str(), target.c_str()) == 0 ? 0 : errno;
    // link(2) fails with EEXIST instead of replacing, atomically.
    if (::link(temp.c_str(), target.c_str()) != 0)
        return errno;
    ::unlink(temp.c_str());
    return 0;
}

int fsync_dir(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        return errno;
    if (::fsync(fd.get()) != 0)
        return errno;
    return 0;
}

bool write_file(const fs::path& path, std::string_view content, mode_t mode, Publish how,
                gid_t group = k_keep_group, uid_t owner = k_keep_owner) {
    detail::TempFile temp = detail::create_temp_beside(path, mode, group, owner);
    int err = fill_temp(temp, content);
    if (err == 0)
        err = publish(temp.path, path, how);
    if (err != 0)
        ::unlink(temp.path.c_str());
    if (err == EEXIST && how == Publish::create_only)
        return false;
    if (err == 0)
        err = fsync_dir(folder_of(path));
    if (err != 0)
        throw_io("write", path, err);
    return true;
}

} // namespace

void write_file_atomic(const fs::path& path, std::string_view content, mode_t mode, gid_t group,
                       uid_t owner) {
    write_file(path, content, mode, Publish::replace, group, owner);
}

std::string read_file(const fs::path& path, std::size_t max_bytes) {
    std::optional<std::string> content = detail::read_file_if_exists(path, max_bytes);
    if (!content)
        throw_io("read", path, ENOENT);
    return std::move(*content);
}

void make_dirs(const fs::path& dir, mode_t mode) {
    fs::path partial;
    for (const fs::path& part : dir.lexically_normal()) {
        partial /= part;
        if (!part.empty())
            detail::make_dir(partial, mode);
    }
}

void sync_dir(const fs::path& dir) {
    if (int err = fsync_dir(dir); err != 0)
        throw_io("sync", dir, err);
}

namespace detail {

bool write_file_exclusive(const fs::path& path, std::string_view content, mode_t mode) {
    return write_file(path, content, mode, Publish::create_only);
}

} // namespace detail

} // namespace acme::store
