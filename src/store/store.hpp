// The store interface of DESIGN.md ("The store interface, and fleets on
// etcd"): accounts, lineage config/state/list, complete versions made current
// atomically, pruning, and a per-lineage lock. FileStore (file_store.hpp) is
// the embedded default; EtcdStore (etcd/etcd_store.hpp) the fleet backend;
// open_store (open_store.hpp) picks one from a URL.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace acme::store {

namespace fs = std::filesystem;

struct StoredAccount {
    nlohmann::json account; // account.json content; null when only the key exists
    std::string key_pem;    // key.pem content
};

struct VersionFiles {
    std::string cert;      // leaf PEM
    std::string chain;     // intermediates PEM
    std::string fullchain; // leaf + intermediates
    std::string privkey;   // PEM; empty when the CSR came from outside
};

// A held lineage lock; released when destroyed.
class Lock {
  public:
    Lock() = default;
    virtual ~Lock() = default;
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    // True once the lock can no longer be trusted (an etcd lease that expired
    // or was revoked): the holder must stop before writing. The etcd lock asks
    // etcd (one keep-alive) so that the answer holds now, not a while ago.
    virtual bool lost() const { return false; }
    // What to call the lock in messages ("the etcd lock PREFIX/locks/NAME ...").
    virtual std::string describe() const { return "the lineage lock"; }
};

// The folder name of an ACME server in both layouts: host, "_port" unless it
// is the scheme's default. Throws Error(usage) for a malformed URL.
std::string account_folder(const std::string& server_url);

class Store {
  public:
    Store() = default;
    virtual ~Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // The node's local folder: hooks/, log/, acmectl.conf and the files that
    // the path methods below name. For the file store it is the store itself.
    virtual const fs::path& home() const = 0;
    // What to call the store in messages: its folder or its URL.
    virtual std::string describe() const = 0;

    // ---- accounts, per ACME directory URL and account name ----
    // Local folder of an account (the file store's accounts/<host>/<name>/).
    virtual fs::path account_dir(const std::string& server_url, const std::string& name) const = 0;
    virtual std::optional<StoredAccount> load_account(const std::string& server_url,
                                                      const std::string& name) const = 0;
    // Written before anything else and never replaced by a different key, so
    // a key that the CA may know is never lost. Throws Error(io) on a clash.
    virtual void save_account_key(const std::string& server_url, const std::string& name,
                                  const std::string& key_pem) const = 0;
    virtual void save_account(const std::string& server_url, const std::string& name,
                              const nlohmann::json& account) const = 0;
    // Key rollover in two steps, so the key the CA knows is stored at every
    // moment: staged before asking the CA, committed once it accepted;
    // discarded when it refused.
    virtual void stage_account_key(const std::string& server_url, const std::string& name,
                                   const std::string& key_pem) const = 0;
    virtual void commit_account_key(const std::string& server_url,
                                    const std::string& name) const = 0;
    virtual void discard_account_key(const std::string& server_url,
                                     const std::string& name) const = 0;
    // Moves a (deactivated) account aside, to <name>.<suffix>[.N] next to it,
    // in one step (a rename(2); one etcd transaction), so that the name is free
    // for a new account and the old key stays stored. Returns where it went:
    // the file store's folder, the etcd store's key prefix.
    virtual fs::path retire_account(const std::string& server_url, const std::string& name,
                                    const std::string& suffix) const = 0;

    // Every stored account as {server folder, account name}, sorted. The
    // folder round-trips as the server URL "https://<folder>/" (store migrate).
    virtual std::vector<std::pair<std::string, std::string>> list_accounts() const = 0;

    // ---- lineages ----
    // Lineage names are one safe path component: [A-Za-z0-9._-], no leading '.',
    // at most 255 bytes. Throws Error(usage) otherwise.
    static void check_lineage_name(const std::string& name);
    virtual bool lineage_exists(const std::string& name) const = 0;
    virtual std::vector<std::string> list_lineages() const = 0; // sorted
    // Throws Error(config) when missing or not JSON.
    virtual nlohmann::json read_config(const std::string& name) const = 0;
    virtual void write_config(const std::string& name, const nlohmann::json& config) const = 0;
    // The lineage's state, or an empty object when there is none yet.
    virtual nlohmann::json read_state(const std::string& name) const = 0;
    virtual void write_state(const std::string& name, const nlohmann::json& state) const = 0;

    // ---- versions ----
    // Prepares version n (one more than the highest existing) completely and
    // returns n; current is not touched. privkey gets key_mode and, unless
    // k_keep_group, key_group wherever it is written as a local file. The
    // etcd store writes it together with current in activate_version.
    virtual int write_version(const std::string& name, const VersionFiles& files,
                              mode_t key_mode = 0600,
                              gid_t key_group = static_cast<gid_t>(-1)) const = 0;
    // Stores version n under that number unless it exists (versions never
    // change once written); current is not touched (store migrate).
    virtual void import_version(const std::string& name, int version,
                                const VersionFiles& files) const = 0;
    // Makes version n current in one atomic step (a symlink rename; one etcd
    // transaction). Throws Error(usage) for an unknown version.
    virtual void activate_version(const std::string& name, int version) const = 0;
    virtual std::optional<int> current_version(const std::string& name) const = 0;
    virtual std::vector<int> versions(const std::string& name) const = 0; // ascending
    // The files of one version; throws Error(config) when it does not exist.
    virtual VersionFiles read_version(const std::string& name, int version) const = 0;
    // Local folders holding current and version n as files (cert.pem, ...),
    // for hooks, install steps and readers of PEM files. The etcd store
    // answers from a local copy it brings up to date first.
    virtual fs::path lineage_dir(const std::string& name) const = 0;
    virtual fs::path current_dir(const std::string& name) const = 0;
    virtual fs::path version_dir(const std::string& name, int version) const = 0;
    // Removes the oldest versions beyond the `keep` newest, but only versions
    // older than current (none when there is no current), and leftovers of
    // crashed writes. A reader inside a kept version is never disturbed.
    virtual void prune_versions(const std::string& name, int keep) const = 0;

    // Removes the lineage (config, state, versions, current) and its lock;
    // the caller holds the lineage's lock. Readers never see half a lineage
    // (a rename to a hidden folder first; one etcd transaction). Throws
    // Error(io), or Error(conflict) when the etcd lock was lost meanwhile.
    virtual void remove_lineage(const std::string& name) const = 0;

    // ---- the per-lineage lock ----
    // nullptr when another process or node holds it.
    virtual std::unique_ptr<Lock> try_lock(const std::string& name) const = 0;
    // Releases a lock from try_lock. The file store also removes the lock
    // file when the lineage does not exist (a failed or dry-run first issue
    // leaves nothing behind); the etcd store revokes the lease, which takes
    // the lock key with it.
    virtual void release_lock(const std::string& name, std::unique_ptr<Lock> lock) const = 0;
    // Who holds the lock (a node name), when the backend knows; nullopt otherwise.
    virtual std::optional<std::string> lock_holder(const std::string& name) const;
};

} // namespace acme::store
