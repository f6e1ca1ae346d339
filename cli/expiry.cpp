// acmectl expiry: probe remote TLS endpoints (or read certificate files) and
// say how long their certificates last, with monitoring-plugin exit codes.
#include "commands.hpp"
#include "common/error.hpp"
#include "expiry_format.hpp"
#include "probe/probe.hpp"
#include "probe/report.hpp"
#include "probe/target.hpp"
#include "value_sets.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace acmectl {

namespace {

namespace probe = acme::probe;

struct ExpiryOptions {
    std::vector<std::string> targets;
    std::vector<std::string> lists;
    std::vector<std::string> certs;
    std::string sni;
    std::string connect_to;
    std::string starttls;
    std::string format = "text";
    double timeout = 10;
    int concurrency = 32;
    int warn_days = 21;
    int crit_days = 7;
};

std::string read_target_list(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw acme::Error(acme::ErrorKind::usage,
                          "cannot read target list " + path + ": " + std::strerror(errno));
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The targets of the command line and of -f files, with --sni, --connect-to
// and --starttls applied. Throws Error(usage) for any malformed one.
std::vector<probe::ProbeTarget> build_targets(const ExpiryOptions& o) {
    probe::TargetOverrides overrides;
    overrides.sni = o.sni;
    overrides.connect_to = o.connect_to;
    if (!o.starttls.empty()) {
        overrides.starttls = probe::parse_starttls(o.starttls).value(); // CLI11 checked it
    }
    std::vector<std::string> inputs = o.targets;
    for (const auto& path : o.lists) {
        for (auto& line : probe::target_lines(read_target_list(path))) {
            inputs.push_back(std::move(line));
        }
    }
    std::vector<probe::ProbeTarget> targets;
    targets.reserve(inputs.size());
    for (const auto& input : inputs) {
        targets.push_back(probe::apply_overrides(probe::parse_target(input), overrides));
    }
    return targets;
}

void check_request(const ExpiryOptions& o, const std::vector<probe::ProbeTarget>& targets) {
    if (targets.empty() && o.certs.empty()) {
        throw acme::Error(acme::ErrorKind::usage,
                          "nothing to check: give HOST[:PORT] targets, -f FILE or --cert FILE");
    }
    if (o.crit_days > o.warn_days) {
        throw acme::Error(acme::ErrorKind::usage, "--crit-days " + std::to_string(o.crit_days) +
                                                      " is more than --warn-days " +
                                                      std::to_string(o.warn_days));
    }
}

std::vector<probe::ProbeResult> collect(const GlobalOptions& g, const ExpiryOptions& o) {
    const auto targets = build_targets(o);
    check_request(o, targets);
    probe::ProbeOptions options;
    options.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout * 1000.0));
    options.concurrency = o.concurrency;
    options.ca_bundle = g.ca_bundle;
    std::vector<probe::ProbeResult> results;
    if (!targets.empty()) {
        results = probe::probe_all(targets, options);
    }
    if (!o.certs.empty()) {
        auto files = probe::inspect_files(o.certs, o.sni, options);
        std::move(files.begin(), files.end(), std::back_inserter(results));
    }
    return results;
}

std::string output_format(const GlobalOptions& g, const ExpiryOptions& o) {
    return g.json && o.format == "text" ? "json" : o.format;
}

void print(const std::string& format, const ExpiryReport& report) {
    if (format == "json") {
        print_json_lines(std::cout, report);
    } else if (format == "prometheus") {
        print_prometheus(std::cout, report);
    } else if (format == "nagios") {
        print_nagios(std::cout, report);
    } else {
        print_table(std::cout, report);
    }
    std::cout.flush();
}

int run_expiry(const GlobalOptions& g, const ExpiryOptions& o) {
    const std::string format = output_format(g, o);
    std::vector<probe::ProbeResult> results;
    try {
        results = collect(g, o);
    } catch (const acme::Error& e) {
        // Monitoring-plugin convention: a check that cannot run is UNKNOWN.
        if (format == "nagios") {
            std::cout << "EXPIRY UNKNOWN - " << e.what() << std::endl;
        }
        std::cerr << "acmectl: " << e.what() << '\n';
        return static_cast<int>(probe::Status::unknown);
    }
    probe::Thresholds thresholds;
    thresholds.warn_days = o.warn_days;
    thresholds.crit_days = o.crit_days;
    thresholds.require_verified = !g.insecure;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    ExpiryReport report = make_report(results, now, thresholds);
    if (g.quiet && format == "text") {
        // -q: a table of the targets that need attention only (cron mails nothing when all is
        // well).
        std::erase_if(report.rows,
                      [](const ExpiryRow& r) { return r.status == probe::Status::ok; });
        if (report.rows.empty()) {
            return static_cast<int>(report.overall);
        }
    }
    print(format, report);
    return static_cast<int>(report.overall);
}

} // namespace

Command setup_expiry(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<ExpiryOptions>();
    auto* sub = app.add_subcommand(
        "expiry", "Probe TLS servers (or read certificate files) and report when certificates "
                  "expire; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    sub->add_option("targets", o->targets,
                    "HOST, HOST:PORT, [IPv6]:PORT or https://HOST[:PORT]/... (port 443)");
    sub->add_option("-f,--file", o->lists,
                    "Read targets from FILE, one a line (# comments, blank lines ignored)");
    sub->add_option("--cert", o->certs,
                    "Read these PEM or DER certificate files instead of "
                    "probing (the rest of a PEM file is the chain)");
    sub->add_option("--sni", o->sni, "Server name to send and verify (default: the host)");
    sub->add_option("--connect-to", o->connect_to,
                    "Connect to ADDR[:PORT] instead, sending the target's name as SNI");
    sub->add_option("--starttls", o->starttls, "Upgrade a plaintext protocol first")
        ->check(value_sets::one_of(value_sets::starttls_protocols()));
    sub->add_option("--timeout", o->timeout,
                    "Seconds per target for DNS, connect, STARTTLS and handshake")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    sub->add_option("--concurrency", o->concurrency, "Targets probed at the same time")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    sub->add_option("--warn-days", o->warn_days, "WARNING when fewer days are left")
        ->check(CLI::Range(0, 36500))
        ->capture_default_str();
    sub->add_option("--crit-days", o->crit_days, "CRITICAL when fewer days are left")
        ->check(CLI::Range(0, 36500))
        ->capture_default_str();
    sub->add_option("--format", o->format,
                    "Output: a table, JSON lines (as --json), "
                    "Prometheus text format or one Nagios plugin line")
        ->check(value_sets::one_of(value_sets::report_formats()))
        ->capture_default_str();
    return {sub, [&global, o] { return run_expiry(global, *o); }};
}

} // namespace acmectl
