// The file store of DESIGN.md ("The store"): accounts, lineages, versions,
// the current symlink, state and locks under one home folder.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>
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

// Held while it lives; released (flock LOCK_UN + close) on destruction.
class Lock {
  public:
    explicit Lock(int fd) : m_fd(fd) {}
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

  private:
    int m_fd;
};

class Store {
  public:
    explicit Store(fs::path home);
    const fs::path& home() const { return m_home; }

    // accounts/<host[_port]>/<name>/ for a directory URL such as
    // https://acme-v02.api.letsencrypt.org/directory.
    fs::path account_dir(const std::string& server_url, const std::string& name) const;
    std::optional<StoredAccount> load_account(const std::string& server_url,
                                              const std::string& name) const;
    // key.pem is written 0600 (only when it does not exist yet), before anything
    // else, so a key that the CA may know is never lost.
    void save_account_key(const std::string& server_url, const std::string& name,
                          const std::string& key_pem) const;
    void save_account(const std::string& server_url, const std::string& name,
                      const nlohmann::json& account) const;
    // Key rollover in two steps, so the key the CA knows is on disk at every
    // moment: key.pem.next (0600) before asking the CA, renamed over key.pem
    // once it accepted; discarded when it refused.
    void stage_account_key(const std::string& server_url, const std::string& name,
                           const std::string& key_pem) const;
    void commit_account_key(const std::string& server_url, const std::string& name) const;
    void discard_account_key(const std::string& server_url, const std::string& name) const;
    // Moves a (deactivated) account's folder aside, to <name>.<suffix>[.N]
    // next to it, with one rename(2), so that the name is free for a new
    // account and the old key stays on disk. Returns the new folder.
    fs::path retire_account(const std::string& server_url, const std::string& name,
                            const std::string& suffix) const;

    // Lineage names are one safe path component: [A-Za-z0-9._-], no leading '.',
    // at most 255 bytes. Throws Error(usage) otherwise.
    static void check_lineage_name(const std::string& name);
    fs::path lineage_dir(const std::string& name) const;
    bool lineage_exists(const std::string& name) const;
    std::vector<std::string> list_lineages() const; // sorted
    // Throws Error(config) when missing or not JSON.
    nlohmann::json read_config(const std::string& name) const;
    void write_config(const std::string& name, const nlohmann::json& config) const;
    // state.json, or an empty object when there is none yet.
    nlohmann::json read_state(const std::string& name) const;
    void write_state(const std::string& name, const nlohmann::json& state) const;

    // Writes versions/<n>/ completely (privkey with key_mode and, unless
    // k_keep_group, key_group from its first byte; others 0644) and returns n
    // (one more than the highest existing). current is not touched.
    int write_version(const std::string& name, const VersionFiles& files, mode_t key_mode = 0600,
                      gid_t key_group = static_cast<gid_t>(-1)) const;
    // Points current at versions/<n> with one rename(2) of a symlink.
    void activate_version(const std::string& name, int version) const;
    std::optional<int> current_version(const std::string& name) const;
    fs::path current_dir(const std::string& name) const; // <lineage>/current
    fs::path version_dir(const std::string& name, int version) const;
    std::vector<int> versions(const std::string& name) const; // ascending
    // Removes the oldest versions beyond the `keep` newest, but only versions
    // older than current (none when there is no current), and leftovers of
    // crashed writes. A reader inside a kept version is never disturbed.
    void prune_versions(const std::string& name, int keep) const;

    // Removes the lineage (config, state, versions, current) and its lock
    // file; the caller holds the lineage's lock. The folder is first renamed
    // to a hidden name, so readers never see half a lineage. Throws Error(io).
    void remove_lineage(const std::string& name) const;

    // flock on locks/<name>.lock; nullopt when another process holds it.
    std::unique_ptr<Lock> try_lock(const std::string& name) const;
    // Releases a lock from try_lock; its file is removed when the lineage does
    // not exist (a failed or dry-run first issue leaves nothing behind).
    void release_lock(const std::string& name, std::unique_ptr<Lock> lock) const;

  private:
    fs::path m_home;
};

} // namespace acme::store
