// Versions and current in etcd: a version and the move of current are one
// transaction, so a reader never sees half a version and of two writers one
// fails having written nothing. Local copies in the node's home back the
// path methods (hooks, install steps, PEM readers).
#include "common/error.hpp"
#include "store/etcd/etcd_store.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace acme::store::etcd {

namespace {

constexpr std::array<const char*, 4> k_files{"cert", "chain", "fullchain", "privkey"};

std::optional<int> parse_version(std::string_view text) {
    int value = 0;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || text.front() == '0' || err != std::errc() ||
        end != text.data() + text.size() || value <= 0)
        return std::nullopt;
    return value;
}

std::string& field(VersionFiles& files, std::string_view name) {
    if (name == "cert")
        return files.cert;
    if (name == "chain")
        return files.chain;
    if (name == "fullchain")
        return files.fullchain;
    return files.privkey;
}

} // namespace

std::optional<int> EtcdStore::current_version(const std::string& name) const {
    const auto key = lineage_key(name) + "current";
    auto kv = m_client->get(key);
    if (!kv)
        return std::nullopt;
    auto n = parse_version(kv->value);
    if (!n)
        throw Error(ErrorKind::config, key + " in etcd is '" + kv->value + "', not a version");
    return n;
}

std::vector<int> EtcdStore::versions(const std::string& name) const {
    const auto base = lineage_key(name) + "versions/";
    std::set<int> found;
    for (const auto& kv : m_client->range(base, prefix_end(base), true)) {
        const auto rest = std::string_view(kv.key).substr(base.size());
        if (auto n = parse_version(rest.substr(0, rest.find('/'))))
            found.insert(*n);
    }
    return {found.begin(), found.end()};
}

VersionFiles EtcdStore::read_version(const std::string& name, int version) const {
    const auto base = lineage_key(name) + "versions/" + std::to_string(version) + "/";
    auto kvs = m_client->range(base, prefix_end(base));
    if (kvs.empty())
        throw Error(ErrorKind::config,
                    "lineage " + name + " has no version " + std::to_string(version));
    VersionFiles files;
    for (const auto& kv : kvs) {
        const auto file = kv.key.substr(base.size());
        if (std::find(k_files.begin(), k_files.end(), file) == k_files.end())
            continue;
        field(files, file) = file == "privkey" ? unseal(kv.key, kv.value) : kv.value;
    }
    return files;
}

int EtcdStore::write_version(const std::string& name, const VersionFiles& files, mode_t,
                             gid_t) const {
    const auto existing = versions(name);
    const int n = existing.empty() ? 1 : existing.back() + 1;
    const auto base = lineage_key(name) + "versions/" + std::to_string(n) + "/";
    if (!files.privkey.empty())
        (void)seal(base + "privkey",
                   files.privkey); // no fleet key: fail before the CA is asked again
    std::lock_guard guard(m_mutex);
    m_pending[name] = Pending{n, files, std::nullopt};
    return n;
}

std::vector<Compare> EtcdStore::lock_compares(const std::string& name) const {
    std::lock_guard guard(m_mutex);
    auto it = m_locks.find(name);
    if (it == m_locks.end())
        return {};
    return {created_at(m_options.prefix + "locks/" + name, it->second)};
}

std::vector<Op> EtcdStore::version_ops(const std::string& name, int version,
                                       const VersionFiles& files) const {
    const auto base = lineage_key(name) + "versions/" + std::to_string(version) + "/";
    std::vector<Op> ops{put_op(base + "cert", files.cert), put_op(base + "chain", files.chain),
                        put_op(base + "fullchain", files.fullchain)};
    if (!files.privkey.empty())
        ops.push_back(put_op(base + "privkey", seal(base + "privkey", files.privkey)));
    return ops;
}

void EtcdStore::import_version(const std::string& name, int version,
                               const VersionFiles& files) const {
    const auto cert = lineage_key(name) + "versions/" + std::to_string(version) + "/cert";
    m_client->txn({created_at(cert, 0)}, version_ops(name, version, files));
}

