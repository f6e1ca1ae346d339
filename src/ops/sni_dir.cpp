// The per-SNI folder (sni_dir.hpp): plan what each entry should point to from
// the store, build the missing targets, move the links, then remove what no
// lineage names any more. Every step holds DIR/.versions/.lock, so a renew and
// an issue (or sync) never interleave their renames.
#include "ops/sni_dir.hpp"

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "crypto/x509.hpp"
#include "ops/version_policy.hpp"
#include "store/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/file.h>
#include <unistd.h>

namespace acme::ops {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_versions = ".versions";
constexpr std::string_view k_temp_prefix = ".tmp-";
constexpr std::string_view k_link_temp = ".link.tmp-";

[[noreturn]] void throw_io(const std::string& verb, const fs::path& path, int err) {
    throw Error(ErrorKind::io, "cannot " + verb + " " + path.string() + ": " + std::strerror(err));
}

// One lineage's current version, as the folder holds it.
struct LineageTarget {
    std::string lineage;
    std::string target; // ".versions/<lineage>/<version>-<serial>", relative to DIR
    crypto::CertInfo leaf;
    store::VersionFiles files;
    VersionPolicy policy;
};

struct Plan {
    std::map<std::string, LineageTarget> lineages; // by lineage name
    std::map<std::string, std::string> entries;    // entry -> lineage
    std::set<std::string> unreadable;              // lineages whose entries stay as they are
};

// The later certificate serves a name two lineages share; a tie goes to the
// first lineage by name, so every run chooses the same.
bool preferred(const LineageTarget& a, const LineageTarget& b) {
    if (a.leaf.not_after != b.leaf.not_after) {
        return a.leaf.not_after > b.leaf.not_after;
    }
    return a.lineage < b.lineage;
}

std::optional<LineageTarget> read_lineage(const store::Store& store, const std::string& name,
                                          Logger& log) {
    const auto current = store.current_version(name);
    if (!current) {
        return std::nullopt;
    }
    LineageTarget t{name, "", {}, store.read_version(name, *current), {}};
    if (t.files.privkey.empty()) {
        log.debug(name + ": no private key in the store (--csr): no SNI entries");
        return std::nullopt;
    }
    t.leaf = crypto::read_certificate(crypto::split_pem_chain(t.files.cert).front());
    t.policy = version_policy(store, IssueRequest{}, name);
    t.target = std::string(k_versions) + "/" + name + "/" + std::to_string(*current) + "-" +
               t.leaf.serial_hex;
    return t;
}

void add_entries(Plan& plan, const LineageTarget& t, SniReport& report) {
    for (const auto& san : t.leaf.sans) {
        std::optional<std::string> entry;
        try {
            entry = sni_entry_name(san);
        } catch (const Error& e) {
            report.problems.push_back(t.lineage + ": " + e.what());
        }
        if (!entry) {
            continue;
        }
        auto [it, added] = plan.entries.emplace(*entry, t.lineage);
        if (!added && preferred(t, plan.lineages.at(it->second))) {
            it->second = t.lineage;
        }
    }
}

Plan make_plan(const store::Store& store, SniReport& report, Logger& log) {
    Plan plan;
    for (const auto& name : store.list_lineages()) {
        try {
            if (auto t = read_lineage(store, name, log)) {
                plan.lineages.emplace(name, std::move(*t));
            }
        } catch (const std::exception& e) {
            plan.unreadable.insert(name);
            report.problems.push_back(name +
                                      ": not read, its entries stay as they were: " + e.what());
        }
    }
    for (const auto& [name, t] : plan.lineages) {
        add_entries(plan, t, report);
    }
    return plan;
}

// flock on DIR/.versions/.lock for the whole update, released by close.
UniqueFd lock_folder(const fs::path& versions) {
    const auto path = versions / ".lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
        throw_io("open", path, errno);
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) {
            throw_io("lock", path, errno);
        }
    }
    return fd;
}

// What an entry points to: nullopt when absent, "" when it is not a link
// acmectl made (a file, a folder, a link elsewhere: the operator's).
std::optional<std::string> our_link(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::symlink_status(path, ec);
    if (ec || !fs::exists(status)) {
        return std::nullopt;
    }
    if (!fs::is_symlink(status)) {
        return "";
    }
    const auto target = fs::read_symlink(path, ec).string();
    const auto prefix = std::string(k_versions) + "/";
    return !ec && target.starts_with(prefix) ? target : "";
}

void remove_tree(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) {
        throw_io("remove", path, ec.value());
    }
}

// The target folder, complete before it gets its name: fullchain.pem 0644,
// privkey.pem with the lineage's mode and group from its first byte.
void build_target(const fs::path& dir, const LineageTarget& t) {
    const auto target = dir / t.target;
    std::error_code ec;
    if (fs::is_directory(target, ec)) {
        return; // built by an earlier run: targets never change once named
    }
    const auto temp =
        target.parent_path() / (std::string(k_temp_prefix) + std::to_string(::getpid()));
    remove_tree(temp);
    store::make_dirs(temp, 0755);
    store::write_file_atomic(temp / "fullchain.pem", t.files.fullchain, 0644);
    store::write_file_atomic(temp / "privkey.pem", t.files.privkey, t.policy.key_mode(),
                             t.policy.key_gid);
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const int err = errno;
        remove_tree(temp);
        throw_io("create", target, err);
    }
    store::sync_dir(target.parent_path());
}

