#include "store/posix_file.hpp"

#include "common/error.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace acme::store::detail {

namespace fs = std::filesystem;

void throw_io(std::string_view verb, const fs::path& path, int err) {
    throw Error(ErrorKind::io, "cannot " + std::string(verb) + " " + path.string() + ": " +
                                   std::system_category().message(err));
}

namespace {

// Reads until end of file; errno value or 0.
int read_all(int fd, std::string& out, std::size_t max_bytes) {
    std::string chunk(64 * 1024, '\0');
    for (;;) {
        ssize_t n = ::read(fd, chunk.data(), chunk.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            return 0;
        out.append(chunk, 0, static_cast<std::size_t>(n));
        if (out.size() > max_bytes)
            return EFBIG;
    }
}

bool is_dir(const fs::path& dir) {
    struct stat st {};
    return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace

std::optional<std::string> read_file_if_exists(const fs::path& path, std::size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid() && errno == ENOENT)
        return std::nullopt;
    if (!fd.valid())
        throw_io("read", path, errno);
    std::string content;
    int err = read_all(fd.get(), content, max_bytes);
    if (err == EFBIG)
        throw Error(ErrorKind::io, "cannot read " + path.string() + ": larger than " +
                                       std::to_string(max_bytes) + " bytes");
    if (err != 0)
        throw_io("read", path, err);
    return content;
}

bool make_dir(const fs::path& dir, mode_t mode) {
    if (is_dir(dir))
        return false;
    if (::mkdir(dir.c_str(), mode) != 0) {
        int err = errno;
        if (err == EEXIST && is_dir(dir)) // created meanwhile by someone else
            return false;
        throw_io("create folder", dir, err);
    }
    // mkdir(2) honours the umask; the store's folders need their exact mode.
    if (::chmod(dir.c_str(), mode) != 0)
        throw_io("set mode of", dir, errno);
    return true;
}

std::vector<std::string> list_dir(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec))
        names.push_back(it->path().filename().string());
    if (ec == std::errc::no_such_file_or_directory)
        return {};
    if (ec)
        throw Error(ErrorKind::io, "cannot list " + dir.string() + ": " + ec.message());
    return names;
}

void remove_tree(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec)
        throw Error(ErrorKind::io, "cannot remove " + path.string() + ": " + ec.message());
}

} // namespace acme::store::detail
