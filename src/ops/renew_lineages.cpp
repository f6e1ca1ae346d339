#include "ops/renew_lineages.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "common/error.hpp"
#include "ops/account_session.hpp"
#include "ops/renew_plan.hpp"

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
            throw Error(ErrorKind::usage, "no lineage named '" + name + "' in " +
                                              store.home().string());
        }
    }
    return request.names;
}

void record_failure(LineagePlan& plan, const store::Store& store, const Error& e) {
    auto& s = plan.state;
    s.last_attempt = now();
    s.consecutive_failures += 1;
    s.last_error = e.what();
    s.last_error_temporary = e.temporary();
    store.write_state(plan.name, state_to_json(s));
    plan.report.consecutive_failures = s.consecutive_failures;
}

void deploy(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
            Logger& log) {
    auto config = store.read_config(plan.name);
    plan.report.hooks = run_deploy_hooks(store, plan.name, config, store.current_dir(plan.name),
                                         request.hook_timeout, log);
    auto& s = plan.state;
    s.last_deploy_error.clear();
    for (const auto& h : plan.report.hooks) {
        if (!h.ok) {
            s.last_deploy_error = h.hook + ": " + h.error;
            plan.report.outcome = Outcome::deploy_failed;
            plan.report.message = "deploy hook failed: " + s.last_deploy_error;
            break;
        }
    }
}

void issue_again(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
                 Logger& log) {
    auto issue = request_from_config(plan.config);
    issue.force = true;
    issue.dry_run = request.dry_run;
    issue.replaces = plan.replaces;
    // The session owns the account key the client signs with: it must outlive the issuance.
    auto session = load_account_session(store, *plan.client, issue.server_url, issue.account_name);
    log.info("Renewing " + plan.name);
    auto result = issue_certificate_locked(store, *plan.client, issue, log);
    plan.report.outcome = Outcome::renewed;
    plan.report.not_after = result.cert.not_after;
    plan.report.version = result.version;
    if (request.dry_run) {
        plan.report.message = "dry run: the CA issued a certificate; nothing was saved";
        return;
    }
    auto& s = plan.state;
    s.last_attempt = s.last_success = now();
    s.consecutive_failures = 0;
    s.last_error.clear();
    s.ari.reset(); // it described the certificate just replaced
    plan.report.consecutive_failures = 0;
    deploy(plan, store, request, log);
    store.write_state(plan.name, state_to_json(s));
}

void renew_one(LineagePlan& plan, const store::Store& store, const RenewRequest& request,
               Logger& log) {
    auto lock = store.try_lock(plan.name);
    if (!lock) {
        plan.report.outcome = Outcome::locked;
        plan.report.message = "another acmectl is renewing it";
        return;
    }
    // Another run may have renewed it between our plan and our lock.
    if (store.current_version(plan.name) != plan.version) {
        plan.report.outcome = Outcome::not_due;
        plan.report.message = "renewed by another acmectl meanwhile";
        return;
    }
    try {
        issue_again(plan, store, request, log);
    } catch (const Error& e) {
        plan.report.outcome = Outcome::failed;
        plan.report.message = e.what();
        plan.report.temporary = e.temporary();
        if (!request.dry_run) {
            record_failure(plan, store, e);
        }
    }
}

void renew_due(std::vector<LineagePlan*>& due, const store::Store& store,
               const RenewRequest& request, Logger& log) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (auto i = next++; i < due.size(); i = next++) {
            renew_one(*due[i], store, request, log);
        }
    };
    const auto count = std::clamp<std::size_t>(static_cast<std::size_t>(request.parallel), 1,
                                               due.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < count; ++i) {
        threads.emplace_back(worker);
    }
    worker();
    for (auto& t : threads) {
        t.join();
    }
}

std::vector<HookReport> run_hooks(const store::Store& store, const std::string& kind,
                                  const std::vector<std::string>& commands,
                                  const RenewRequest& request, Logger& log) {
    std::vector<HookReport> reports;
    for (const auto& command : commands) {
        reports.push_back(run_command_hook(command, {}, request.hook_timeout, log));
    }
    auto global = run_hook_dir(store, kind, {}, request.hook_timeout, log);
    reports.insert(reports.end(), global.begin(), global.end());
    return reports;
}

} // namespace

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
    case Outcome::not_due: return "not_due";
    case Outcome::renewed: return "renewed";
    case Outcome::deploy_failed: return "deploy_failed";
    case Outcome::failed: return "failed";
    case Outcome::backoff: return "backoff";
    case Outcome::locked: return "locked";
    }
    return "unknown";
}

RenewSummary renew_lineages(const store::Store& store, const RenewRequest& request,
                            const TransportFactory& transports, Logger& log) {
    auto names = selected_names(store, request);
    std::vector<LineagePlan> plans(names.size());
    std::vector<LineagePlan*> due;
    for (std::size_t i = 0; i < names.size(); ++i) {
        plans[i].name = names[i];
        plan_lineage(plans[i], store, request, transports, log);
        if (plans[i].due) {
            due.push_back(&plans[i]);
        } else if (!request.dry_run && plans[i].ari_fetched) {
            store.write_state(plans[i].name, state_to_json(plans[i].state));
        }
    }
    RenewSummary summary;
    if (!due.empty()) {
        summary.run_hooks = run_hooks(store, "pre", request.pre_hooks, request, log);
        renew_due(due, store, request, log);
        auto renewed = std::any_of(due.begin(), due.end(), [](const LineagePlan* p) {
            return p->report.outcome == Outcome::renewed ||
                   p->report.outcome == Outcome::deploy_failed;
        });
        if (renewed) {
            auto post = run_hooks(store, "post", request.post_hooks, request, log);
            summary.run_hooks.insert(summary.run_hooks.end(), post.begin(), post.end());
        }
    }
    for (auto& plan : plans) {
        summary.lineages.push_back(std::move(plan.report));
    }
    return summary;
}

} // namespace acme::ops
