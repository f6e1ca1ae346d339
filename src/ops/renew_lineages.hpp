// acmectl renew: decide which lineages are due, renew them (in parallel when
// asked), run hooks, and record every outcome in state.json.
#pragma once

#include "common/log.hpp"
#include "http/transport.hpp"
#include "ops/deploy_lineage.hpp"
#include "ops/served_probe.hpp"
#include "ops/sni_dir.hpp"
#include "store/store.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

using SysSeconds = std::chrono::sys_seconds;

struct LineageReport;

struct RenewRequest {
    std::vector<std::string> names; // empty = every lineage
    std::optional<int> days;        // due when fewer than N days are left
    bool force = false;             // renew all selected, ignore backoff
    bool dry_run = false;           // the whole flow against the CA, nothing saved
    int parallel = 1;
    std::vector<std::string> pre_hooks;       // once, before the first renewal
    std::vector<std::string> post_hooks;      // once, after the last, when any was attempted
    std::vector<std::string> failure_hooks;   // once, after the others, when any failed
    std::vector<std::string> deploy_hooks;    // for this run, after each lineage's own
    bool run_deploy_hooks_in_dry_run = false; // against the dry-run certificate, in a temp dir
    std::chrono::milliseconds hook_timeout = k_default_hook_timeout;
    // After the deploy hooks succeeded, poll the endpoints until they serve
    // the new certificate; one that does not within verify_wait makes the
    // renewal a deploy failure. Not in a dry run.
    bool verify_served = false;
    std::chrono::seconds verify_wait = k_default_verify_wait;
    // When set, called with the report of each lineage found not due, as soon
    // as it is planned, and that report is then left out of
    // RenewSummary::lineages: a run over 10,000 lineages keeps only the few it
    // renews, skips or fails, not one report per lineage (issue #20).
    std::function<void(const LineageReport&)> on_not_due;
    // After the renewals, before the post hooks, bring this per-SNI folder up
    // to date with every lineage (sni_dir.hpp), renewed or not; "" = none.
    // Not in a dry run.
    std::string sni_dir;
};

enum class Outcome {
    not_due,       // nothing to do; `due` says when
    renewed,       // new version current, deploy hooks ok
    deploy_failed, // new version current, a deploy hook (or --verify-served) failed
    failed,        // renewal failed; current untouched
    backoff,       // skipped: recent failures; `retry_at` says until when
    locked,        // skipped: another acmectl holds the lineage
};
std::string_view to_string(Outcome outcome);

struct LineageReport {
    std::string name;
    std::vector<std::string> domains;
    Outcome outcome = Outcome::not_due;
    std::string message;    // error or reason, one line
    bool temporary = false; // a failure worth retrying soon (429/503, CA unreachable)
    std::optional<SysSeconds> due;
    std::string due_source; // "ari", "lifetime", "days", "force"
    std::optional<SysSeconds> retry_at;
    std::optional<SysSeconds> not_after; // of the certificate now current
    int version = 0;
    int consecutive_failures = 0;
    std::vector<HookReport> hooks;
    std::vector<ServedEndpointReport> served; // with verify_served: the last round
};

struct RenewSummary {
    std::vector<LineageReport> lineages; // in name order (but see on_not_due)
    std::size_t not_due_passed = 0;      // reports handed to on_not_due instead
    std::vector<HookReport> run_hooks;   // pre, post and failure hooks
    std::optional<SniReport> sni;        // with sni_dir: the folder's update
};

// A lineage counts as renewed when its new certificate is current (even if a
// deploy hook then failed) and as failed when it needs attention (its renewal
// or a deploy hook failed): a deploy failure is in both lists.
bool counts_as_renewed(const LineageReport& report);
bool counts_as_failed(const LineageReport& report);

// A transport that trusts ca_bundle ("" = what the run was told: --ca-bundle,
// acmectl.conf, else the system roots). renew passes the bundle a lineage was
// issued with (config.json "ca_bundle"), so the timer reaches a private CA.
using TransportFactory =
    std::function<std::unique_ptr<http::Transport>(const std::string& ca_bundle)>;

// Throws only for problems of the whole run (an unknown --name, an unreadable
// store); a lineage's failure is in its report.
RenewSummary renew_lineages(const store::Store& store, const RenewRequest& request,
                            const TransportFactory& transports, Logger& log);

} // namespace acme::ops
