// The embedded default store: plain files under one home folder, in the
// layout of DESIGN.md ("The store").
#pragma once

#include "store/store.hpp"

namespace acme::store {

// flock on locks/<name>.lock, released (LOCK_UN + close) on destruction.
class FileLock : public Lock {
  public:
    explicit FileLock(int fd) : m_fd(fd) {}
    ~FileLock() override;

  private:
    int m_fd;
};

class FileStore : public Store {
  public:
    explicit FileStore(fs::path home);
    const fs::path& home() const override { return m_home; }
    std::string describe() const override { return m_home.string(); }

    // accounts/<host[_port]>/<name>/ for a directory URL such as
    // https://acme-v02.api.letsencrypt.org/directory.
    fs::path account_dir(const std::string& server_url, const std::string& name) const override;
    std::optional<StoredAccount> load_account(const std::string& server_url,
                                              const std::string& name) const override;
    // key.pem is written 0600 (only when it does not exist yet).
    void save_account_key(const std::string& server_url, const std::string& name,
                          const std::string& key_pem) const override;
    void save_account(const std::string& server_url, const std::string& name,
                      const nlohmann::json& account) const override;
    // key.pem.next (0600), renamed over key.pem on commit.
    void stage_account_key(const std::string& server_url, const std::string& name,
                           const std::string& key_pem) const override;
    void commit_account_key(const std::string& server_url, const std::string& name) const override;
    void discard_account_key(const std::string& server_url, const std::string& name) const override;
    // One rename(2) of the folder to <name>.<suffix>[.N].
    fs::path retire_account(const std::string& server_url, const std::string& name,
                            const std::string& suffix) const override;

    std::vector<std::pair<std::string, std::string>> list_accounts() const override;

    bool lineage_exists(const std::string& name) const override;
    std::vector<std::string> list_lineages() const override;
    nlohmann::json read_config(const std::string& name) const override;
    void write_config(const std::string& name, const nlohmann::json& config) const override;
    nlohmann::json read_state(const std::string& name) const override;
    void write_state(const std::string& name, const nlohmann::json& state) const override;

    // Writes versions/<n>/ completely (privkey with key_mode and key_group
    // from its first byte; others 0644) under a hidden name, then renames it.
    int write_version(const std::string& name, const VersionFiles& files, mode_t key_mode = 0600,
                      gid_t key_group = static_cast<gid_t>(-1)) const override;
    // Writes versions/<n>/ with the given number unless it exists already
    // (versions are immutable): the etcd store's local copy and sync use it.
    void install_version(const std::string& name, int version, const VersionFiles& files,
                         mode_t key_mode = 0600,
                         gid_t key_group = static_cast<gid_t>(-1)) const;
    void import_version(const std::string& name, int version,
                        const VersionFiles& files) const override {
        install_version(name, version, files);
    }
    void activate_version(const std::string& name, int version) const override;
    std::optional<int> current_version(const std::string& name) const override;
    std::vector<int> versions(const std::string& name) const override;
    VersionFiles read_version(const std::string& name, int version) const override;
    fs::path lineage_dir(const std::string& name) const override; // certs/<name>
    fs::path current_dir(const std::string& name) const override; // <lineage>/current
    fs::path version_dir(const std::string& name, int version) const override;
    void prune_versions(const std::string& name, int keep) const override;

    // Renames the folder to a hidden name, removes it, then unlinks the lock file.
    void remove_lineage(const std::string& name) const override;

    // flock on locks/<name>.lock, re-checked after locking that the file is
    // still linked (release_lock and remove_lineage unlink it).
    std::unique_ptr<Lock> try_lock(const std::string& name) const override;
    void release_lock(const std::string& name, std::unique_ptr<Lock> lock) const override;

  private:
    fs::path m_home;
};

} // namespace acme::store
