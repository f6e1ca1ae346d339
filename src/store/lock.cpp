// One flock per lineage (DESIGN.md, "The store"): renew skips what another
// process holds. flock locks belong to the open file description, so they go
// away by themselves when a holder dies.
#include "store/atomic_file.hpp"
#include "store/posix_file.hpp"
#include "store/file_store.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace acme::store {

FileLock::~FileLock() {
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
    }
}

namespace {

// True when fd is still the file at path: release_lock may have unlinked it
// between our open and our flock, and a lock on an unlinked file guards nothing.
bool still_linked(int fd, const fs::path& path) {
    struct stat held {};
    struct stat linked {};
    return ::fstat(fd, &held) == 0 && ::lstat(path.c_str(), &linked) == 0 &&
           held.st_dev == linked.st_dev && held.st_ino == linked.st_ino;
}

} // namespace

std::unique_ptr<Lock> FileStore::try_lock(const std::string& name) const {
    check_lineage_name(name);
    fs::path dir = m_home / "locks";
    make_dirs(dir, 0755);
    fs::path path = dir / (name + ".lock");
    for (int attempt = 0; attempt < 100; ++attempt) {
        // O_NOFOLLOW: a planted symlink must not make us create files elsewhere.
        detail::UniqueFd fd(
            ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!fd.valid())
            detail::throw_io("open", path, errno);
        while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK)
                return nullptr;
            if (errno != EINTR)
                detail::throw_io("lock", path, errno);
        }
        if (still_linked(fd.get(), path))
            return std::make_unique<FileLock>(fd.release());
    }
    return nullptr; // removed under us again and again: someone else is busy with it
}

void FileStore::release_lock(const std::string& name, std::unique_ptr<Lock> lock) const {
    // Unlinked while still held: a process waiting for it notices (still_linked).
    if (lock && !lineage_exists(name)) {
        std::error_code ec;
        fs::remove(m_home / "locks" / (name + ".lock"), ec);
    }
}

void FileStore::remove_lineage(const std::string& name) const {
    const fs::path dir = lineage_dir(name);
    const fs::path doomed =
        dir.parent_path() / ("." + name + ".deleted." + std::to_string(::getpid()));
    if (::rename(dir.c_str(), doomed.c_str()) != 0 && errno != ENOENT)
        detail::throw_io("rename", dir, errno);
    detail::remove_tree(doomed);
    // Unlinked while still locked: a process waiting on the old file gets the
    // lock on a lineage that is gone, and finds no config (it then fails cleanly).
    const fs::path lock = m_home / "locks" / (name + ".lock");
    if (::unlink(lock.c_str()) != 0 && errno != ENOENT)
        detail::throw_io("unlink", lock, errno);
}

} // namespace acme::store
