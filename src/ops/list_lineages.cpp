#include "ops/list_lineages.hpp"

#include "common/error.hpp"
#include "crypto/x509.hpp"
#include "ops/cert_facts.hpp"
#include "ops/deploy_lineage.hpp"
#include "ops/lineage_state.hpp"
#include "probe/report.hpp"
#include "renew/policy.hpp"
#include "store/atomic_file.hpp"

namespace acme::ops {

namespace {

using SysSeconds = std::chrono::sys_seconds;

std::string text(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The solver kind and the one setting that tells where it answers.
std::string describe_solver(const nlohmann::json& config) {
    auto it = config.find("solver");
    if (it == config.end() || !it->is_object()) {
        return "";
    }
    const auto kind = text(*it, "kind");
    for (const char* key : {"webroot", "dns_hook", "rfc2136_server"}) {
        if (!text(*it, key).empty()) {
            return kind + " " + text(*it, key);
        }
    }
    if (kind == "standalone" && it->value("http_port", 80) != 80) {
        return kind + " port " + std::to_string(it->value("http_port", 80));
    }
    return kind;
}

void read_config(LineageListing& l, const nlohmann::json& config) {
    if (config.contains("domains") && config["domains"].is_array()) {
        l.domains = config["domains"].get<std::vector<std::string>>();
    }
    l.key_type = text(config, "key_type");
    l.has_key = text(config, "csr").empty();
    l.account = text(config, "account");
    l.server = text(config, "server");
    l.solver = describe_solver(config);
    l.deploy_hooks = deploy_commands(config);
    for (const auto& step : install_steps(config)) {
        l.install_targets.push_back(step.path);
    }
}

// The same order of rules as renew (renew_plan.cpp), without asking the CA:
// a revoked certificate, then the backoff after failures, then the cached ARI
// moment when it is for this certificate, else lifetime/3.
void decide_due(LineageListing& l, const CertFacts& cert, const LineageState& state,
                SysSeconds now) {
    if (!state.revoked_serial.empty() && state.revoked_serial == cert.serial_hex) {
        l.due = state.revoked_at.value_or(now);
        l.due_reason = "revoked";
        return;
    }
    if (state.consecutive_failures > 0 && state.last_attempt) {
        auto until = *state.last_attempt + renew::backoff_after(state.consecutive_failures, now,
                                                                cert.not_before, cert.not_after);
        if (now < until) {
            l.due = until;
            l.due_reason = "backoff";
            return;
        }
    }
    std::optional<SysSeconds> moment;
    if (state.ari && !cert.ari_cert_id.empty() && state.ari->cert_id == cert.ari_cert_id) {
        moment = state.ari->chosen;
    }
    l.due = renew::renewal_time({cert.not_before, cert.not_after, std::nullopt, moment});
    l.due_reason = moment ? "ari" : "lifetime";
}

// What renew keeps of the current certificate in state.json (versions never
// change once written), else cert.pem decoded: a list of 10,000 lineages
// decodes none once renew has run.
CertFacts current_facts(const store::Store& store, const std::string& name, int version,
                        const LineageState& state) {
    if (auto facts = cert_facts_for(state, version)) {
        return *facts;
    }
    return cert_facts(
        crypto::read_certificate(store::read_file(store.current_dir(name) / "cert.pem", 1 << 20)),
        version);
}

LineageListing list_one(const store::Store& store, const std::string& name, SysSeconds now) {
    LineageListing l;
    l.name = name;
    l.cert_dir = store.current_dir(name);
    try {
        read_config(l, store.read_config(name));
        l.version = store.current_version(name);
        if (!l.version) {
            l.due_reason = "missing";
            l.due = now;
            return l;
        }
        const auto state = state_from_json(store.read_state(name));
        const auto cert = current_facts(store, name, *l.version, state);
        l.serial = cert.serial_hex;
        l.not_after = cert.not_after;
        l.days_left = probe::days_left(cert.not_after, now);
        decide_due(l, cert, state, now);
    } catch (const Error& e) {
        l.error = e.what();
    }
    return l;
}

} // namespace

std::vector<std::string> select_lineages(const store::Store& store,
                                         const std::vector<std::string>& names) {
    if (names.empty()) {
        return store.list_lineages();
    }
    for (const auto& name : names) {
        store::Store::check_lineage_name(name);
        if (!store.lineage_exists(name)) {
            throw Error(ErrorKind::usage,
                        "no lineage named '" + name + "' in " + store.home().string());
        }
    }
    return names;
}

std::vector<LineageListing> list_lineages(const store::Store& store,
                                          const std::vector<std::string>& names, SysSeconds now) {
    std::vector<LineageListing> out;
    for (const auto& name : select_lineages(store, names)) {
        out.push_back(list_one(store, name, now));
    }
    return out;
}

} // namespace acme::ops
