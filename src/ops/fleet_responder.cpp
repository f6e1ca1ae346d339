// The node's side of http-01 across a fleet (fleet_http01.hpp): a watch on
// PREFIX/challenges/ that presents every published token through the
// existing webroot or standalone solver and acks it, and a leased
// registration under PREFIX/nodes/ that the renewing node waits for.
#include "challenge/http01_standalone.hpp"
#include "challenge/http01_webroot.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/time_format.hpp"
#include "ops/fleet_http01.hpp"
#include "store/etcd/etcd_store.hpp"
#include "store/etcd/etcd_watch.hpp"

#include <map>

namespace acme::ops {

namespace {

using store::etcd::EtcdStore;
using store::etcd::WatchEnd;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds k_max_backoff{10};

class Responder {
  public:
    Responder(const EtcdStore& store, const ResponderOptions& options, Logger& log)
        : m_store(store), m_options(options), m_log(log), m_prefix(store.prefix() + "challenges/"),
          m_node_key(store.prefix() + "nodes/" + store.node()) {
        if (options.webroot.empty()) {
            m_solver = std::make_unique<challenge::StandaloneHttp01>(options.http_address,
                                                                     options.http_port);
        } else {
            m_solver = std::make_unique<challenge::WebrootHttp01>(options.webroot);
        }
    }
    ~Responder() { stop(); }
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;

    void run();

  private:
    void keep_registered();
    void resync();
    void present(const std::string& token, const std::string& key_authorization,
                 std::int64_t lease);
    void withdraw(const std::string& token) noexcept;
    bool on_message(const store::etcd::WatchMessage& message);
    // The token of PREFIX/challenges/<token>; "" for acks and anything else.
    std::string token_of(const std::string& key) const {
        const auto rest = key.substr(m_prefix.size());
        return rest.find('/') == std::string::npos ? rest : "";
    }
    void stop() noexcept;

    const EtcdStore& m_store;
    ResponderOptions m_options;
    Logger& m_log;
    std::string m_prefix;
    std::string m_node_key;
    std::unique_ptr<challenge::Solver> m_solver;
    std::map<std::string, std::string> m_present; // token -> key authorization
    std::int64_t m_lease = 0;
    Clock::time_point m_next_keepalive{};
};

void Responder::keep_registered() {
    if (Clock::now() < m_next_keepalive) {
        return;
    }
    auto& client = m_store.client();
    if (m_lease == 0 || client.lease_keepalive(m_lease) == 0) {
        m_lease = client.lease_grant(k_node_ttl);
        const nlohmann::json value = {{"node", m_store.node()},
                                      {"http01", m_options.webroot.empty() ? "port" : "webroot"},
                                      {"since", utc_now_iso8601()}};
        client.put(m_node_key, value.dump(), m_lease);
    }
    m_next_keepalive = Clock::now() + k_node_keepalive;
}

void Responder::present(const std::string& token, const std::string& key_authorization,
                        std::int64_t lease) {
    if (auto it = m_present.find(token); it == m_present.end() || it->second != key_authorization) {
        m_solver->present({"", token, key_authorization});
        m_present[token] = key_authorization;
        m_log.info("http-01 token " + token + " is served here");
    }
    // On the challenge's lease: the ack goes with it.
    m_store.client().put(m_prefix + token + "/acks/" + m_store.node(), utc_now_iso8601(), lease);
}

void Responder::withdraw(const std::string& token) noexcept {
    const auto it = m_present.find(token);
    if (it == m_present.end()) {
        return;
    }
    m_solver->cleanup({"", token, it->second});
    m_present.erase(it);
    m_log.info("http-01 token " + token + " withdrawn");
}

// What the store holds now: present what is new, withdraw what is gone.
void Responder::resync() {
    std::map<std::string, store::etcd::KeyValue> published;
    for (auto& kv : m_store.client().range(m_prefix, store::etcd::prefix_end(m_prefix))) {
        if (auto token = token_of(kv.key); !token.empty()) {
            published.emplace(std::move(token), std::move(kv));
        }
    }
    for (auto it = m_present.begin(); it != m_present.end();) {
        const auto token = (it++)->first;
        if (!published.contains(token)) {
            withdraw(token);
        }
    }
    for (const auto& [token, kv] : published) {
        try {
            present(token, kv.value, kv.lease);
        } catch (const Error& e) {
            m_log.warn("http-01 token " + token + " not served: " + e.what());
        }
    }
}

bool Responder::on_message(const store::etcd::WatchMessage& message) {
    if (message.created) {
        resync();
    }
    for (const auto& event : message.events) {
        const auto token = token_of(event.key);
        if (token.empty()) {
            continue;
        }
        if (event.type == store::etcd::WatchEvent::Type::remove) {
            withdraw(token);
            continue;
        }
        try { // the lease to ack on is the key's own
            const auto kv = m_store.client().get(event.key);
            if (kv) {
                present(token, kv->value, kv->lease);
            }
        } catch (const Error& e) {
            m_log.warn("http-01 token " + token + " not served: " + e.what());
        }
    }
    keep_registered();
    return true;
}

// Watches in slices of k_node_keepalive, so the registration stays alive
// while nothing happens; resumes where the last slice ended, and re-reads
// everything after a compaction or a lost connection.
void Responder::run() {
    m_solver->begin();
    std::int64_t revision = 0; // 0: start afresh (the created message resyncs)
    auto backoff = std::chrono::seconds(1);
    for (;;) {
        interrupt::throw_if_stopping();
        if (m_options.stop != nullptr && *m_options.stop) {
            return;
        }
        store::etcd::WatchRequest request{m_prefix, store::etcd::prefix_end(m_prefix),
                                          revision == 0 ? 0 : revision + 1,
                                          Clock::now() + k_node_keepalive, m_options.stop};
        store::etcd::WatchResult result;
        try {
            keep_registered();
            result = store::etcd::watch(m_store.client(), request,
                                        [this](const auto& m) { return on_message(m); });
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::interrupted) {
                throw;
            }
            result.end = WatchEnd::disconnected;
            result.error = e.what();
        }
        if (result.end == WatchEnd::disconnected) {
            m_log.warn("etcd watch: " + result.error + "; again in " +
                       std::to_string(backoff.count()) + " s");
            interrupt::sleep_for(backoff);
            backoff = std::min(backoff * 2, k_max_backoff);
            revision = 0;
            m_next_keepalive = {};
            continue;
        }
        backoff = std::chrono::seconds(1);
        const bool afresh = result.end == WatchEnd::compacted || result.end == WatchEnd::too_large;
        revision = afresh ? 0 : std::max(revision, result.revision);
    }
}

void Responder::stop() noexcept {
    for (auto it = m_present.begin(); it != m_present.end();) {
        withdraw((it++)->first);
    }
    m_solver->end();
    if (m_lease != 0) {
        try {
            m_store.client().lease_revoke(m_lease);
        } catch (const std::exception&) {
            // it expires by itself
        }
    }
}

} // namespace

void serve_fleet_http01(const EtcdStore& store, const ResponderOptions& options, Logger& log) {
    Responder responder(store, options, log);
    responder.run();
}

} // namespace acme::ops
