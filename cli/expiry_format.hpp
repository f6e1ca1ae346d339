// How `acmectl expiry` prints its results: a table for people, JSON lines,
// the Prometheus text exposition format, or one Nagios plugin line.
#pragma once

#include <ostream>
#include <vector>

#include "probe/probe.hpp"
#include "probe/report.hpp"

namespace acmectl {

struct ExpiryRow {
    const acme::probe::ProbeResult* result = nullptr;
    acme::probe::Status status = acme::probe::Status::unknown;
};

struct ExpiryReport {
    std::vector<ExpiryRow> rows;
    acme::crypto::SysSeconds now;
    acme::probe::Thresholds thresholds;
    acme::probe::Status overall = acme::probe::Status::ok;
};

// Classifies every result at `now`; overall is the worst status (OK when empty).
ExpiryReport make_report(const std::vector<acme::probe::ProbeResult>& results,
                         acme::crypto::SysSeconds now, const acme::probe::Thresholds& thresholds);

void print_table(std::ostream& out, const ExpiryReport& report);
void print_json_lines(std::ostream& out, const ExpiryReport& report);
void print_prometheus(std::ostream& out, const ExpiryReport& report);
void print_nagios(std::ostream& out, const ExpiryReport& report);

} // namespace acmectl
