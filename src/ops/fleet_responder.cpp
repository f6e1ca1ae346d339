// The node's side of http-01 across a fleet (fleet_http01.hpp): the tokens
// published under PREFIX/challenges/ are presented through the existing
// webroot or standalone solver and acked; `store http01` adds a leased
// registration under PREFIX/nodes/ and a watch loop of its own (sync uses
// its own loop and record, with FleetChallenges as a handler).
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

using store::etcd::EtcdStore;
using store::etcd::WatchEnd;
using store::etcd::WatchEvent;
using Clock = std::chrono::steady_clock;

struct FleetChallenges::Impl {
    const EtcdStore& store;
    ResponderOptions options;
    Logger& log;
    std::string prefix;
    std::unique_ptr<challenge::Solver> solver;
    std::map<std::string, std::string> present; // token -> key authorization

    // The token of PREFIX/challenges/<token>; "" for acks and anything else.
    std::string token_of(const std::string& key) const {
        if (!key.starts_with(prefix)) {
            return "";
        }
        const auto rest = key.substr(prefix.size());
        return rest.find('/') == std::string::npos ? rest : "";
    }

    void serve(const std::string& token, const std::string& key_authorization, std::int64_t lease) {
        if (auto it = present.find(token); it == present.end() || it->second != key_authorization) {
            solver->present({"", token, key_authorization});
            present[token] = key_authorization;
            log.info("http-01 token " + token + " is served here");
        }
        // On the challenge's lease: the ack goes with it.
        store.client().put(prefix + token + "/acks/" + store.node(), utc_now_iso8601(), lease);
    }

    void serve_logged(const std::string& token, const std::string& value, std::int64_t lease) {
        try {
            serve(token, value, lease);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::interrupted) {
                throw;
            }
            log.warn("http-01 token " + token + " not served: " + e.what());
        }
    }

    void withdraw(const std::string& token) noexcept {
        const auto it = present.find(token);
        if (it == present.end()) {
            return;
        }
        solver->cleanup({"", token, it->second});
        present.erase(it);
        log.info("http-01 token " + token + " withdrawn");
    }
};

FleetChallenges::FleetChallenges(const EtcdStore& store, const ResponderOptions& options,
                                 Logger& log)
    : m_impl(new Impl{store, options, log, store.prefix() + "challenges/", nullptr, {}}) {
    if (options.webroot.empty()) {
        m_impl->solver =
            std::make_unique<challenge::StandaloneHttp01>(options.http_address, options.http_port);
    } else {
        m_impl->solver = std::make_unique<challenge::WebrootHttp01>(options.webroot);
    }
}

FleetChallenges::~FleetChallenges() {
    for (auto it = m_impl->present.begin(); it != m_impl->present.end();) {
        m_impl->withdraw((it++)->first);
    }
    m_impl->solver->end();
}

std::string FleetChallenges::challenges_prefix() const {
    return m_impl->prefix;
}

std::string FleetChallenges::mode() const {
    return m_impl->options.webroot.empty() ? "port" : "webroot";
}

void FleetChallenges::begin() {
    m_impl->solver->begin();
}

// What the store holds now: serve what is new, withdraw what is gone.
void FleetChallenges::resync() {
    auto& impl = *m_impl;
    std::map<std::string, store::etcd::KeyValue> published;
    for (auto& kv : impl.store.client().range(impl.prefix, store::etcd::prefix_end(impl.prefix))) {
        if (auto token = impl.token_of(kv.key); !token.empty()) {
            published.emplace(std::move(token), std::move(kv));
        }
    }
    for (auto it = impl.present.begin(); it != impl.present.end();) {
        const auto token = (it++)->first;
        if (!published.contains(token)) {
            impl.withdraw(token);
        }
    }
    for (const auto& [token, kv] : published) {
        impl.serve_logged(token, kv.value, kv.lease);
    }
}

void FleetChallenges::on_events(const std::vector<WatchEvent>& events) {
    auto& impl = *m_impl;
    for (const auto& event : events) {
        const auto token = impl.token_of(event.key);
        if (token.empty()) {
            continue;
        }
        if (event.type == WatchEvent::Type::remove) {
            impl.withdraw(token);
            continue;
        }
        try { // the lease to ack on is the key's own
            if (const auto kv = impl.store.client().get(event.key)) {
                impl.serve_logged(token, kv->value, kv->lease);
            }
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::interrupted) {
                throw;
            }
            impl.log.warn("http-01 token " + token + " not served: " + e.what());
        }
    }
}

namespace {

constexpr std::chrono::seconds k_max_backoff{10};

// `store http01`'s registration: PREFIX/nodes/NODE on a lease of its own.
class Registration {
  public:
    Registration(const EtcdStore& store, std::string mode)
        : m_store(store), m_mode(std::move(mode)) {}
    ~Registration() {
        if (m_lease != 0) {
            try {
                m_store.client().lease_revoke(m_lease);
            } catch (const std::exception&) {
                // it expires by itself
            }
        }
    }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

    void keep() {
        if (Clock::now() < m_next) {
            return;
        }
        auto& client = m_store.client();
        if (m_lease == 0 || client.lease_keepalive(m_lease) == 0) {
            m_lease = client.lease_grant(k_node_ttl);
            const nlohmann::json value = {
                {"node", m_store.node()}, {"http01", m_mode}, {"since", utc_now_iso8601()}};
            client.put(m_store.prefix() + "nodes/" + m_store.node(), value.dump(), m_lease);
        }
        m_next = Clock::now() + k_node_keepalive;
    }
    void forget() { m_next = {}; }

  private:
    const EtcdStore& m_store;
    std::string m_mode;
    std::int64_t m_lease = 0;
    Clock::time_point m_next{};
};

} // namespace

// Watches in slices of k_node_keepalive, so the registration stays alive
// while nothing happens; resumes where the last slice ended, and re-reads
// everything after a compaction or a lost connection.
void serve_fleet_http01(const EtcdStore& store, const ResponderOptions& options, Logger& log) {
    FleetChallenges challenges(store, options, log);
    challenges.begin();
    Registration registration(store, challenges.mode());
    const auto prefix = challenges.challenges_prefix();
    std::int64_t revision = 0; // 0: start afresh (the created message resyncs)
    auto backoff = std::chrono::seconds(1);
    for (;;) {
        interrupt::throw_if_stopping();
        if (options.stop != nullptr && *options.stop) {
            return;
        }
        store::etcd::WatchRequest request{prefix, store::etcd::prefix_end(prefix),
                                          revision == 0 ? 0 : revision + 1,
                                          Clock::now() + k_node_keepalive, options.stop};
        store::etcd::WatchResult result;
        try {
            registration.keep();
            result = store::etcd::watch(store.client(), request, [&](const auto& m) {
                if (m.created && revision == 0) {
                    challenges.resync();
                }
                challenges.on_events(m.events);
                registration.keep();
                return true;
            });
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::interrupted) {
                throw;
            }
            result.end = WatchEnd::disconnected;
            result.error = e.what();
        }
        if (result.end == WatchEnd::disconnected) {
            log.warn("etcd watch: " + result.error + "; again in " +
                     std::to_string(backoff.count()) + " s");
            interrupt::sleep_for(backoff);
            backoff = std::min(backoff * 2, k_max_backoff);
            revision = 0;
            registration.forget();
            continue;
        }
        backoff = std::chrono::seconds(1);
        const bool afresh = result.end == WatchEnd::compacted || result.end == WatchEnd::too_large;
        revision = afresh ? 0 : std::max(revision, result.revision);
    }
}

} // namespace acme::ops
