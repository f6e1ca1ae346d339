// acmectl renew: renew every lineage that is due, from cron or a timer.
#include "commands.hpp"
#include "common/interrupt.hpp"
#include "common/time_format.hpp"
#include "json_stream.hpp"
#include "ops/renew_lineages.hpp"
#include "served_format.hpp"
#include "sni_format.hpp"

#include <iostream>
#include <map>
#include <random>

namespace acmectl {

namespace {

using acme::ops::Outcome;

struct RenewOptions {
    std::vector<std::string> names;
    int days = 0;
    bool force = false;
    bool dry_run = false;
    int parallel = 1;
    int random_sleep = 0;
    std::vector<std::string> pre_hooks;
    std::vector<std::string> post_hooks;
    std::vector<std::string> failure_hooks;
    std::vector<std::string> deploy_hooks;
    bool run_deploy_hooks = false;
    int hook_timeout = 300;
    VerifyFlags verify;
    std::string sni_dir;
};

std::string when(const std::optional<acme::ops::SysSeconds>& t) {
    return t ? acme::iso8601_utc(*t) : "unknown";
}

std::string line_for(const acme::ops::LineageReport& r) {
    switch (r.outcome) {
    case Outcome::not_due:
        return r.name + ": not due, renews at " + when(r.due) + " (" + r.due_source + ")" +
               (r.message.empty() ? "" : "; " + r.message);
    case Outcome::renewed:
        return r.name + ": renewed" + (r.version ? ", version " + std::to_string(r.version) : "") +
               ", expires " + when(r.not_after) + (r.message.empty() ? "" : "; " + r.message);
    case Outcome::deploy_failed:
        return r.name + ": renewed, but " + r.message;
    case Outcome::failed:
        return r.name + ": FAILED: " + r.message;
    case Outcome::backoff:
        return r.name + ": skipped until " + when(r.retry_at) + " after " + r.message;
    case Outcome::locked:
        return r.name + ": skipped, " + r.message;
    }
    return r.name;
}

nlohmann::json lineage_json(const acme::ops::LineageReport& r) {
    const bool failed = acme::ops::counts_as_failed(r);
    return {{"name", r.name},
            {"domains", r.domains},
            {"action", acme::ops::to_string(r.outcome)},
            {"due_at", time_or_null(r.due)},
            {"due_source", r.due_source},
            {"not_after", time_or_null(r.not_after)},
            {"retry_at", time_or_null(r.retry_at)},
            {"error", failed ? nlohmann::json(r.message) : nlohmann::json()},
            {"message", r.message},
            {"temporary", r.temporary},
            {"version", r.version},
            {"consecutive_failures", r.consecutive_failures},
            {"hooks", hooks_json(r.hooks)},
            {"served", served_json(r.served)}};
}

// --json, written as the run goes: the report of each lineage not due is
// printed when it is planned, so 10,000 of them are never one document in
// memory (issue #20). The document is what one dump(2) would print, keys in
// the order lineages, hooks, sni, totals, and the lineages not due first.
class JsonStream {
  public:
    void lineage(const acme::ops::LineageReport& r) {
        std::cout << (m_count == 0 ? "{\n  \"lineages\": [\n    " : ",\n    ")
                  << indented(lineage_json(r).dump(2), "    ");
        ++m_count;
        ++m_totals[std::string(acme::ops::to_string(r.outcome))];
    }

    void finish(const acme::ops::RenewSummary& s) {
        for (const auto& r : s.lineages) {
            lineage(r);
        }
        std::cout << (m_count == 0 ? "{\n  \"lineages\": []" : "\n  ]");
        nlohmann::json totals = {{"lineages", m_count}};
        for (const auto& o : {Outcome::renewed, Outcome::deploy_failed, Outcome::not_due,
                              Outcome::backoff, Outcome::locked, Outcome::failed}) {
            const std::string name(acme::ops::to_string(o));
            totals[name] = m_totals[name];
        }
        std::cout << ",\n  \"hooks\": " << indented(hooks_json(s.run_hooks).dump(2), "  ")
                  << ",\n  \"sni\": " << indented(sni_json(s.sni).dump(2), "  ")
                  << ",\n  \"totals\": " << indented(totals.dump(2), "  ") << "\n}" << std::endl;
    }

    // A run that ends by an error (a signal, the store lost) after some
    // lineages were printed: the document is closed, naming the error, so
    // that what a script reads is still JSON. Nothing when nothing was printed.
    void abandon(const std::string& error) {
        if (m_count == 0)
            return;
        std::cout << "\n  ],\n  \"error\": " << nlohmann::json(error).dump() << "\n}"
                  << std::endl;
    }

