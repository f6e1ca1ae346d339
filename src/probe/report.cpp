#include "probe/report.hpp"

namespace acme::probe {

namespace {

int severity(Status status) {
    switch (status) {
    case Status::ok: return 0;
    case Status::warning: return 1;
    case Status::unknown: return 2;
    case Status::critical: return 3;
    }
    return 2;
}

bool is_local_failure(const std::string& kind) {
    return kind == error_kind::io || kind == error_kind::certificate ||
           kind == error_kind::internal;
}

} // namespace

std::string_view status_name(Status status) {
    switch (status) {
    case Status::ok: return "OK";
    case Status::warning: return "WARNING";
    case Status::critical: return "CRITICAL";
    case Status::unknown: return "UNKNOWN";
    }
    return "UNKNOWN";
}

long long days_left(crypto::SysSeconds not_after, crypto::SysSeconds now) {
    // Truncated toward zero, as `(not_after - now) / 86400` in a shell: a
    // certificate that expired 10.5 days ago has -10 days left, not -11.
    const auto left = std::chrono::duration_cast<std::chrono::days>(not_after - now);
    return static_cast<long long>(left.count());
}

Status classify(const ProbeResult& result, crypto::SysSeconds now, const Thresholds& thresholds) {
    if (!result.ok) {
        return is_local_failure(result.error_kind) ? Status::unknown : Status::critical;
    }
    const long long days = days_left(result.leaf.not_after, now);
    if (days < thresholds.crit_days || result.leaf.not_after <= now) {
        return Status::critical;
    }
    if (thresholds.require_verified && !result.verified) {
        return Status::critical;
    }
    return days < thresholds.warn_days ? Status::warning : Status::ok;
}

Status worst(Status a, Status b) { return severity(a) >= severity(b) ? a : b; }

std::string prometheus_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

std::string nagios_perf_label(std::string_view label) {
    std::string out;
    out.reserve(label.size());
    for (const char c : label) {
        if (c == '\'') {
            out += "''";
        } else if (c == '=' || c == '\n' || c == '\r') {
            out += '_';
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace acme::probe
