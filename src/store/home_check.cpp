#include "store/home_check.hpp"

#include "common/error.hpp"
#include "store/posix_file.hpp"

#include <cerrno>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace acme::store {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const fs::path& path, const std::string& why, const std::string& fix) {
    throw Error(ErrorKind::config, "refusing to use the store: " + path.string() + " " + why +
                                       " (fix: " + fix + " " + path.string() + ")");
}

// stat(2), following links: what matters is what a write or exec reaches.
void check_one(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT)
            return;
        detail::throw_io("examine", path, errno);
    }
    const uid_t me = ::geteuid();
    if (st.st_uid != me) {
        refuse(path,
               "belongs to uid " + std::to_string(st.st_uid) + ", not to this user (uid " +
                   std::to_string(me) + ")",
               "chown " + std::to_string(me));
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        refuse(path, "is writable by its group or by everyone", "chmod go-w");
}

void check_entries(const fs::path& dir) {
    for (const std::string& name : detail::list_dir(dir)) {
        if (name.front() != '.') // hidden entries: temp files, neither run nor read
            check_one(dir / name);
    }
}

} // namespace

void check_home_is_private(const fs::path& home) {
    check_one(home);
    for (const char* top : {"accounts", "certs", "hooks", "locks", "log"})
        check_one(home / top);
    for (const char* kind : {"pre", "post", "deploy"}) {
        check_one(home / "hooks" / kind);
        check_entries(home / "hooks" / kind);
    }
    check_entries(home / "certs");
}

} // namespace acme::store