// One rename(2) of a new symlink over the entry: a reader resolves either
// the old target or the new one, each a complete pair.
void switch_link(const fs::path& dir, const std::string& entry, const std::string& target) {
    const auto temp = dir / (std::string(k_link_temp) + std::to_string(::getpid()));
    const auto path = dir / entry;
    ::unlink(temp.c_str());
    if (::symlink(target.c_str(), temp.c_str()) != 0) {
        throw_io("create", temp, errno);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw_io("replace", path, err);
    }
}

void apply_entries(const fs::path& dir, const Plan& plan, SniReport& report) {
    std::set<std::string> built;
    for (const auto& [entry, lineage] : plan.entries) {
        const auto& t = plan.lineages.at(lineage);
        const auto now = our_link(dir / entry);
        if (now && now->empty()) {
            report.problems.push_back(entry + ": " + (dir / entry).string() +
                                      " is not acmectl's link: left alone");
            continue;
        }
        ++report.entries;
        if (now == t.target) {
            continue;
        }
        if (built.insert(lineage).second) {
            build_target(dir, t);
        }
        switch_link(dir, entry, t.target);
        report.linked.push_back(entry);
    }
}

std::string lineage_of(const std::string& target) {
    const auto rest = target.substr(k_versions.size() + 1);
    return rest.substr(0, rest.find('/'));
}

// Links of names no lineage has any more go, except those of lineages that
// could not be read this time; so do link temps of a killed run.
void remove_stale_entries(const fs::path& dir, const Plan& plan, SniReport& report) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (name.starts_with(k_link_temp)) {
            ::unlink(it->path().c_str());
            continue;
        }
        const auto target = our_link(it->path());
        if (!target || target->empty() || plan.entries.contains(name) ||
            plan.unreadable.contains(lineage_of(*target))) {
            continue;
        }
        if (::unlink(it->path().c_str()) != 0 && errno != ENOENT) {
            throw_io("remove", it->path(), errno);
        }
        report.removed.push_back(name);
    }
    if (ec) {
        throw_io("read", dir, ec.value());
    }
}

// Target folders ("<version>-<serial>") each lineage's links use now.
std::map<std::string, std::set<std::string>> targets_in_use(const fs::path& dir) {
    std::map<std::string, std::set<std::string>> used;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (const auto target = our_link(it->path()); target && !target->empty()) {
            used[lineage_of(*target)].insert(fs::path(*target).filename().string());
        }
    }
    return used;
}

int target_version(const std::string& folder) {
    try {
        return std::stoi(folder.substr(0, folder.find('-')));
    } catch (const std::exception&) {
        return 0; // not a target: the first to go
    }
}

// Keeps the targets in use and, of the others, the newest one older than
// them: a handshake that resolved the old link a moment ago still finds its
// key. Everything else (and temps of a killed run) goes.
void prune_lineage(const fs::path& folder, const std::set<std::string>& used) {
    int newest_used = 0;
    for (const auto& u : used) {
        newest_used = std::max(newest_used, target_version(u));
    }
    std::map<int, std::string> older; // unused targets older than those in use
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        const int version = target_version(name);
        if (used.contains(name)) {
            continue;
        }
        if (version > 0 && version < newest_used && !name.starts_with('.')) {
            older[version] = name;
        } else {
            remove_tree(it->path());
        }
    }
    if (!older.empty()) {
        older.erase(std::prev(older.end()));
    }
    for (const auto& [version, name] : older) {
        remove_tree(folder / name);
    }
}

void prune_targets(const fs::path& dir, const Plan& plan) {
    const auto versions = dir / k_versions;
    const auto used = targets_in_use(dir);
    std::error_code ec;
    for (fs::directory_iterator it(versions, ec), end; !ec && it != end; it.increment(ec)) {
        const auto lineage = it->path().filename().string();
        if (lineage.starts_with('.') || plan.unreadable.contains(lineage)) {
            continue;
        }
        const auto in_use = used.find(lineage);
        if (in_use == used.end()) {
            remove_tree(it->path()); // deleted, or none of its names is served from here
        } else {
            prune_lineage(it->path(), in_use->second);
        }
    }
    store::sync_dir(versions);
}

} // namespace

SniReport update_sni_dir(const store::Store& store, const fs::path& dir, Logger& log) {
    SniReport report;
    report.dir = dir;
    const auto versions = dir / k_versions;
    store::make_dirs(versions, 0755);
    const auto lock = lock_folder(versions);
    const auto plan = make_plan(store, report, log);
    apply_entries(dir, plan, report);
    remove_stale_entries(dir, plan, report);
    store::sync_dir(dir);
    prune_targets(dir, plan);
    if (!report.linked.empty() || !report.removed.empty()) {
        log.debug("SNI folder " + dir.string() + ": " + std::to_string(report.linked.size()) +
                  " entries switched, " + std::to_string(report.removed.size()) + " removed");
    }
    return report;
}

SniReport try_update_sni_dir(const store::Store& store, const fs::path& dir, Logger& log) noexcept {
    try {
        try {
            return update_sni_dir(store, dir, log);
        } catch (const std::exception& e) {
            SniReport report;
            report.dir = dir;
            report.problems.push_back(e.what());
            return report;
        }
    } catch (...) { // no memory even for the report
        return {};
    }
}

} // namespace acme::ops
