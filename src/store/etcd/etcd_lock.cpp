// The per-lineage lock on etcd: a lease (kept alive by a thread while the
// holder works) and a create-if-absent txn on PREFIX/locks/<name> holding the
// node name. A dead holder's lease expires and the key goes with it. The
// lease's TTL is --store-lock-ttl (60 s by default): how long a killed
// node's lineages stay locked.
#include "common/error.hpp"
#include "store/etcd/etcd_store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
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

    // Asks etcd now: the keep-alive thread may not have noticed yet that the
    // lease was revoked, and a holder is about to write.
    bool lost() const override {
        if (!m_lost)
            refresh();
        return m_lost;
    }

    std::string describe() const override {
        char lease[32];
        std::snprintf(lease, sizeof lease, "%llx", static_cast<unsigned long long>(m_lease));
        return "the etcd lock " + m_store.prefix() + "locks/" + m_name + " (node " +
               m_store.node() + ", lease " + lease + ")";
    }

  private:
    // One keep-alive. A lease etcd no longer knows, or no answer for longer
    // than the TTL, means another node may take the lock: lost, for good.
    void refresh() const {
        try {
            if (m_client->lease_keepalive(m_lease) <= 0) {
                m_lost = true;
                return;
            }
            std::lock_guard guard(m_time_mutex);
            m_last_ok = std::chrono::steady_clock::now();
        } catch (const Error&) {
            std::lock_guard guard(m_time_mutex);
            if (std::chrono::steady_clock::now() - m_last_ok >= std::chrono::seconds(m_ttl))
                m_lost = true;
        }
    }

    // Refreshes every TTL/3 until released.
    void keep_alive() {
        const auto period = std::chrono::seconds(std::max(1, m_ttl / 3));
        std::unique_lock guard(m_mutex);
        while (!m_wake.wait_for(guard, period, [this] { return m_stop; })) {
            guard.unlock();
            if (!m_lost)
                refresh();
            guard.lock();
        }
    }

    const EtcdStore& m_store;
    std::string m_name;
    std::int64_t m_lease;
    int m_ttl;
    std::unique_ptr<Client> m_client;
    mutable std::atomic<bool> m_lost{false};
    mutable std::mutex m_time_mutex;
    mutable std::chrono::steady_clock::time_point m_last_ok = std::chrono::steady_clock::now();
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
