#include "ops/served_probe.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "crypto/x509.hpp"
#include "probe/probe.hpp"
#include "store/atomic_file.hpp"

#include <algorithm>
#include <sys/stat.h>

namespace acme::ops {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds k_poll_interval{500};
constexpr milliseconds k_max_probe_timeout{10000};

SysSeconds now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::optional<VersionPrint> read_print(const store::Store& store, const std::string& name,
                                       int version) {
    try {
        const auto pem = store::read_file(store.version_dir(name, version) / "cert.pem", 1 << 20);
        const auto info = crypto::read_certificate(pem);
        return VersionPrint{version, info.sha256_hex, info.not_after};
    } catch (const Error&) {
        return std::nullopt; // a broken old version only means it cannot be recognised
    }
}

SysSeconds made_at(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        return now();
    }
    return SysSeconds(std::chrono::seconds(st.st_mtime));
}

probe::ProbeTarget target_of(const ServedEndpoint& e) {
    probe::ProbeTarget t;
    t.input = endpoint_label(e);
    t.host = e.host;
    t.port = e.port;
    t.port_explicit = true;
    t.sni = e.sni;
    return t;
}

ServedEndpointReport report_of(const ServedEndpoint& e, const probe::ProbeResult& result,
                               const LineagePrints& prints, SysSeconds at, int crit_days) {
    ServedEndpointReport r{e, endpoint_label(e), classify_served(result, prints, at, crit_days), "",
                           std::nullopt};
    if (result.ok) {
        r.sha256_hex = result.leaf.sha256_hex;
        r.not_after = result.leaf.not_after;
    }
    return r;
}

// One lineage ready to probe: its endpoints and fingerprints.
struct Prepared {
    ServedLineage out;
    std::vector<ServedEndpoint> endpoints;
    LineagePrints prints;
};

Prepared prepare(const store::Store& store, const std::string& name) {
    Prepared p;
    p.out.name = name;
    try {
        p.endpoints = effective_endpoints(store.read_config(name));
        if (p.endpoints.empty()) {
            p.out.error = "no endpoints (its names are all wildcards): set them with "
                          "acmectl deploy-hook " +
                          name + " --endpoint HOST[:PORT]";
            return p;
        }
        p.prints = read_lineage_prints(store, name);
    } catch (const Error& e) {
        p.out.error = e.what();
        p.endpoints.clear();
    }
    return p;
}

// Probes the endpoints of every lineage at once and classifies what each serves.
std::vector<ServedLineage> probe_prepared(std::vector<Prepared> lineages,
                                          const ServedOptions& options, SysSeconds at) {
    std::vector<probe::ProbeTarget> targets;
    for (const auto& p : lineages) {
        std::transform(p.endpoints.begin(), p.endpoints.end(), std::back_inserter(targets),
                       target_of);
    }
    probe::ProbeOptions probe_options;
    probe_options.timeout = options.timeout;
    const auto results = probe::probe_all(targets, probe_options);
    std::vector<ServedLineage> out;
    std::size_t next = 0;
    for (auto& p : lineages) {
        for (const auto& e : p.endpoints) {
            p.out.endpoints.push_back(
                report_of(e, results[next++], p.prints, at, options.crit_days));
        }
        out.push_back(std::move(p.out));
    }
    return out;
}

bool all_current(const std::vector<ServedEndpointReport>& reports) {
    return std::all_of(reports.begin(), reports.end(), [](const ServedEndpointReport& r) {
        return r.verdict.outcome == Served::current;
    });
}

std::string failure_message(const std::vector<ServedEndpointReport>& reports,
                            std::chrono::seconds wait) {
    std::string out;
    for (const auto& r : reports) {
        if (r.verdict.outcome != Served::current) {
            out += (out.empty() ? "" : "; ") + r.label + " " + r.verdict.message;
        }
    }
    return "not served after " + std::to_string(wait.count()) + " s: " + out;
}

} // namespace

LineagePrints read_lineage_prints(const store::Store& store, const std::string& name) {
    const auto current = store.current_version(name);
    if (!current) {
        throw Error(ErrorKind::config, name + " has no current certificate");
    }
    LineagePrints prints;
    prints.current = *current;
    const auto cert = store.version_dir(name, *current) / "cert.pem";
    prints.current_made = made_at(cert);
    for (const int v : store.versions(name)) {
        if (auto print = read_print(store, name, v)) {
            prints.versions.push_back(*print);
        } else if (v == *current) {
            throw Error(ErrorKind::config, "cannot read " + cert.string());
        }
    }
    return prints;
}

std::vector<ServedLineage> probe_served(const store::Store& store,
                                        const std::vector<std::string>& names,
                                        const ServedOptions& options, SysSeconds at) {
    std::vector<Prepared> lineages;
    for (const auto& name : names) {
        lineages.push_back(prepare(store, name));
    }
    return probe_prepared(std::move(lineages), options, at);
}

VerifyResult verify_served(const store::Store& store, const std::string& name,
                           std::chrono::seconds wait, Logger& log) {
    const Prepared lineage = prepare(store, name);
    if (!lineage.out.error.empty()) {
        return {false, lineage.out.error, {}};
    }
    const auto deadline = Clock::now() + wait;
    for (int round = 1;; ++round) {
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        ServedOptions options;
        options.timeout = std::clamp(left, milliseconds(1000), k_max_probe_timeout);
        auto reports = std::move(probe_prepared({lineage}, options, now()).front().endpoints);
        if (all_current(reports)) {
            log.info(name + ": every endpoint serves version " +
                     std::to_string(lineage.prints.current));
            return {true, "", std::move(reports)};
        }
        if (Clock::now() >= deadline || round >= 10000) { // a net: the deadline ends it
            return {false, failure_message(reports, wait), std::move(reports)};
        }
        log.debug(name + ": round " + std::to_string(round) + ": not yet served everywhere");
        interrupt::sleep_for(std::min<Clock::duration>(k_poll_interval, deadline - Clock::now()));
    }
}

} // namespace acme::ops
