// One flock per lineage (DESIGN.md, "The store"): renew skips what another
// process holds. flock locks belong to the open file description, so they go
// away by themselves when a holder dies.
#include "store/atomic_file.hpp"
#include "store/posix_file.hpp"
#include "store/file_store.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace acme::store {

FileLock::~FileLock() {
    if (m_fd >= 0) {
        ::flock(m_fd, LOCK_UN);
        ::close(m_fd);
    }
}

std::unique_ptr<Lock> FileStore::try_lock(const std::string& name) const {
    check_lineage_name(name);
    fs::path dir = m_home / "locks";
    make_dirs(dir, 0755);
    fs::path path = dir / (name + ".lock");
    // O_NOFOLLOW: a planted symlink must not make us create files elsewhere.
    detail::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid())
        detail::throw_io("open", path, errno);
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            return nullptr;
        if (errno != EINTR)
            detail::throw_io("lock", path, errno);
    }
    return std::make_unique<FileLock>(fd.release());
}

} // namespace acme::store
