// acmectl check: local store health for monitoring (plugin exit codes).
#include "commands.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "json_stream.hpp"
#include "ops/check_fleet.hpp"
#include "ops/check_lineages.hpp"
#include "ops/check_online.hpp"
#include "served_format.hpp"
#include "value_sets.hpp"

#include <algorithm>
#include <iostream>

namespace acmectl {

namespace {

using acme::ops::LineageHealth;
using acme::ops::Served;
using acme::probe::Status;

struct CheckOptions {
    std::vector<std::string> names;
    std::vector<std::string> flag_names; // --name, for names a positional cannot carry
    int warn_days = 21;
    int crit_days = 7;
    std::string format = "text";
    bool online = false;
    bool served = false;
    bool allow_empty = false;
    int timeout = 10;
    bool fleet = false;
    int fleet_lag = 300;
};

using acme::ops::FleetLineage;
using Fleet = std::vector<FleetLineage>;

const FleetLineage* fleet_of(const Fleet& fleet, const std::string& name) {
    for (const auto& f : fleet) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

nlohmann::json fleet_json(const FleetLineage* f) {
    if (!f)
        return nullptr;
    auto nodes = nlohmann::json::array();
    for (const auto& n : f->nodes) {
        nodes.push_back({{"node", n.node},
                         {"version", n.version ? nlohmann::json(*n.version) : nlohmann::json()},
                         {"lagging", n.lagging},
                         {"last_sync", time_or_null(n.last_sync)},
                         {"deploy_error", n.deploy_error.empty() ? nlohmann::json()
                                                                 : nlohmann::json(n.deploy_error)},
                         {"sync_error",
                          n.sync_error.empty() ? nlohmann::json() : nlohmann::json(n.sync_error)}});
    }
    return {{"current", f->current ? nlohmann::json(*f->current) : nlohmann::json()},
            {"nodes", nodes}};
}

// "    nodes: b version 3, c version 2 (LAGGING)"
void print_fleet_text(const FleetLineage* f) {
    if (!f)
        return;
    std::cout << "    nodes:";
    for (const auto& n : f->nodes) {
        std::cout << (&n == &f->nodes.front() ? " " : ", ") << n.node << " version "
                  << (n.version ? std::to_string(*n.version) : "none")
                  << (n.lagging ? " (LAGGING)" : "");
    }
    std::cout << (f->nodes.empty() ? " none syncs it\n" : "\n");
}

nlohmann::json online_json(const std::optional<acme::ops::OnlineHealth>& o) {
    if (!o) {
        return nullptr;
    }
    auto text_or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::json() : nlohmann::json(s);
    };
    return {{"account_status", text_or_null(o->account_status)},
            {"ari_window_start", time_or_null(o->ari_start)},
            {"ari_window_end", time_or_null(o->ari_end)},
            {"revocation", text_or_null(o->revocation)},
            {"revocation_source", text_or_null(o->revocation_source)}};
}

nlohmann::json to_json(const LineageHealth& h) {
    auto findings = nlohmann::json::array();
    for (const auto& f : h.findings) {
        findings.push_back(
            {{"status", acme::probe::status_name(f.status)}, {"message", f.message}});
    }
    return {{"name", h.name},
            {"domains", h.domains},
            {"status", acme::probe::status_name(h.status)},
            {"findings", findings},
            {"not_after", time_or_null(h.not_after)},
            {"days_left", h.days_left ? nlohmann::json(*h.days_left) : nlohmann::json()},
            {"due", time_or_null(h.due)},
            {"last_attempt", time_or_null(h.last_attempt)},
            {"last_success", time_or_null(h.last_success)},
            {"consecutive_failures", h.consecutive_failures},
            {"last_error", h.last_error.empty() ? nlohmann::json() : nlohmann::json(h.last_error)},
            {"revoked", h.revoked},
            {"deploy_hooks", h.deploy_hooks},
            {"online", online_json(h.online)},
            {"served", h.served ? served_json(*h.served) : nlohmann::json()}};
}

// The document print_json would print, one lineage at a time: with 10,000
// lineages the whole document in memory was more than the rest of check.
void print_json_stream(const std::vector<LineageHealth>& all, Status overall, const Fleet* fleet) {
    std::cout << "{\n  \"lineages\": ";
    write_array(std::cout, all, [&](const LineageHealth& h) {
        auto one = to_json(h);
        if (fleet != nullptr)
            one["fleet"] = fleet_json(fleet_of(*fleet, h.name));
        return one;
    });
    std::cout << ",\n  \"status\": " << nlohmann::json(acme::probe::status_name(overall)).dump()
              << "\n}" << std::endl;
}

void print_text(const std::vector<LineageHealth>& all, const Fleet& fleet) {
    if (all.empty()) {
        std::cout << "no lineages in the store\n";
    }
    for (const auto& h : all) {
        std::cout << acme::probe::status_name(h.status) << "  " << h.name;
        if (h.days_left) {
            std::cout << "  " << *h.days_left << " days left";
        }
        if (h.due) {
            std::cout << ", due " << acme::iso8601_utc(*h.due);
        }
        std::cout << '\n';
        for (const auto& f : h.findings) {
            std::cout << "    " << acme::probe::status_name(f.status) << ": " << f.message << '\n';
        }
        for (const auto& e : h.served.value_or(std::vector<acme::ops::ServedEndpointReport>{})) {
            if (e.verdict.status == Status::ok) { // the others are findings already
                std::cout << "    OK: " << e.label << ' ' << e.verdict.message << '\n';
            }
        }
        print_fleet_text(fleet_of(fleet, h.name));
    }
}

void metric(const char* name, const char* help, const std::vector<LineageHealth>& all,
            const std::function<std::optional<double>(const LineageHealth&)>& value) {
    std::cout << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n";
    for (const auto& h : all) {
        if (auto v = value(h)) {
            std::cout << name << "{name=\"" << acme::probe::prometheus_label_value(h.name) << "\"} "
                      << static_cast<long long>(*v) << '\n';
        }
    }
}

std::optional<double> seconds_of(const std::optional<acme::ops::SysSeconds>& t) {
    if (!t) {
        return std::nullopt;
    }
    return static_cast<double>(t->time_since_epoch().count());
}

// One sample per served endpoint (check --served).
void served_metric(const char* name, const char* help, const std::vector<LineageHealth>& all,
                   const std::function<int(const acme::ops::ServedEndpointReport&)>& value) {
    std::cout << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n";
    for (const auto& h : all) {
        for (const auto& e : h.served.value_or(std::vector<acme::ops::ServedEndpointReport>{})) {
            std::cout << name << "{name=\"" << acme::probe::prometheus_label_value(h.name)
                      << "\",endpoint=\"" << acme::probe::prometheus_label_value(e.label)
                      << "\",sni=\"" << acme::probe::prometheus_label_value(e.endpoint.sni)
                      << "\"} " << value(e) << '\n';
        }
    }
}

// One sample per node syncing the lineage (check --fleet).
void fleet_metric(const char* name, const char* help, const Fleet& fleet,
                  const std::function<int(const acme::ops::FleetNode&)>& value) {
    std::cout << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n";
    for (const auto& f : fleet) {
        for (const auto& n : f.nodes) {
            std::cout << name << "{name=\"" << acme::probe::prometheus_label_value(f.name)
                      << "\",node=\"" << acme::probe::prometheus_label_value(n.node) << "\"} "
                      << value(n) << '\n';
        }
    }
}

void print_prometheus(const std::vector<LineageHealth>& all, bool served, const Fleet& fleet) {
    metric("acmectl_lineage_status", "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN", all,
           [](const auto& h) { return static_cast<double>(h.status); });
    metric("acmectl_lineage_not_after_timestamp_seconds", "notAfter of the current certificate",
           all, [](const auto& h) { return seconds_of(h.not_after); });
    metric("acmectl_lineage_renewal_due_timestamp_seconds", "When renew will renew it", all,
           [](const auto& h) { return seconds_of(h.due); });
    metric("acmectl_lineage_last_success_timestamp_seconds", "Last successful renewal", all,
           [](const auto& h) { return seconds_of(h.last_success); });
    metric("acmectl_lineage_consecutive_failures", "Renewal failures in a row", all,
           [](const auto& h) { return static_cast<double>(h.consecutive_failures); });
    metric("acmectl_lineage_revoked", "1 when the current certificate was revoked", all,
           [](const auto& h) { return h.revoked ? 1.0 : 0.0; });
    if (served) {
        served_metric("acmectl_lineage_served_current",
                      "1 when the endpoint serves the current certificate", all,
                      [](const auto& e) { return e.verdict.outcome == Served::current ? 1 : 0; });
        served_metric("acmectl_lineage_served_status",
                      "What the endpoint serves: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN", all,
                      [](const auto& e) { return static_cast<int>(e.verdict.status); });
    }
    if (!fleet.empty()) {
        fleet_metric("acmectl_fleet_node_version", "The version the node serves (0 = none)", fleet,
                     [](const auto& n) { return n.version.value_or(0); });
        fleet_metric("acmectl_fleet_node_lagging",
                     "1 when the node serves an older version for longer than --fleet-lag", fleet,
                     [](const auto& n) { return n.lagging ? 1 : 0; });
    }
}

void print_nagios(const std::vector<LineageHealth>& all, Status overall, const CheckOptions& o) {
    std::cout << "CHECK " << acme::probe::status_name(overall) << " - " << all.size()
              << " lineage(s)";
    for (const auto& h : all) {
        // The finding that set the lineage's status explains it best.
        const auto worst = std::find_if(h.findings.begin(), h.findings.end(),
                                        [&h](const auto& f) { return f.status == h.status; });
        if (h.status != Status::ok && worst != h.findings.end()) {
            std::cout << "; " << h.name << ": " << worst->message;
        }
    }
    std::cout << " |";
    for (const auto& h : all) {
        if (h.days_left) {
            // Days have no monitoring-plugin unit: a bare number ("d" is not one).
            std::cout << " '" << acme::probe::nagios_perf_label(h.name) << "'=" << *h.days_left
                      << ';' << o.warn_days << ';' << o.crit_days;
        }
    }
    std::cout << '\n';
}

int run_check(const GlobalOptions& g, const CheckOptions& o) {
    if (o.crit_days > o.warn_days) {
        throw acme::Error(acme::ErrorKind::usage, "--crit-days " + std::to_string(o.crit_days) +
                                                      " is more than --warn-days " +
                                                      std::to_string(o.warn_days));
    }
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    acme::probe::Thresholds thresholds;
    thresholds.warn_days = o.warn_days;
    thresholds.crit_days = o.crit_days;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto names = o.names;
    names.insert(names.end(), o.flag_names.begin(), o.flag_names.end());
    auto all = acme::ops::check_lineages(store, names, thresholds, now, o.allow_empty);
    if (o.online) {
        StderrLogger log(g);
        acme::ops::check_online(
            store, all, [&g](const std::string& bundle) { return make_transport(g, bundle); }, now,
            log);
    }
    if (o.served) {
        acme::ops::ServedOptions served;
        served.timeout = std::chrono::seconds(o.timeout);
        served.crit_days = o.crit_days;
        acme::ops::check_served(all, store, served, now);
    }
    Fleet fleet;
    if (o.fleet)
        fleet = acme::ops::check_fleet(store, all, std::chrono::seconds(o.fleet_lag), now);
    Status overall = Status::ok;
    for (const auto& h : all) {
        overall = acme::probe::worst(overall, h.status);
    }
    const auto format = g.json ? std::string("json") : o.format;
    if (format == "json") {
        print_json_stream(all, overall, o.fleet ? &fleet : nullptr);
    } else if (format == "prometheus") {
        print_prometheus(all, o.served, fleet);
    } else if (format == "nagios") {
        print_nagios(all, overall, o);
    } else {
        print_text(all, fleet);
    }
    return static_cast<int>(overall);
}

} // namespace

Command setup_check(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<CheckOptions>();
    auto* sub = app.add_subcommand("check", "Check the local store's lineages (for monitoring)");
    sub->add_option("names", o->names, "Lineages to check (default: all)");
    sub->add_option("--name", o->flag_names,
                    "Check this lineage (repeatable; like a positional name, also for one "
                    "that begins with '-')");
    sub->add_option("--warn-days", o->warn_days, "WARNING when fewer days are left")
        ->check(CLI::Range(0, 3650))
        ->capture_default_str();
    sub->add_option("--crit-days", o->crit_days, "CRITICAL when fewer days are left")
        ->check(CLI::Range(0, 3650))
        ->capture_default_str();
    sub->add_flag("--online", o->online,
                  "Also ask the CA: account status, ARI renewal window, revocation (OCSP or CRL)");
    sub->add_option("--format", o->format, "Output format")
        ->check(value_sets::one_of(value_sets::report_formats()))
        ->capture_default_str();
    auto* served = sub->add_flag(
        "--served", o->served, "Also probe each endpoint: does it serve the current certificate?");
    sub->add_option("--timeout", o->timeout, "Seconds each --served probe may take")
        ->check(CLI::Range(1, 300))
        ->capture_default_str()
        ->needs(served);
    auto* fleet = sub->add_flag("--fleet", o->fleet,
                                "Also show which nodes (acmectl sync) serve which version, and "
                                "WARN for a node that lags or failed to deploy (etcd store)");
    sub->add_option("--fleet-lag", o->fleet_lag,
                    "Seconds a node may serve an older version after a renewal before WARNING")
        ->check(CLI::Range(1, 30 * 86400))
        ->capture_default_str()
        ->needs(fleet);
    sub->add_flag("--allow-empty", o->allow_empty,
                  "A store without lineages is OK (default: UNKNOWN, it may be the wrong store)");
    // Monitoring-plugin convention: a check that cannot run is UNKNOWN (3),
    // and Nagios wants its one status line on stdout even then.
    return {sub, [&global, o] {
                try {
                    return run_check(global, *o);
                } catch (const acme::Error& e) {
                    std::cerr << "acmectl: " << e.what() << '\n';
                    if (o->format == "nagios" && !global.json) {
                        std::cout << "CHECK UNKNOWN - " << e.what() << '\n';
                    }
                    return static_cast<int>(Status::unknown);
                }
            }};
}

} // namespace acmectl
