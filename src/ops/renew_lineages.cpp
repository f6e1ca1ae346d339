#include "ops/renew_lineages.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/time_format.hpp"
#include "ops/ca_pool.hpp"
#include "ops/recovery.hpp"
#include "ops/renew_plan.hpp"
#include "ops/temp_folder.hpp"
#include "store/atomic_file.hpp"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>

namespace acme::ops {

namespace {

SysSeconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::vector<std::string> selected_names(const store::Store& store, const RenewRequest& request) {
    if (request.names.empty()) {
        return store.list_lineages();
    }
    for (const auto& name : request.names) {
        store::Store::check_lineage_name(name);
        if (!store.lineage_exists(name)) {
            throw Error(ErrorKind::usage,
                        "no lineage named '" + name + "' in " + store.home().string());
        }
    }
    return request.names;
}

// The lineage failed: reported, and recorded in state.json unless that write
// fails too (a full disk), which is then said in the report, never thrown.
// A conflict (the lock lost, the lineage changed in etcd meanwhile) is
// temporary and not recorded: the lineage may be another node's now.
void record_failure(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                    const std::string& message, bool temporary, bool recorded = true) {
    plan.report.outcome = Outcome::failed;
    plan.report.message = message;
    plan.report.temporary = temporary;
    if (request.dry_run || !recorded) {
        return;
    }
    auto& s = plan.state;
    s.last_attempt = now();
    s.consecutive_failures += 1;
    s.last_error = message;
    s.last_error_temporary = temporary;
    plan.report.consecutive_failures = s.consecutive_failures;
    try {
        store.write_state(plan.name, state_to_json(s));
    } catch (const std::exception& e) {
        plan.report.message += "; state.json not written: " + std::string(e.what());
    }
}

// The hooks ran; a server that still serves another certificate means a
// reload did not happen or did not take: a deploy failure, recorded as one.
void verify(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
            Logger& log) {
    VerifyResult result;
    try {
        result = verify_served(store, plan.name, request.verify_wait, log);
    } catch (const Error& e) {
        result.message = e.what();
    }
    plan.report.served = std::move(result.endpoints);
    if (!result.ok) {
        plan.state.last_deploy_error = "verify-served: " + result.message;
        plan.report.outcome = Outcome::deploy_failed;
        plan.report.message = "served check failed: " + result.message;
    }
}

void deploy(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
            Logger& log) {
    auto config = store.read_config(plan.name);
    plan.report.hooks = run_deploy_hooks(store, plan.name, config, store.current_dir(plan.name),
                                         request.hook_timeout, log, false, request.deploy_hooks);
    auto& s = plan.state;
    s.last_deploy_error.clear();
    for (const auto& h : plan.report.hooks) {
        if (!h.ok) {
            s.last_deploy_error = h.hook + ": " + h.error;
            plan.report.outcome = Outcome::deploy_failed;
            plan.report.message = "deploy hook failed: " + s.last_deploy_error;
            return;
        }
    }
    if (request.verify_served) {
        verify(plan, store, request, log);
    }
}

// The dry-run certificate goes to a private temporary folder that the deploy
// hooks see as their certificate; current/ and state.json stay untouched.
void deploy_dry_run(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                    const store::VersionFiles& files, Logger& log) {
    TempFolder dir("acmectl-dry-run");
    store::write_file_atomic(dir.path() / "cert.pem", files.cert, 0644);
    store::write_file_atomic(dir.path() / "chain.pem", files.chain, 0644);
    store::write_file_atomic(dir.path() / "fullchain.pem", files.fullchain, 0644);
    store::write_file_atomic(dir.path() / "privkey.pem", files.privkey, 0600);
    plan.report.hooks = run_deploy_hooks(store, plan.name, store.read_config(plan.name), dir.path(),
                                         request.hook_timeout, log, true, request.deploy_hooks);
    if (!all_ok(plan.report.hooks)) {
        plan.report.outcome = Outcome::deploy_failed;
        plan.report.message = "dry run: a deploy hook failed";
    }
}

void issue_again(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                 CaPool& cas, const store::Lock& lock, Logger& log) {
    // Read again, under the lock: the plan does not keep configs (issue #20).
    auto issue = request_from_config(store.read_config(plan.name));
    // Due only to store a kept certificate: if that one is stale, no order.
    issue.force = plan.report.due_source != "recovery";
    issue.dry_run = request.dry_run;
    issue.replaces = plan.replaces;
    auto& client =
        cas.signed_client(store, CaRef{issue.server_url, issue.ca_bundle}, issue.account_name);
    log.info("Renewing " + plan.name);
    auto result = issue_certificate_locked(store, client, issue, log, &lock);
    if (result.status == "exists") {
        plan.report.message = "the kept certificate was not stored (see the warning)";
        return;
    }
    plan.report.outcome = Outcome::renewed;
    plan.report.not_after = result.cert.not_after;
    plan.report.version = result.version;
    if (request.dry_run) {
        plan.report.message = "dry run: the CA issued a certificate; nothing was saved";
        if (request.run_deploy_hooks_in_dry_run) {
            deploy_dry_run(plan, store, request, result.files, log);
        }
        return;
    }
    auto& s = plan.state;
    s.last_attempt = s.last_success = now();
    s.consecutive_failures = 0;
    s.last_error.clear();
    s.ari.reset(); // it described the certificate just replaced
    // A certificate stored from recovery/ comes back without its files: its
    // verdict is made by the next run's plan.
    s.cert = result.files.cert.empty() ? cert_facts(result.cert, result.version)
                                       : version_facts(result.files, result.version);
    clear_revocation(s);
    plan.report.consecutive_failures = 0;
    deploy(plan, store, request, log);
    require_lock(&lock, plan.name);
    store.write_state(plan.name, state_to_json(s));
}

void lock_and_issue(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                    CaPool& cas, Logger& log) {
    auto lock = store.try_lock(plan.name);
    if (!lock) {
        plan.report.outcome = Outcome::locked;
        const auto holder = store.lock_holder(plan.name); // etcd names the node
        plan.report.message =
            holder ? "node " + *holder + " is renewing it" : "another acmectl is renewing it";
        return;
    }
    // Another run may have renewed it between our plan and our lock.
    if (store.current_version(plan.name) != plan.version) {
        plan.report.outcome = Outcome::not_due;
        plan.report.message = "renewed by another acmectl meanwhile";
        return;
    }
    issue_again(plan, store, request, cas, *lock, log);
}

// Whatever goes wrong with one lineage (the CA, a hand-edited config.json, a
// full disk, no memory) is that lineage's failure: the run goes on, and a
// worker thread never lets an exception out (that would be std::terminate).
void renew_one(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
               CaPool& cas, Logger& log) noexcept {
    try {
        try {
            lock_and_issue(plan, store, request, cas, log);
        } catch (const Error& e) {
            const bool conflict = e.kind() == ErrorKind::conflict;
            record_failure(plan, store, request, e.what(), e.temporary() || conflict, !conflict);
        } catch (const nlohmann::json::exception& e) {
            record_failure(plan, store, request, std::string("config.json: ") + e.what(), false);
        } catch (const std::exception& e) {
            record_failure(plan, store, request, e.what(), false);
        }
    } catch (...) { // record_failure itself ran out of memory
        plan.report.outcome = Outcome::failed;
    }
}

// Up to --parallel threads, each with its own connection per CA; the calling
// thread keeps the one planning used.
void renew_due(std::vector<LineagePlan*>& due, const store::Store& store,
               const RenewRequest& request, CaPool& planning_cas,
               const TransportFactory& transports, Logger& log) {
    std::atomic<std::size_t> next{0};
    auto work = [&](CaPool& cas) {
        for (auto i = next++; i < due.size() && interrupt::signal_number() == 0; i = next++) {
            renew_one(*due[i], store, request, cas, log);
        }
    };
    auto worker = [&]() noexcept {
        CaPool cas(transports, log);
        work(cas);
    };
    const auto count =
        std::clamp<std::size_t>(static_cast<std::size_t>(request.parallel), 1, due.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < count; ++i) {
        try {
            threads.emplace_back(worker);
        } catch (const std::system_error&) { // no thread: fewer workers
            break;
        }
    }
    work(planning_cas);
    for (auto& t : threads) {
        t.join();
    }
}

std::vector<HookReport> run_hooks(const store::Store& store, const std::string& kind,
                                  const std::vector<std::string>& commands,
                                  const RenewRequest& request, Logger& log,
                                  const renew::EnvList& env = {}) {
    std::vector<HookReport> reports;
    for (const auto& command : commands) {
        reports.push_back(run_command_hook(command, env, request.hook_timeout, log));
    }
    auto global = run_hook_dir(store, kind, env, request.hook_timeout, log);
    reports.insert(reports.end(), global.begin(), global.end());
    return reports;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

// ACMECTL_RENEWED / ACMECTL_FAILED (lineage names) and certbot's
// RENEWED_DOMAINS / FAILED_DOMAINS, so post-hooks can tell who is who.
renew::EnvList outcome_env(const std::vector<LineagePlan>& plans) {
    std::vector<std::string> renewed, failed, renewed_domains, failed_domains;
    for (const auto& p : plans) {
        if (counts_as_renewed(p.report)) {
            renewed.push_back(p.name);
            renewed_domains.insert(renewed_domains.end(), p.report.domains.begin(),
                                   p.report.domains.end());
        }
        if (counts_as_failed(p.report)) {
            failed.push_back(p.name);
            failed_domains.insert(failed_domains.end(), p.report.domains.begin(),
                                  p.report.domains.end());
        }
    }
    return {{"ACMECTL_RENEWED", join(renewed)},
            {"ACMECTL_FAILED", join(failed)},
            {"RENEWED_DOMAINS", join(renewed_domains)},
            {"FAILED_DOMAINS", join(failed_domains)}};
}

nlohmann::json failure_report(const std::vector<LineagePlan>& plans) {
    auto report = nlohmann::json::array();
    for (const auto& p : plans) {
        if (counts_as_failed(p.report)) {
            const auto& r = p.report;
            report.push_back({{"name", r.name},
                              {"domains", r.domains},
                              {"error", r.message},
                              {"consecutive_failures", r.consecutive_failures},
                              {"not_after", r.not_after ? nlohmann::json(iso8601_utc(*r.not_after))
                                                        : nlohmann::json()}});
        }
    }
    return report;
}

std::vector<HookReport> run_failure_hooks(const store::Store& store,
                                          const std::vector<LineagePlan>& plans,
                                          const RenewRequest& request, Logger& log) {
    TempFolder dir("acmectl-failure");
    const auto path = dir.path() / "failure-report.json";
    store::write_file_atomic(path, failure_report(plans).dump(2) + "\n", 0600);
    auto env = outcome_env(plans);
    env.emplace_back("ACMECTL_FAILURE_REPORT", path.string());
    return run_hooks(store, "failure", request.failure_hooks, request, log, env);
}

// A hook set that cannot even start (an unreadable hooks/ folder, a full
// /tmp) is one failed hook in the report, never the end of the run.
HookReport hook_setup_failure(const std::string& kind, const std::exception& e) {
    return {kind + " hooks", false, e.what(), -1, std::chrono::milliseconds(0)};
}

void add_hooks(RenewSummary& summary, const store::Store& store, const std::string& kind,
               const std::vector<std::string>& commands, const RenewRequest& request, Logger& log,
               const renew::EnvList& env = {}) {
    try {
        auto reports = run_hooks(store, kind, commands, request, log, env);
        summary.run_hooks.insert(summary.run_hooks.end(), reports.begin(), reports.end());
    } catch (const std::exception& e) {
        summary.run_hooks.push_back(hook_setup_failure(kind, e));
    }
}

void add_failure_hooks(RenewSummary& summary, const store::Store& store,
                       const std::vector<LineagePlan>& plans, const RenewRequest& request,
                       Logger& log) {
    try {
        auto reports = run_failure_hooks(store, plans, request, log);
        summary.run_hooks.insert(summary.run_hooks.end(), reports.begin(), reports.end());
    } catch (const std::exception& e) {
        summary.run_hooks.push_back(hook_setup_failure("failure", e));
    }
}

// A fresh renewalInfo answer or certificate decode is only worth caching:
// failing to save it costs one more request or decode next run, not this lineage.
void save_caches(const LineagePlan& plan, const store::Store& store, Logger& log) {
    try {
        store.write_state(plan.name, state_to_json(plan.state));
    } catch (const std::exception& e) {
        log.warn(plan.name + ": state.json not written: " + e.what());
    }
}

// Plans every selected lineage in name order; keeps the plans that renew
// will act on or must report (see RenewRequest::on_not_due).
std::vector<LineagePlan> plan_all(const store::Store& store, const RenewRequest& request,
                                  CaPool& cas, RenewSummary& summary, Logger& log) {
    std::vector<LineagePlan> kept;
    for (auto& name : selected_names(store, request)) {
        LineagePlan plan;
        plan.name = std::move(name);
        plan_lineage(plan, store, request, cas, log);
        if (!plan.due && !request.dry_run && plan.state_changed) {
            save_caches(plan, store, log);
        }
        if (!plan.due && plan.report.outcome == Outcome::not_due && request.on_not_due) {
            request.on_not_due(plan.report);
            ++summary.not_due_passed;
        } else {
            kept.push_back(std::move(plan));
        }
    }
    return kept;
}

} // namespace

bool counts_as_renewed(const LineageReport& r) {
    return r.outcome == Outcome::renewed || r.outcome == Outcome::deploy_failed;
}

bool counts_as_failed(const LineageReport& r) {
    return r.outcome == Outcome::failed || r.outcome == Outcome::deploy_failed;
}

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
    case Outcome::not_due:
        return "not_due";
    case Outcome::renewed:
        return "renewed";
    case Outcome::deploy_failed:
        return "deploy_failed";
    case Outcome::failed:
        return "failed";
    case Outcome::backoff:
        return "backoff";
    case Outcome::locked:
        return "locked";
    }
    return "unknown";
}

