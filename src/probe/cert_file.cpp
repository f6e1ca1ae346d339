#include "probe/cert_file.hpp"

#include "common/unique_fd.hpp"
#include "probe/failure.hpp"
#include "probe/probe.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace acme::probe {

namespace {

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
    throw net::Failure(error_kind::io, "cannot read " + path + ": " + why);
}

} // namespace

std::string read_cert_file(const std::string& path) {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (!fd) {
        refuse(path, std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        refuse(path, std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        refuse(path, "not a regular file");
    }
    if (static_cast<std::size_t>(st.st_size) > k_max_cert_file) {
        refuse(path, "larger than 1 MiB, not a certificate file");
    }
    // Read until EOF, but never past the cap: the file may grow after fstat.
    std::string data;
    char chunk[16384];
    for (;;) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            refuse(path, std::strerror(errno));
        }
        if (n == 0) {
            break;
        }
        data.append(chunk, static_cast<std::size_t>(n));
        if (data.size() > k_max_cert_file) {
            refuse(path, "larger than 1 MiB, not a certificate file");
        }
    }
    return data;
}

} // namespace acme::probe