  private:
    std::size_t m_count = 0;
    std::map<std::string, int> m_totals;
};

// 1 when anything failed for good, 75 when every failure may pass by itself
// (also a lineage named with --name that another process holds: not renewed).
int exit_status(const acme::ops::RenewSummary& s, bool named) {
    bool failed = false;
    bool permanent = false;
    for (const auto& r : s.lineages) {
        if (r.outcome == Outcome::failed || r.outcome == Outcome::deploy_failed) {
            failed = true;
            permanent = permanent || !r.temporary;
        }
        failed = failed || (named && r.outcome == Outcome::locked);
    }
    for (const auto& h : s.run_hooks) {
        failed = failed || !h.ok;
        permanent = permanent || !h.ok;
    }
    if (sni_failed(s.sni)) {
        failed = permanent = true;
    }
    return !failed ? 0 : permanent ? 1 : 75;
}

void random_sleep(int seconds) {
    if (seconds <= 0) {
        return;
    }
    std::mt19937 engine{std::random_device{}()};
    auto ms = std::uniform_int_distribution<int>(0, seconds * 1000)(engine);
    acme::interrupt::sleep_for(std::chrono::milliseconds(ms));
}

int run_renew(const GlobalOptions& g, const RenewOptions& o) {
    StderrLogger log(g);
    acme::ops::RenewRequest request;
    request.names = o.names;
    if (o.days > 0) {
        request.days = o.days;
    }
    request.force = o.force;
    request.dry_run = o.dry_run;
    request.parallel = o.parallel;
    request.pre_hooks = o.pre_hooks;
    request.post_hooks = o.post_hooks;
    request.failure_hooks = o.failure_hooks;
    request.deploy_hooks = o.deploy_hooks;
    request.run_deploy_hooks_in_dry_run = o.run_deploy_hooks;
    request.hook_timeout = std::chrono::seconds(o.hook_timeout);
    request.verify_served = o.verify.verify;
    request.verify_wait = std::chrono::seconds(o.verify.wait);
    request.sni_dir = sni_dir_path(o.sni_dir);
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    random_sleep(o.random_sleep);
    JsonStream stream;
    // Printed as planned, not kept: 10,000 lineages in constant memory.
    request.on_not_due = [&g, &stream](const acme::ops::LineageReport& r) {
        if (g.json) {
            stream.lineage(r);
        } else if (!g.quiet) {
            std::cout << line_for(r) << '\n';
        }
    };
    acme::ops::RenewSummary summary;
    try {
        summary = acme::ops::renew_lineages(
            store, request, [&g](const std::string& bundle) { return make_transport(g, bundle); },
            log);
    } catch (const std::exception& e) {
        if (g.json)
            stream.abandon(e.what());
        throw;
    }
    if (g.json) {
        stream.finish(summary);
    } else {
        for (const auto& r : summary.lineages) {
            const bool bad = r.outcome == Outcome::failed || r.outcome == Outcome::deploy_failed;
            if (bad || !g.quiet) {
                (bad ? std::cerr : std::cout) << line_for(r) << '\n';
            }
        }
        print_sni(summary.sni, g.quiet);
    }
    return exit_status(summary, !o.names.empty());
}

} // namespace

Command setup_renew(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<RenewOptions>();
    auto* sub = app.add_subcommand("renew", "Renew the lineages that are due");
    sub->add_option("--name", o->names, "Renew only this lineage (repeatable)");
    sub->add_option("--days", o->days, "Due when fewer than N days are left (overrides ARI)")
        ->check(CLI::Range(1, 3650));
    sub->add_flag("--force", o->force, "Renew every selected lineage now, ignoring backoff");
    sub->add_flag("--dry-run", o->dry_run, "Run the whole flow against the CA, save nothing");
    sub->add_option("--parallel", o->parallel, "Renew up to N lineages at once")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    sub->add_option("--random-sleep", o->random_sleep, "Sleep a random 0..SECONDS first (cron)")
        ->check(CLI::Range(0, 86400));
    sub->add_option("--pre-hook", o->pre_hooks, "Run once before the first renewal (repeatable)");
    sub->add_option("--post-hook", o->post_hooks,
                    "Run once after renewals were attempted (repeatable); gets ACMECTL_RENEWED, "
                    "ACMECTL_FAILED, RENEWED_DOMAINS and FAILED_DOMAINS");
    sub->add_option("--failure-hook", o->failure_hooks,
                    "Run once after the others when any lineage failed (repeatable); gets "
                    "ACMECTL_FAILED and ACMECTL_FAILURE_REPORT");
    sub->add_option("--deploy-hook", o->deploy_hooks,
                    "For this run, also run shell command CMD after each renewal, after the "
                    "lineage's own deploy hooks (repeatable; certbot's `renew --deploy-hook`)");
    sub->add_flag("--run-deploy-hooks", o->run_deploy_hooks,
                  "With --dry-run: run deploy hooks on the dry-run certificate "
                  "(ACMECTL_DRY_RUN=1)")
        ->needs("--dry-run");
    sub->add_option("--hook-timeout", o->hook_timeout, "Seconds a hook may run")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    add_verify_flags(*sub, o->verify,
                     "After a lineage's deploy hooks succeeded, wait until every endpoint serves "
                     "the new certificate; a deploy failure if one does not");
    add_sni_dir_flag(*sub, o->sni_dir);
    return {sub, [&global, o] { return run_renew(global, *o); }};
}

} // namespace acmectl
