// The renewing node's side of http-01 across a fleet (fleet_http01.hpp):
// publish, wait for every live node's ack, withdraw.
#include "ops/fleet_http01.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "store/etcd/etcd_store.hpp"
#include "store/etcd/gateway_json.hpp"

#include <map>
#include <vector>

namespace acme::ops {

namespace {

using store::etcd::EtcdStore;
using Clock = std::chrono::steady_clock;

std::string challenges_prefix(const EtcdStore& store) {
    return store.prefix() + "challenges/";
}

// The first path component of key after prefix ("b" of PREFIX/nodes/b/x).
std::string first_component(const std::string& key, const std::string& prefix) {
    const auto rest = key.substr(prefix.size());
    return rest.substr(0, rest.find('/'));
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : ", ") + w;
    }
    return out;
}

class FleetHttp01 : public challenge::Solver {
  public:
    FleetHttp01(const EtcdStore& store, Logger& log) : m_store(store), m_log(log) {}
    ~FleetHttp01() override { end(); }
    std::string challenge_type() const override { return "http-01"; }

    void begin() override { m_lease = m_store.client().lease_grant(k_challenge_ttl); }

    void present(const challenge::ChallengeTask& task) override {
        m_store.client().put(challenges_prefix(m_store) + task.token, task.key_authorization,
                             m_lease);
        m_tokens.push_back(task.token);
    }

    // Every live node has every token, or the order stops here naming those
    // that do not. A node whose lease expires meanwhile is no longer waited for.
    void ready() override {
        const auto deadline = Clock::now() + k_ack_timeout;
        for (;;) {
            const auto missing = nodes_missing_acks();
            if (missing.empty()) {
                return;
            }
            if (Clock::now() >= deadline) {
                throw Error(ErrorKind::timeout,
                            "http-01 across the fleet: node(s) " + join(missing) +
                                " did not acknowledge the challenge token(s) within " +
                                std::to_string(k_ack_timeout.count()) + " s (is `acmectl " +
                                "store http01` or sync --watch running there? a stopped node " +
                                "drops out when its lease under " + m_store.prefix() +
                                "nodes/ expires)");
            }
            interrupt::sleep_for(std::chrono::milliseconds(200));
        }
    }

    void cleanup(const challenge::ChallengeTask& task) noexcept override {
        try {
            const auto key = challenges_prefix(m_store) + task.token;
            m_store.client().remove(key);
            m_store.client().remove(key + "/", store::etcd::prefix_end(key + "/"));
        } catch (const std::exception& e) {
            m_log.warn("Could not withdraw http-01 token " + task.token +
                       " from etcd: " + e.what() + " (it goes with its lease)");
        }
    }

    void end() noexcept override {
        if (m_lease == 0) {
            return;
        }
        try {
            m_store.client().lease_revoke(std::exchange(m_lease, 0));
        } catch (const std::exception&) {
            // the lease expires by itself
        }
    }

  private:
    std::vector<std::string> nodes_missing_acks() const {
        const auto prefix = challenges_prefix(m_store);
        std::map<std::string, std::set<std::string>> acked; // node -> tokens
        for (const auto& kv :
             m_store.client().range(prefix, store::etcd::prefix_end(prefix), true)) {
            const auto rest = kv.key.substr(prefix.size());
            const auto at = rest.find("/acks/");
            if (at != std::string::npos) {
                acked[rest.substr(at + 6)].insert(rest.substr(0, at));
            }
        }
        std::vector<std::string> missing;
        for (const auto& node : live_nodes(m_store)) {
            const auto& tokens = acked[node];
            for (const auto& t : m_tokens) {
                if (!tokens.contains(t)) {
                    missing.push_back(node);
                    break;
                }
            }
        }
        return missing;
    }

    const EtcdStore& m_store;
    Logger& m_log;
    std::int64_t m_lease = 0;
    std::vector<std::string> m_tokens;
};

} // namespace

std::set<std::string> live_nodes(const EtcdStore& store) {
    const auto prefix = store.prefix() + "nodes/";
    std::set<std::string> nodes;
    for (const auto& kv : store.client().range(prefix, store::etcd::prefix_end(prefix))) {
        const auto node = first_component(kv.key, prefix);
        const auto doc = nlohmann::json::parse(kv.value, nullptr, false); // untrusted
        if (!node.empty() && doc.is_object() && doc.contains("http01") &&
            doc["http01"].is_string() && !doc["http01"].get<std::string>().empty()) {
            nodes.insert(node);
        }
    }
    return nodes;
}

std::unique_ptr<challenge::Solver>
fleet_http01_solver(const store::Store& store, const std::string& solver_kind, Logger& log) {
    const auto* etcd = dynamic_cast<const EtcdStore*>(&store);
    if (etcd == nullptr || (solver_kind != "webroot" && solver_kind != "standalone")) {
        return nullptr;
    }
    const auto nodes = live_nodes(*etcd);
    if (nodes.empty()) {
        return nullptr;
    }
    log.info("http-01 across the fleet: publishing the tokens for " + std::to_string(nodes.size()) +
             " node(s) under " + etcd->prefix() + "nodes/");
    return std::make_unique<FleetHttp01>(*etcd, log);
}

} // namespace acme::ops
