// Is a server serving the lineage's current certificate? Classifies the leaf
// a probe saw against the lineage's versions by SHA-256 fingerprint. Pure: the
// fingerprints are read and the endpoints probed in served_probe.cpp.
#pragma once

#include "probe/probe.hpp"
#include "probe/report.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acme::ops {

using SysSeconds = std::chrono::sys_seconds;

// current: the certificate of current/; previous: another version of this
// lineage (a reload that did not happen); foreign: a certificate this lineage
// never had; unreachable: no certificate could be read from the endpoint.
enum class Served { current, previous, foreign, unreachable };
std::string_view to_string(Served served);

struct VersionPrint {
    int version = 0;
    std::string sha256_hex; // of the leaf's DER, lower-case
    SysSeconds not_after;
};

// What the lineage has on disk: its versions and which one is current.
struct LineagePrints {
    int current = 0;
    SysSeconds current_made; // when the current version was written
    std::vector<VersionPrint> versions;
};

struct ServedVerdict {
    Served outcome = Served::unreachable;
    probe::Status status = probe::Status::unknown;
    std::optional<int> version; // the lineage's version served (current or previous)
    std::string message;        // one line, without the endpoint
};

// current is OK; previous is WARNING ("reload missing?", with how long ago
// the current version was made), CRITICAL once the served certificate has
// fewer than crit_days days left; foreign is WARNING; unreachable UNKNOWN.
ServedVerdict classify_served(const probe::ProbeResult& result, const LineagePrints& prints,
                              SysSeconds now, int crit_days);

// "45s", "12m", "3h", "5d": a short age for messages.
std::string age_text(std::chrono::seconds age);

} // namespace acme::ops
