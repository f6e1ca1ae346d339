// Lineage versions and the current symlink (DESIGN.md, "The store"): a version
// is built in a hidden folder and appears with one rename; current moves with
// one rename of a symlink, so readers never see a half-written version.
#include "common/error.hpp"
#include "store/atomic_file.hpp"
#include "store/posix_file.hpp"
#include "store/file_store.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <unistd.h>

namespace acme::store {

namespace {

constexpr std::string_view k_temp_prefix = ".tmp-";

// A positive decimal without sign or leading zero, as the store names them.
std::optional<long> parse_number(std::string_view text) {
    long value = 0;
    if (text.empty() || text.front() == '0')
        return std::nullopt;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (err != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::optional<int> parse_version(std::string_view text) {
    std::optional<long> value = parse_number(text);
    if (!value || *value > 1'000'000'000)
        return std::nullopt;
    return static_cast<int>(*value);
}

void write_version_files(const fs::path& dir, const VersionFiles& files, mode_t key_mode,
                         gid_t key_group) {
    write_file_atomic(dir / "cert.pem", files.cert, 0644);
    write_file_atomic(dir / "chain.pem", files.chain, 0644);
    write_file_atomic(dir / "fullchain.pem", files.fullchain, 0644);
    if (!files.privkey.empty())
        write_file_atomic(dir / "privkey.pem", files.privkey, key_mode, key_group);
}

// Renames the finished folder to versions/<n>, or to the next free number
// when a writer that ignored the lock took n meanwhile. Returns the number.
int publish_version(const fs::path& temp, const fs::path& versions_dir, int n) {
    for (int attempt = 0; attempt < 100; ++attempt, ++n) {
        fs::path target = versions_dir / std::to_string(n);
        if (::rename(temp.c_str(), target.c_str()) == 0)
            return n;
        if (errno != EEXIST && errno != ENOTEMPTY)
            detail::throw_io("create", target, errno);
    }
    detail::throw_io("create a version in", versions_dir, EEXIST);
}

// Whether the process that named a temp after itself is gone, so the temp
// was left by a crash or a kill. A pid reused since keeps it until later.
bool writer_is_dead(std::optional<long> pid) {
    if (!pid || *pid == ::getpid())
        return false;
    return ::kill(static_cast<pid_t>(*pid), 0) != 0 && errno == ESRCH;
}

// The leading number of text ("123" of "123-4"), if any.
std::optional<long> leading_number(std::string_view text) {
    return parse_number(text.substr(0, text.find('-')));
}

// In versions/: a .tmp-<n>-<pid> folder (write_version).
std::optional<long> version_temp_writer(std::string_view name) {
    if (name.rfind(k_temp_prefix, 0) != 0)
        return std::nullopt;
    return parse_number(name.substr(name.rfind('-') + 1));
}

// In the lineage folder: current.tmp-<pid> (activate_version), and
// .config.json.tmp-<pid>-<id> and .state.json.tmp-<pid>-<id>
// (write_file_atomic's temp_name_for).
std::optional<long> lineage_temp_writer(std::string_view name) {
    constexpr std::string_view current = "current.tmp-";
    if (name.rfind(current, 0) == 0)
        return parse_number(name.substr(current.size()));
    const auto at = name.rfind(k_temp_prefix);
    if (name.front() != '.' || at == 0 || at == std::string_view::npos)
        return std::nullopt;
    return leading_number(name.substr(at + k_temp_prefix.size()));
}

// Removes the temps of dead writers in dir; true when it removed any.
bool remove_stale_temps(const fs::path& dir, std::optional<long> (*writer)(std::string_view)) {
    bool removed = false;
    for (const std::string& name : detail::list_dir(dir)) {
        if (!name.empty() && writer_is_dead(writer(name))) {
            detail::remove_tree(dir / name);
            removed = true;
        }
    }
    return removed;
}

} // namespace

fs::path FileStore::current_dir(const std::string& name) const { return lineage_dir(name) / "current"; }

fs::path FileStore::version_dir(const std::string& name, int version) const {
    return lineage_dir(name) / "versions" / std::to_string(version);
}

std::vector<int> FileStore::versions(const std::string& name) const {
    fs::path dir = lineage_dir(name) / "versions";
    std::vector<int> found;
    for (const std::string& entry : detail::list_dir(dir)) {
        std::error_code ec;
        std::optional<int> n = parse_version(entry); // skips .tmp-* and strays
        if (n && fs::is_directory(dir / entry, ec))
            found.push_back(*n);
    }
    std::sort(found.begin(), found.end());
    return found;
}

int FileStore::write_version(const std::string& name, const VersionFiles& files, mode_t key_mode,
                         gid_t key_group) const {
    fs::path dir = lineage_dir(name) / "versions";
    make_dirs(dir, 0755);
    std::vector<int> existing = versions(name);
    int n = existing.empty() ? 1 : existing.back() + 1;
    fs::path temp =
        dir / (std::string(k_temp_prefix) + std::to_string(n) + "-" + std::to_string(::getpid()));
    detail::remove_tree(temp); // left by an earlier process that had our pid
    detail::make_dir(temp, 0755);
    try {
        write_version_files(temp, files, key_mode, key_group);
        n = publish_version(temp, dir, n);
        sync_dir(dir);
    } catch (...) {
        std::error_code ignored; // the original error is the one to report
        fs::remove_all(temp, ignored);
        throw;
    }
    return n;
}

void FileStore::install_version(const std::string& name, int version, const VersionFiles& files,
                                mode_t key_mode, gid_t key_group) const {
    fs::path dir = lineage_dir(name) / "versions";
    make_dirs(dir, 0755);
    std::error_code ec;
    if (fs::is_directory(version_dir(name, version), ec))
        return;
    fs::path temp = dir / (std::string(k_temp_prefix) + std::to_string(version) + "-" +
                           std::to_string(::getpid()));
    detail::remove_tree(temp);
    detail::make_dir(temp, 0755);
    try {
        write_version_files(temp, files, key_mode, key_group);
        fs::path target = version_dir(name, version);
        if (::rename(temp.c_str(), target.c_str()) != 0 && errno != EEXIST && errno != ENOTEMPTY)
            detail::throw_io("create", target, errno);
        detail::remove_tree(temp); // another process installed the same version first
        sync_dir(dir);
    } catch (...) {
        std::error_code ignored;
        fs::remove_all(temp, ignored);
        throw;
    }
}

VersionFiles FileStore::read_version(const std::string& name, int version) const {
    fs::path dir = version_dir(name, version);
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw Error(ErrorKind::config,
                    "lineage " + name + " has no version " + std::to_string(version));
    VersionFiles files;
    files.cert = read_file(dir / "cert.pem", 1 << 20);
    files.chain = read_file(dir / "chain.pem", 1 << 20);
    files.fullchain = read_file(dir / "fullchain.pem", 1 << 20);
    files.privkey = detail::read_file_if_exists(dir / "privkey.pem", 1 << 20).value_or("");
    return files;
}

void FileStore::activate_version(const std::string& name, int version) const {
    fs::path lineage = lineage_dir(name);
    std::error_code ec;
    if (!fs::is_directory(version_dir(name, version), ec))
        throw Error(ErrorKind::usage,
                    "lineage " + name + " has no version " + std::to_string(version));
    fs::path link = lineage / ("current.tmp-" + std::to_string(::getpid()));
    fs::path current = current_dir(name);
    ::unlink(link.c_str()); // left by an earlier process that had our pid
    // Relative, so the lineage folder can be moved or mounted elsewhere.
    std::string target = "versions/" + std::to_string(version);
    if (::symlink(target.c_str(), link.c_str()) != 0)
        detail::throw_io("create", link, errno);
    if (::rename(link.c_str(), current.c_str()) != 0) {
        int err = errno;
        ::unlink(link.c_str());
        detail::throw_io("replace", current, err);
    }
    sync_dir(lineage);
}

std::optional<int> FileStore::current_version(const std::string& name) const {
    fs::path link = current_dir(name);
    std::error_code ec;
    fs::path target = fs::read_symlink(link, ec);
    if (ec == std::errc::no_such_file_or_directory)
        return std::nullopt;
    if (ec)
        throw Error(ErrorKind::io, "cannot read " + link.string() + ": " + ec.message());
    std::optional<int> n = parse_version(target.filename().string());
    if (target.parent_path() != "versions" || !n)
        throw Error(ErrorKind::config,
                    link.string() + " points to " + target.string() + ", not versions/<n>");
    return n;
}

// Only versions older than current go: current is what readers use, and a
// newer one may be a version being written or one an operator rolled back from.
void FileStore::prune_versions(const std::string& name, int keep) const {
    std::vector<int> all = versions(name);
    std::optional<int> current = current_version(name);
    std::size_t kept = static_cast<std::size_t>(std::max(keep, 0));
    all.resize(all.size() > kept ? all.size() - kept : 0); // the oldest, beyond keep
    bool removed = false;
    for (int v : all) {
        if (!current || v >= *current)
            continue;
        detail::remove_tree(version_dir(name, v));
        removed = true;
    }
    fs::path dir = lineage_dir(name) / "versions";
    if (remove_stale_temps(dir, version_temp_writer) || removed)
        sync_dir(dir);
    if (remove_stale_temps(lineage_dir(name), lineage_temp_writer))
        sync_dir(lineage_dir(name));
}

} // namespace acme::store
