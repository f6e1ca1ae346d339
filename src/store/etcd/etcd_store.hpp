// The fleet store (DESIGN.md, "The store interface, and fleets on etcd"):
// everything lives in etcd under PREFIX; private keys are sealed under the
// fleet key; a local FileStore in the node's home holds copies of the
// versions that hooks, install steps and PEM readers need as files.
//
//   PREFIX/accounts/<host>/<name>/{account.json,key,key.next}   keys sealed
//   PREFIX/certs/<name>/{config,state,current}
//   PREFIX/certs/<name>/versions/<n>/{cert,chain,fullchain,privkey}   privkey sealed
//   PREFIX/locks/<name>          the node name, under a lease
#pragma once

#include "store/etcd/etcd_client.hpp"
#include "store/file_store.hpp"

#include <map>
#include <mutex>
#include <optional>

namespace acme::store::etcd {

struct EtcdStoreOptions {
    std::string prefix;                   // "/acmectl/"
    std::string node;                     // this node's name in locks
    std::optional<std::string> fleet_key; // 32 bytes; nullopt = none given
    int lock_ttl = 60;                    // seconds
};

class EtcdStore : public Store {
  public:
    EtcdStore(ClientConfig client, EtcdStoreOptions options, fs::path home);
    ~EtcdStore() override;

    const fs::path& home() const override { return m_cache.home(); }
    std::string describe() const override;

    fs::path account_dir(const std::string& server_url, const std::string& name) const override;
    std::optional<StoredAccount> load_account(const std::string& server_url,
                                              const std::string& name) const override;
    void save_account_key(const std::string& server_url, const std::string& name,
                          const std::string& key_pem) const override;
    void save_account(const std::string& server_url, const std::string& name,
                      const nlohmann::json& account) const override;
    void stage_account_key(const std::string& server_url, const std::string& name,
                           const std::string& key_pem) const override;
    void commit_account_key(const std::string& server_url, const std::string& name) const override;
    void discard_account_key(const std::string& server_url, const std::string& name) const override;
    // One txn: the keys copied to <name>.<suffix>[.N]/ (sealed ones sealed
    // again under their new names) and deleted, if none changed meanwhile.
    fs::path retire_account(const std::string& server_url, const std::string& name,
                            const std::string& suffix) const override;

    std::vector<std::pair<std::string, std::string>> list_accounts() const override;

    bool lineage_exists(const std::string& name) const override;
    std::vector<std::string> list_lineages() const override;
    nlohmann::json read_config(const std::string& name) const override;
    // Between write_version and activate_version the config waits and is
    // written in activate's transaction: a first issue that fails halfway
    // leaves no config without a version behind.
    void write_config(const std::string& name, const nlohmann::json& config) const override;
    nlohmann::json read_state(const std::string& name) const override;
    void write_state(const std::string& name, const nlohmann::json& state) const override;

    // Keeps the version in memory: activate_version writes it and moves
    // current in one transaction (a version nobody made current never exists).
    int write_version(const std::string& name, const VersionFiles& files, mode_t key_mode = 0600,
                      gid_t key_group = static_cast<gid_t>(-1)) const override;
    // One txn: the version's keys + current, if current's mod_revision is the
    // one read now, the version number is still free, and (when this process
    // holds the lineage's lock) the lock key is still ours. Throws
    // Error(conflict) otherwise, having written nothing.
    void activate_version(const std::string& name, int version) const override;
    // Create-if-absent txn of the version's keys.
    void import_version(const std::string& name, int version,
                        const VersionFiles& files) const override;
    std::optional<int> current_version(const std::string& name) const override;
    std::vector<int> versions(const std::string& name) const override;
    VersionFiles read_version(const std::string& name, int version) const override;
    fs::path lineage_dir(const std::string& name) const override;
    fs::path current_dir(const std::string& name) const override;
    fs::path version_dir(const std::string& name, int version) const override;
    void prune_versions(const std::string& name, int keep) const override;

    // One txn: deleterange of PREFIX/certs/<name>/ and the lock key, if the
    // lock is still ours; then the local copy goes too.
    void remove_lineage(const std::string& name) const override;

    std::unique_ptr<Lock> try_lock(const std::string& name) const override;
    // Revokes the lease (EtcdLock's destructor): the lock key goes with it.
    void release_lock(const std::string& name, std::unique_ptr<Lock> lock) const override;
    std::optional<std::string> lock_holder(const std::string& name) const override;

    // Seals every sealed value again under new_key, one txn per value that
    // only applies if the value did not change meanwhile; values that already
    // open with new_key are skipped, so an interrupted rekey can be re-run.
    // Throws Error(crypto) for a value neither key opens (nothing more is
    // written after it), Error(conflict) when values changed while it ran
    // (the others are resealed; run it again).
    struct RekeyResult {
        std::size_t resealed = 0;    // opened with the fleet key, sealed under new_key
        std::size_t already_new = 0; // open with new_key already (an earlier run)
    };
    RekeyResult rekey(const std::string& new_key) const;

    // For `store status` and tests.
    Client& client() const { return *m_client; }
    const std::string& prefix() const { return m_options.prefix; }
    const std::string& node() const { return m_options.node; }
    // Called by EtcdLock when it is released.
    void forget_lock(const std::string& name) const;

  private:
    struct Pending {
        int version;
        VersionFiles files;
        std::optional<std::string> config; // written with the version, when given meanwhile
    };

    std::string lineage_key(const std::string& name) const; // PREFIX/certs/<name>/
    std::string account_key(const std::string& server_url, const std::string& name) const;
    std::string seal(const std::string& key, const std::string& pem) const;
    std::string unseal(const std::string& key, const std::string& value) const;
    std::optional<nlohmann::json> get_json(const std::string& key) const;
    void put_json(const std::string& key, const nlohmann::json& value) const;
    std::vector<Op> version_ops(const std::string& name, int version,
                                const VersionFiles& files) const;
    void ensure_local(const std::string& name, int version) const;
    void publish_pending(const std::string& name, const Pending& pending) const;
    bool already_published(const std::string& name, const Pending& pending) const;
    void move_current(const std::string& name, int version) const;
    std::vector<Compare> lock_compares(const std::string& name) const;

    std::unique_ptr<Client> m_client;
    EtcdStoreOptions m_options;
    FileStore m_cache;
    mutable std::mutex m_mutex;
    mutable std::map<std::string, Pending> m_pending;    // per lineage
    mutable std::map<std::string, std::int64_t> m_locks; // lineage -> lock key's create_revision
    // lineage -> the holder a failed try_lock read, for the lock_holder call after it
    mutable std::map<std::string, std::optional<std::string>> m_holders;
};

} // namespace acme::store::etcd
