// Turning probe results into monitoring verdicts, and the escaping rules of
// the formats they are printed in. Pure functions, no printing.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "probe/probe.hpp"

namespace acme::probe {

// Monitoring-plugin states; the values are the plugin exit codes.
enum class Status { ok = 0, warning = 1, critical = 2, unknown = 3 };

struct Thresholds {
    int warn_days = 21;            // WARNING when fewer days are left
    int crit_days = 7;             // CRITICAL when fewer days are left
    bool require_verified = true;  // an unverified chain is CRITICAL
};

// "OK", "WARNING", "CRITICAL", "UNKNOWN".
std::string_view status_name(Status status);
// Whole days from now until not_after, truncated toward zero (negative once
// a day has passed since expiry; see classify for the exact boundaries).
long long days_left(crypto::SysSeconds not_after, crypto::SysSeconds now);
// A certificate with days_left < crit_days (or expired) is CRITICAL, with
// days_left < warn_days WARNING. An unreachable target or an unverified
// chain is CRITICAL; a local file that cannot be read is UNKNOWN.
Status classify(const ProbeResult& result, crypto::SysSeconds now, const Thresholds& thresholds);
// The status to report for several: CRITICAL > UNKNOWN > WARNING > OK.
Status worst(Status a, Status b);

// A Prometheus label value inside double quotes: backslash, double quote and
// line feed escaped as \\, \" and \n (text exposition format 0.0.4).
std::string prometheus_label_value(std::string_view value);
// A Nagios perfdata label inside single quotes: ' doubled, '=' and line
// breaks replaced by '_' (plugin guidelines, "Performance data").
std::string nagios_perf_label(std::string_view label);

} // namespace acme::probe
