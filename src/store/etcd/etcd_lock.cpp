// The per-lineage lock on etcd: a lease (kept alive by a thread while the
// holder works) and a create-if-absent txn on PREFIX/locks/<name> holding the
// node name. A dead holder's lease expires and the key goes with it.
#include "common/error.hpp"
#include "store/etcd/etcd_store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

namespace acme::store::etcd {

namespace {

class EtcdLock : public Lock {
  public:
    EtcdLock(const EtcdStore& store, std::string name, std::int64_t lease, int ttl)
        : m_store(store), m_name(std::move(name)), m_lease(lease), m_ttl(ttl),
          // Its own connection: the store's is busy with the renewal.
          m_client(std::make_unique<Client>(store.client().config())),
          m_thread([this] { keep_alive(); }) {}

    ~EtcdLock() override {
        {
            std::lock_guard guard(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        m_thread.join();
        m_store.forget_lock(m_name);
        try {
            m_client->lease_revoke(m_lease); // deletes the lock key with it
        } catch (const Error&) {
            // The lease then expires by itself within its TTL.
        }
    }

    bool lost() const override { return m_lost; }

  private:
    // Refreshes every TTL/3; a lease etcd no longer knows, or no answer for
    // longer than the TTL, means another node may take the lock: lost.
    void keep_alive() {
        const auto period = std::chrono::seconds(std::max(1, m_ttl / 3));
        auto last_ok = std::chrono::steady_clock::now();
        std::unique_lock guard(m_mutex);
        while (!m_wake.wait_for(guard, period, [this] { return m_stop; })) {
            guard.unlock();
            try {
                if (m_client->lease_keepalive(m_lease) <= 0)
                    m_lost = true;
                else
                    last_ok = std::chrono::steady_clock::now();
            } catch (const Error&) {
                if (std::chrono::steady_clock::now() - last_ok >= std::chrono::seconds(m_ttl))
                    m_lost = true;
            }
            guard.lock();
        }
    }

    const EtcdStore& m_store;
    std::string m_name;
    std::int64_t m_lease;
    int m_ttl;
    std::unique_ptr<Client> m_client;
    std::atomic<bool> m_lost{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread; // last: started once everything above exists
};

} // namespace

std::unique_ptr<Lock> EtcdStore::try_lock(const std::string& name) const {
    check_lineage_name(name);
    const auto key = m_options.prefix + "locks/" + name;
    const auto lease = m_client->lease_grant(m_options.lock_ttl);
    // The key is read back in the same txn, whichever branch runs: ours (its
    // create_revision) or the holder's (its node name), one round trip less.
    const Op read{Op::Kind::range, key, "", "", 0};
    auto result =
        m_client->txn({created_at(key, 0)}, {put_op(key, m_options.node, lease), read}, {read});
    const auto kvs = txn_range(result, result.succeeded ? 1 : 0);
    if (!result.succeeded) {
        m_client->lease_revoke(lease);
        std::lock_guard guard(m_mutex);
        m_holders[name] = kvs.empty() ? std::nullopt : std::optional(kvs.front().value);
        return nullptr;
    }
    // The create_revision of our key: activate_version compares it, so a
    // lock that expired and was taken by another node makes the write fail.
    if (kvs.empty() || kvs.front().lease != lease) {
        m_client->lease_revoke(lease);
        return nullptr;
    }
    {
        std::lock_guard guard(m_mutex);
        m_locks[name] = kvs.front().create_revision;
    }
    return std::make_unique<EtcdLock>(*this, name, lease, m_options.lock_ttl);
}

void EtcdStore::release_lock(const std::string& /*name*/, std::unique_ptr<Lock> lock) const {
    lock.reset(); // EtcdLock's destructor stops the keep-alive and revokes the lease
}

void EtcdStore::remove_lineage(const std::string& name) const {
    const auto lineage = lineage_key(name);
    const auto lock = m_options.prefix + "locks/" + name;
    // Only while the lock is still ours: a node that lost its lease must not
    // delete what the new holder works on.
    auto result = m_client->txn(lock_compares(name),
                                {delete_op(lineage, prefix_end(lineage)), delete_op(lock)});
    if (!result.succeeded)
        throw Error(ErrorKind::conflict, "lineage " + name +
                                             " not removed: this node lost its lock "
                                             "(lease expired) meanwhile");
    // The local copy holds private keys too.
    m_cache.remove_lineage(name);
}

void EtcdStore::forget_lock(const std::string& name) const {
    std::lock_guard guard(m_mutex);
    m_locks.erase(name);
}

std::optional<std::string> EtcdStore::lock_holder(const std::string& name) const {
    check_lineage_name(name);
    {
        // Asked right after try_lock failed (renew names the holder): the
        // holder that txn read, once.
        std::lock_guard guard(m_mutex);
        if (auto it = m_holders.find(name); it != m_holders.end()) {
            auto holder = std::move(it->second);
            m_holders.erase(it);
            return holder;
        }
    }
    auto kv = m_client->get(m_options.prefix + "locks/" + name);
    if (!kv)
        return std::nullopt;
    return kv->value;
}

} // namespace acme::store::etcd
