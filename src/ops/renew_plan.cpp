#include "ops/renew_plan.hpp"

#include "acme/problem.hpp"
#include "common/error.hpp"
#include "ops/ca_pool.hpp"
#include "ops/recovery.hpp"
#include "renew/ari.hpp"
#include "renew/policy.hpp"
#include "store/atomic_file.hpp"

#include <random>

namespace acme::ops {

namespace {

using std::chrono::system_clock;

SysSeconds now() {
    return std::chrono::floor<std::chrono::seconds>(system_clock::now());
}

double random01() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::string config_string(const nlohmann::json& config, const char* key, const std::string& dflt) {
    auto it = config.find(key);
    if (it == config.end() || it->is_null()) {
        return dflt;
    }
    if (!it->is_string()) {
        throw Error(ErrorKind::config, std::string("config.json: '") + key + "' is not a string");
    }
    return it->get<std::string>();
}

// What a config.json solver needs before anything runs: a known kind and the
// options that kind cannot do without. A "manual" lineage passes here: it is
// refused when it is due (make_solver), not while it is merely planned.
void check_solver(const SolverConfig& solver) {
    solver_challenge_type(solver.kind);
    if (solver.kind == "dns-hook" && solver.dns_hook.empty()) {
        throw Error(ErrorKind::config, "config.json: solver 'dns-hook' without 'dns_hook'");
    }
    if (solver.kind == "dns-rfc2136" &&
        (solver.rfc2136_server.empty() || solver.tsig_key.empty())) {
        throw Error(ErrorKind::config,
                    "config.json: solver 'dns-rfc2136' without 'rfc2136_server' or 'tsig_key'");
    }
    if (solver.kind == "webroot" && solver.webroot.empty()) {
        throw Error(ErrorKind::config, "config.json: solver 'webroot' without 'webroot'");
    }
    if (solver.dns_wait < 0) {
        throw Error(ErrorKind::config, "config.json: 'dns_wait' is negative");
    }
}

// The moment inside the CA's suggested window, cached until its Retry-After.
std::optional<SysSeconds> ari_moment(LineagePlan& plan, const CaRef& server, CaPool& cas,
                                     Logger& log) {
    const auto& dir = cas.directory(server);
    if (dir.renewal_info.empty() || plan.cert->ari_cert_id.empty()) {
        return std::nullopt;
    }
    const auto& cert_id = plan.cert->ari_cert_id;
    plan.replaces = cert_id;
    auto& cache = plan.state.ari;
    if (cache && cache->cert_id == cert_id && now() < cache->next_fetch) {
        return cache->chosen;
    }
    auto response =
        cas.client(server).get(dir.renewal_info + "/" + cert_id, "the renewalInfo request");
    auto window = renew::parse_renewal_info(response.body);
    if (!window) {
        log.debug(plan.name + ": malformed renewalInfo, using the lifetime rule");
        return std::nullopt;
    }
    auto chosen = cache && cache->cert_id == cert_id && cache->chosen >= window->start &&
                          cache->chosen < window->end
                      ? cache->chosen
                      : renew::choose_in_window(*window, random01());
    auto retry = renew::clamp_ari_retry_after(response.retry_after());
    cache = AriCache{cert_id, window->start, window->end, chosen, now() + retry};
    plan.state_changed = true;
    return chosen;
}

// The current version's facts, from its version folder (which stays what it
// is if another run makes a new version current meanwhile): what the plan
// needs of its certificate, and what state.json keeps for the next run and
// for check. A version whose other files do not read still plans by cert.pem.
CertFacts read_cert_facts(const store::Store& store, const std::string& name, int version) {
    store::VersionFiles files;
    try {
        files = store.read_version(name, version);
    } catch (const Error&) {
        files.cert = store::read_file(store.version_dir(name, version) / "cert.pem", 1 << 20);
    }
    return version_facts(files, version);
}

void load(LineagePlan& plan, const store::Store& store) {
    plan.config = store.read_config(plan.name);
    if (plan.config.contains("domains") && plan.config["domains"].is_array()) {
        plan.report.domains = plan.config["domains"].get<std::vector<std::string>>();
    }
    plan.state = state_from_json(store.read_state(plan.name));
    plan.report.consecutive_failures = plan.state.consecutive_failures;
    plan.version = store.current_version(plan.name);
    if (plan.version) {
        plan.cert = cert_facts_for(plan.state, *plan.version);
        if (!has_current_verdict(plan.cert)) { // made once a version, even for files that fail
            plan.cert = plan.state.cert = read_cert_facts(store, plan.name, *plan.version);
            plan.state_changed = true;
        }
        plan.report.not_after = plan.cert->not_after;
        plan.report.version = *plan.version;
    }
}

// Inside the backoff after failures: report until when, and skip.
bool in_backoff(LineagePlan& plan) {
    const auto& s = plan.state;
    if (s.consecutive_failures == 0 || !s.last_attempt) {
        return false;
    }
    auto nb = plan.cert ? plan.cert->not_before : now();
    auto na = plan.cert ? plan.cert->not_after : now();
    auto until = *s.last_attempt + renew::backoff_after(s.consecutive_failures, now(), nb, na);
    if (now() >= until) {
        return false;
    }
    plan.report.outcome = Outcome::backoff;
    plan.report.retry_at = until;
    plan.report.message =
        std::to_string(s.consecutive_failures) + " consecutive failure(s), last: " + s.last_error;
    return true;
}

void decide(LineagePlan& plan, const RenewRequest& request, const CaRef& server, CaPool& cas,
            Logger& log) {
    if (request.force || request.dry_run) { // a dry run tries every selected lineage (certbot)
        plan.report.due_source = request.force ? "force" : "dry-run";
        plan.due = true;
        return;
    }
    if (!plan.cert) {
        plan.report.due_source = "missing";
        plan.due = true;
        return;
    }
    if (!plan.state.revoked_serial.empty() && plan.state.revoked_serial == plan.cert->serial_hex) {
        plan.report.due_source = "revoked";
        plan.report.due = now();
        plan.due = true;
        return;
    }
    if (in_backoff(plan)) {
        return;
    }
    std::optional<SysSeconds> moment;
    if (!request.days) {
        try {
            moment = ari_moment(plan, server, cas, log);
        } catch (const std::exception& e) { // the CA's answer, however bad, fails nothing here
            // A failed directory was said once, by the pool.
            if (!cas.directory_failed(server)) {
                log.debug(plan.name + ": no ARI answer (" + e.what() +
                          "), using the lifetime rule");
            }
        }
    }
    plan.report.due =
        renew::renewal_time({plan.cert->not_before, plan.cert->not_after, request.days, moment});
    plan.report.due_source = request.days ? "days" : moment ? "ari" : "lifetime";
    plan.due = now() >= *plan.report.due;
}

// A certificate an earlier run could not store (ops/recovery.hpp) makes the
// lineage due, whatever its backoff or dates: it is stored, with no order.
void due_for_recovery(LineagePlan& plan, const store::Store& store, const RenewRequest& request) {
    std::error_code ec;
    if (plan.due || request.dry_run ||
        !std::filesystem::exists(recovery_path(store, plan.name), ec)) {
        return;
    }
    plan.report.outcome = Outcome::not_due;
    plan.report.due_source = "recovery";
    plan.report.due = now();
    plan.due = true;
}

void fail_plan(LineagePlan& plan, const std::string& message) {
    plan.report.outcome = Outcome::failed;
    plan.report.message = message;
    plan.due = false;
}

} // namespace

IssueRequest request_from_config(const nlohmann::json& config) {
    IssueRequest r;
    try {
        r.server_url = config_string(config, "server", "");
        r.account_name = config_string(config, "account", "default");
        r.names = config.at("domains").get<std::vector<std::string>>();
        r.lineage_name = config_string(config, "name", "");
        const auto& solver = config.at("solver");
        r.solver.kind = config_string(solver, "kind", "standalone");
        r.solver.http_port = solver.value("http_port", 80);
        r.solver.http_address = config_string(solver, "http_address", "");
        r.solver.webroot = config_string(solver, "webroot", "");
        r.solver.dns_hook = config_string(solver, "dns_hook", "");
        r.solver.certbot_hooks = solver.value("certbot_hooks", false);
        r.solver.dns_cleanup_hook = config_string(solver, "dns_cleanup_hook", "");
        r.solver.dns_wait = solver.value("dns_wait", 0);
        r.solver.dns_resolver = config_string(solver, "dns_resolver", "");
        r.solver.rfc2136_server = config_string(solver, "rfc2136_server", "");
        r.solver.rfc2136_zone = config_string(solver, "rfc2136_zone", "");
        r.solver.tsig_key = config_string(solver, "tsig_key", "");
        r.solver.tls_port = solver.value("tls_port", 443);
        r.solver.tls_address = config_string(solver, "tls_address", "");
        auto key_type = crypto::parse_key_type(config_string(config, "key_type", "ec256"));
        r.key_type = key_type.value_or(crypto::KeyType::ec256);
        r.reuse_key = config.value("reuse_key", false);
        r.csr_path = config_string(config, "csr", "");
        r.ca_bundle = config_string(config, "ca_bundle", "");
        r.preferred_chain = config_string(config, "preferred_chain", "");
        r.profile = config_string(config, "profile", "");
        r.timeout = std::chrono::seconds(config.value("timeout", 300));
        r.hooks = config.value("hooks", nlohmann::json());
        r.endpoints = config.value("endpoints", nlohmann::json());
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::config, std::string("config.json: ") + e.what());
    }
    if (r.server_url.empty() || r.names.empty()) {
        throw Error(ErrorKind::config, "config.json names no server or no domains");
    }
    check_solver(r.solver);
    return r;
}

void plan_lineage(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                  CaPool& cas, Logger& log) {
    plan.report.name = plan.name;
    try {
        load(plan, store);
        const auto issue = request_from_config(plan.config);
        decide(plan, request, CaRef{issue.server_url, issue.ca_bundle}, cas, log);
        due_for_recovery(plan, store, request);
    } catch (const nlohmann::json::exception& e) { // a hand-edited config.json
        fail_plan(plan, std::string("config.json: ") + e.what());
    } catch (const std::exception& e) { // a full disk, no memory: this lineage only
        fail_plan(plan, e.what());
    }
    plan.config = nullptr;
    plan.cert.reset();
}

} // namespace acme::ops