// A txn whose answer was lost (the member died after committing it) and that
// the client sent again fails its compares: it did apply if current now
// names this version with this certificate.
bool EtcdStore::already_published(const std::string& name, const Pending& pending) const {
    const auto lineage = lineage_key(name);
    auto current = m_client->get(lineage + "current");
    if (!current || current->value != std::to_string(pending.version))
        return false;
    auto cert = m_client->get(lineage + "versions/" + std::to_string(pending.version) + "/cert");
    return cert && cert->value == pending.files.cert;
}

void EtcdStore::publish_pending(const std::string& name, const Pending& pending) const {
    const auto lineage = lineage_key(name);
    const auto version = pending.version;
    const auto base = lineage + "versions/" + std::to_string(version) + "/";
    auto current = m_client->get(lineage + "current");
    std::vector<Compare> compares = lock_compares(name);
    compares.push_back(modified_at(lineage + "current", current ? current->mod_revision : 0));
    compares.push_back(created_at(base + "cert", 0));
    std::vector<Op> ops = version_ops(name, version, pending.files);
    ops.push_back(put_op(lineage + "current", std::to_string(version)));
    if (pending.config)
        ops.push_back(put_op(lineage + "config", *pending.config));
    if (!m_client->txn(compares, ops).succeeded && !already_published(name, pending))
        throw Error(ErrorKind::conflict,
                    "lineage " + name +
                        " changed in etcd meanwhile, or this node lost its lock "
                        "(lease expired): version " +
                        std::to_string(version) + " not written");
    m_cache.install_version(name, version, pending.files);
    m_cache.activate_version(name, version);
}

void EtcdStore::move_current(const std::string& name, int version) const {
    const auto lineage = lineage_key(name);
    const auto cert = lineage + "versions/" + std::to_string(version) + "/cert";
    std::vector<Compare> compares = lock_compares(name);
    compares.push_back(created_at(cert, 0, "NOT_EQUAL"));
    if (!m_client->txn(compares, {put_op(lineage + "current", std::to_string(version))}).succeeded)
        throw Error(ErrorKind::usage, "lineage " + name + " has no version " +
                                          std::to_string(version) +
                                          " in etcd (or this node lost its lock)");
}

void EtcdStore::activate_version(const std::string& name, int version) const {
    std::optional<Pending> pending;
    {
        std::lock_guard guard(m_mutex);
        auto it = m_pending.find(name);
        if (it != m_pending.end() && it->second.version == version) {
            pending = std::move(it->second);
            m_pending.erase(it);
        }
    }
    if (pending)
        publish_pending(name, *pending);
    else
        move_current(name, version);
}

// A version is immutable once written, so a local copy that exists is current.
void EtcdStore::ensure_local(const std::string& name, int version) const {
    std::error_code ec;
    if (fs::is_directory(m_cache.version_dir(name, version), ec))
        return;
    m_cache.install_version(name, version, read_version(name, version));
}

fs::path EtcdStore::lineage_dir(const std::string& name) const {
    return m_cache.lineage_dir(name);
}

fs::path EtcdStore::current_dir(const std::string& name) const {
    if (auto current = current_version(name)) {
        ensure_local(name, *current);
        if (m_cache.current_version(name) != current)
            m_cache.activate_version(name, *current);
    }
    return m_cache.current_dir(name);
}

fs::path EtcdStore::version_dir(const std::string& name, int version) const {
    ensure_local(name, version);
    return m_cache.version_dir(name, version);
}

void EtcdStore::prune_versions(const std::string& name, int keep) const {
    std::vector<int> all = versions(name);
    const auto current = current_version(name);
    const auto kept = static_cast<std::size_t>(std::max(keep, 0));
    all.resize(all.size() > kept ? all.size() - kept : 0);
    for (int v : all) {
        if (current && v < *current) {
            const auto base = lineage_key(name) + "versions/" + std::to_string(v) + "/";
            m_client->remove(base, prefix_end(base));
        }
    }
    m_cache.prune_versions(name, keep);
}

} // namespace acme::store::etcd
