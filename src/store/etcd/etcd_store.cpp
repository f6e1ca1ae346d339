// Accounts, lineage config and state of the etcd store. Versions and current
// live in etcd_versions.cpp, locks in etcd_lock.cpp.
#include "store/etcd/etcd_store.hpp"

#include "common/error.hpp"
#include "crypto/seal.hpp"

#include <algorithm>

namespace acme::store::etcd {

using nlohmann::json;

EtcdStore::EtcdStore(ClientConfig client, EtcdStoreOptions options, fs::path home)
    : m_client(std::make_unique<Client>(std::move(client))), m_options(std::move(options)),
      m_cache(std::move(home)) {}

EtcdStore::~EtcdStore() = default;

std::string EtcdStore::describe() const {
    return "etcd (" + m_client->endpoint_list() + ") " + m_options.prefix;
}

std::string EtcdStore::lineage_key(const std::string& name) const {
    check_lineage_name(name);
    return m_options.prefix + "certs/" + name + "/";
}

std::string EtcdStore::account_key(const std::string& server_url, const std::string& name) const {
    // The file store's checks of the account name, and the same folder name.
    (void)m_cache.account_dir(server_url, name);
    return m_options.prefix + "accounts/" + account_folder(server_url) + "/" + name + "/";
}

// The etcd key name is the AAD: a sealed value moved under another key fails to open.
std::string EtcdStore::seal(const std::string& key, const std::string& pem) const {
    if (!m_options.fleet_key)
        throw Error(ErrorKind::config, "the etcd store needs a fleet key to store private keys: "
                                       "give --store-key-file (see acmectl-store(1), init-key)");
    return crypto::seal(*m_options.fleet_key, pem, key);
}

std::string EtcdStore::unseal(const std::string& key, const std::string& value) const {
    if (!crypto::is_sealed(value))
        throw Error(ErrorKind::config, key + " in etcd is not sealed: refusing a plaintext key");
    if (!m_options.fleet_key)
        throw Error(ErrorKind::config, "cannot open the private key " + key +
                                           ": no fleet key given (--store-key-file)");
    return crypto::unseal(*m_options.fleet_key, value, key);
}

std::optional<json> EtcdStore::get_json(const std::string& key) const {
    auto kv = m_client->get(key);
    if (!kv)
        return std::nullopt;
    json value = json::parse(kv->value, nullptr, false);
    if (!value.is_object())
        throw Error(ErrorKind::config, key + " in etcd is not a JSON object");
    return value;
}

namespace {

std::string json_text(const std::string& key, const json& value) {
    try {
        return value.dump(2) + "\n";
    } catch (const json::exception& e) {
        throw Error(ErrorKind::config, "cannot write " + key + ": " + e.what());
    }
}

} // namespace

void EtcdStore::put_json(const std::string& key, const json& value) const {
    m_client->put(key, json_text(key, value));
}

// ---- accounts ---------------------------------------------------------------

fs::path EtcdStore::account_dir(const std::string& server_url, const std::string& name) const {
    return m_cache.account_dir(server_url, name);
}

std::optional<StoredAccount> EtcdStore::load_account(const std::string& server_url,
                                                     const std::string& name) const {
    const auto base = account_key(server_url, name);
    auto key = m_client->get(base + "key");
    if (!key)
        return std::nullopt;
    StoredAccount stored{nullptr, unseal(base + "key", key->value)};
    if (auto kv = m_client->get(base + "account.json")) {
        stored.account = json::parse(kv->value, nullptr, false);
        if (stored.account.is_discarded())
            throw Error(ErrorKind::config, base + "account.json in etcd is not valid JSON");
    }
    return stored;
}

void EtcdStore::save_account_key(const std::string& server_url, const std::string& name,
                                 const std::string& key_pem) const {
    const auto key = account_key(server_url, name) + "key";
    const auto sealed = seal(key, key_pem);
    // Create-if-absent: two nodes registering at once cannot replace each other's key.
    auto result = m_client->txn({created_at(key, 0)}, {put_op(key, sealed)});
    if (result.succeeded)
        return;
    auto existing = m_client->get(key);
    if (!existing || unseal(key, existing->value) != key_pem)
        throw Error(ErrorKind::io, "refusing to overwrite the different account key " + key);
}

void EtcdStore::save_account(const std::string& server_url, const std::string& name,
                             const json& account) const {
    put_json(account_key(server_url, name) + "account.json", account);
}

void EtcdStore::stage_account_key(const std::string& server_url, const std::string& name,
                                  const std::string& key_pem) const {
    const auto key = account_key(server_url, name) + "key.next";
    m_client->put(key, seal(key, key_pem));
}

void EtcdStore::commit_account_key(const std::string& server_url, const std::string& name) const {
    const auto base = account_key(server_url, name);
    auto next = m_client->get(base + "key.next");
    if (!next)
        throw Error(ErrorKind::io, "no staged account key " + base + "key.next in etcd");
    // Sealed under its own name, so it is opened and sealed again for "key".
    const auto pem = unseal(base + "key.next", next->value);
    auto result = m_client->txn(
        {modified_at(base + "key.next", next->mod_revision)},
        {put_op(base + "key", seal(base + "key", pem)), delete_op(base + "key.next")});
    if (!result.succeeded)
        throw Error(ErrorKind::conflict, base + "key.next changed meanwhile; key unchanged");
}

void EtcdStore::discard_account_key(const std::string& server_url, const std::string& name) const {
    m_client->remove(account_key(server_url, name) + "key.next");
}

fs::path EtcdStore::retire_account(const std::string& server_url, const std::string& name,
                                   const std::string& suffix) const {
    const auto base = account_key(server_url, name);
    const auto parent = base.substr(0, base.size() - name.size() - 1); // .../accounts/<host>/
    const auto kvs = m_client->range(base, prefix_end(base));
    if (kvs.empty())
        throw Error(ErrorKind::io, "cannot move the account " + base + " aside: not in etcd");
    auto taken = [&](const std::string& folder) {
        return !m_client->range(parent + folder + "/", prefix_end(parent + folder + "/"), true)
                    .empty();
    };
    std::string target = name + "." + suffix;
    for (int n = 2; taken(target); ++n)
        target = name + "." + suffix + "." + std::to_string(n);
    const auto moved = parent + target + "/";
    // Nothing changed since read and the target still free, or nothing is written.
    std::vector<Compare> compares{created_at(moved + "key", 0)};
    std::vector<Op> ops;
    for (const auto& kv : kvs) {
        const auto key = moved + kv.key.substr(base.size());
        // The key name is the seal's AAD: a sealed value is sealed again for its new name.
        const auto value =
            crypto::is_sealed(kv.value) ? seal(key, unseal(kv.key, kv.value)) : kv.value;
        compares.push_back(modified_at(kv.key, kv.mod_revision));
        ops.push_back(put_op(key, value));
    }
    ops.push_back(delete_op(base, prefix_end(base)));
    if (!m_client->txn(compares, ops).succeeded)
        throw Error(ErrorKind::conflict,
                    "the account " + base + " changed in etcd meanwhile; not moved aside");
    return fs::path(moved);
}

std::vector<std::pair<std::string, std::string>> EtcdStore::list_accounts() const {
    const auto base = m_options.prefix + "accounts/";
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : m_client->range(base, prefix_end(base), true)) {
        const auto rest = kv.key.substr(base.size()); // <host>/<name>/key
        const auto first = rest.find('/');
        const auto second = rest.find('/', first + 1);
        if (first != std::string::npos && second != std::string::npos &&
            rest.substr(second) == "/key")
            out.emplace_back(rest.substr(0, first), rest.substr(first + 1, second - first - 1));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The value's PEM under the fleet key; nullopt when it opens with new_key
// only (resealed by an earlier, interrupted run).
static std::optional<std::string> open_for_rekey(const std::string& fleet_key, const KeyValue& kv,
                                                 const std::string& new_key) {
    try {
        return crypto::unseal(fleet_key, kv.value, kv.key);
    } catch (const Error&) {
    }
    try {
        (void)crypto::unseal(new_key, kv.value, kv.key);
        return std::nullopt;
    } catch (const Error&) {
        throw Error(ErrorKind::crypto,
                    "store rekey: neither --store-key-file nor --new-key-file opens " + kv.key +
                        " (a wrong --store-key-file, or the value was moved or altered)");
    }
}

EtcdStore::RekeyResult EtcdStore::rekey(const std::string& new_key) const {
    if (!m_options.fleet_key)
        throw Error(ErrorKind::config, "store rekey needs the current key (--store-key-file)");
    RekeyResult result;
    std::size_t changed = 0;
    for (const auto& kv : m_client->range(m_options.prefix, prefix_end(m_options.prefix))) {
        if (!crypto::is_sealed(kv.value))
            continue;
        const auto pem = open_for_rekey(*m_options.fleet_key, kv, new_key);
        if (!pem) {
            ++result.already_new;
            continue;
        }
        // Only if nobody wrote the value since it was read: a value sealed
        // meanwhile under the old key stays for the next run to find.
        if (m_client
                ->txn({modified_at(kv.key, kv.mod_revision)},
                      {put_op(kv.key, crypto::seal(new_key, *pem, kv.key))})
                .succeeded)
            ++result.resealed;
        else
            ++changed;
    }
    if (changed > 0)
        throw Error(ErrorKind::conflict,
                    std::to_string(changed) +
                        " sealed value(s) changed in etcd while store rekey ran (" +
                        std::to_string(result.resealed) + " resealed): run store rekey again");
    return result;
}

// ---- lineages ---------------------------------------------------------------

bool EtcdStore::lineage_exists(const std::string& name) const {
    return m_client->get(lineage_key(name) + "config").has_value();
}

std::vector<std::string> EtcdStore::list_lineages() const {
    const auto base = m_options.prefix + "certs/";
    std::vector<std::string> names;
    for (const auto& kv : m_client->range(base, prefix_end(base), true)) {
        const auto rest = kv.key.substr(base.size());
        const auto slash = rest.find('/');
        if (slash != std::string::npos && rest.substr(slash) == "/config")
            names.push_back(rest.substr(0, slash));
    }
    names.erase(std::remove_if(names.begin(), names.end(),
                               [](const std::string& n) {
                                   try {
                                       check_lineage_name(n);
                                       return false;
                                   } catch (const Error&) {
                                       return true; // foreign keys are skipped, not fatal
                                   }
                               }),
                names.end());
    std::sort(names.begin(), names.end());
    return names;
}

json EtcdStore::read_config(const std::string& name) const {
    auto config = get_json(lineage_key(name) + "config");
    if (!config)
        throw Error(ErrorKind::config,
                    "no lineage " + name + ": " + lineage_key(name) + "config is missing in etcd");
    return *config;
}

void EtcdStore::write_config(const std::string& name, const json& config) const {
    {
        std::lock_guard guard(m_mutex);
        if (auto it = m_pending.find(name); it != m_pending.end()) {
            it->second.config = json_text(lineage_key(name) + "config", config);
            return;
        }
    }
    put_json(lineage_key(name) + "config", config);
}

json EtcdStore::read_state(const std::string& name) const {
    return get_json(lineage_key(name) + "state").value_or(json::object());
}

void EtcdStore::write_state(const std::string& name, const json& state) const {
    put_json(lineage_key(name) + "state", state);
}

} // namespace acme::store::etcd