RenewSummary renew_lineages(const store::Store& store, const RenewRequest& request,
                            const TransportFactory& transports, Logger& log) {
    RenewSummary summary;
    CaPool cas(transports, log);
    auto plans = plan_all(store, request, cas, summary, log);
    std::vector<LineagePlan*> due;
    for (auto& plan : plans) {
        if (plan.due) {
            due.push_back(&plan);
        }
    }
    interrupt::throw_if_stopping(); // before any hook or order
    if (!due.empty()) {
        // Once the pre hooks ran, the post hooks run too: a server a pre hook
        // stopped is started again whatever happened in between, a signal included.
        add_hooks(summary, store, "pre", request.pre_hooks, request, log);
        renew_due(due, store, request, cas, transports, log);
    }
    {
        interrupt::Shield post_hooks_run_after_a_signal_too;
        // Every lineage, renewed now or not: a first run fills the folder,
        // and names of lineages deleted since leave it.
        if (!request.sni_dir.empty() && !request.dry_run) {
            summary.sni = try_update_sni_dir(store, request.sni_dir, log);
        }
        if (!due.empty()) {
            add_hooks(summary, store, "post", request.post_hooks, request, log, outcome_env(plans));
        }
    }
    interrupt::throw_if_stopping(); // interrupted lineages are recorded as failures
    if (std::any_of(plans.begin(), plans.end(),
                    [](const LineagePlan& p) { return counts_as_failed(p.report); })) {
        add_failure_hooks(summary, store, plans, request, log);
    }
    for (auto& plan : plans) {
        summary.lineages.push_back(std::move(plan.report));
    }
    return summary;
}

} // namespace acme::ops
