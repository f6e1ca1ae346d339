#include "expiry_format.hpp"

#include "common/time_format.hpp"

#include <algorithm>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

namespace acmectl {

namespace {

using acme::probe::ProbeResult;
using acme::probe::Status;
using acme::probe::status_name;

constexpr size_t k_nagios_reasons = 10; // non-OK targets named on the plugin line

nlohmann::json or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

long long days_of(const ProbeResult& r, const ExpiryReport& report) {
    return acme::probe::days_left(r.leaf.not_after, report.now);
}

std::string plural_days(long long days) {
    return std::to_string(days) + (days == 1 || days == -1 ? " day" : " days");
}

// Why a row has its status, in a few words.
std::string reason(const ExpiryRow& row, const ExpiryReport& report) {
    const ProbeResult& r = *row.result;
    if (!r.ok) {
        return r.error_kind + ": " + r.error;
    }
    const long long days = days_of(r, report);
    std::string text = days > 0                        ? "expires in " + plural_days(days)
                       : days < 0                      ? "expired " + plural_days(-days) + " ago"
                       : r.leaf.not_after > report.now ? "expires within a day"
                                                       : "expired less than a day ago";
    if (!r.verified) {
        text += "; not verified: " + r.verify_error;
    }
    return text;
}

std::string label_of(const ProbeResult& r) {
    return r.target.input;
}

nlohmann::json certificate_json(const ProbeResult& r, const ExpiryReport& report) {
    nlohmann::json j;
    j["subject"] = r.leaf.subject;
    j["sans"] = r.leaf.sans;
    j["issuer"] = r.leaf.issuer;
    j["serial"] = r.leaf.serial_hex;
    j["not_before"] = acme::iso8601_utc(r.leaf.not_before);
    j["not_after"] = acme::iso8601_utc(r.leaf.not_after);
    j["days_left"] = days_of(r, report);
    j["chain_earliest_not_after"] =
        r.chain_earliest_not_after ? nlohmann::json(acme::iso8601_utc(*r.chain_earliest_not_after))
                                   : nlohmann::json(nullptr);
    j["sha256"] = r.leaf.sha256_hex;
    return j;
}

nlohmann::json row_json(const ExpiryRow& row, const ExpiryReport& report) {
    const ProbeResult& r = *row.result;
    const bool remote = r.file.empty();
    nlohmann::json j = {{"target", r.target.input},
                        {"host", remote ? nlohmann::json(r.target.host) : nullptr},
                        {"port", remote ? nlohmann::json(r.target.port) : nullptr},
                        {"sni", or_null(r.target.sni)},
                        {"file", or_null(r.file)},
                        {"address", or_null(r.address)},
                        {"ok", r.ok},
                        {"error_kind", or_null(r.error_kind)},
                        {"error", or_null(r.error)}};
    for (const char* key : {"subject", "sans", "issuer", "serial", "not_before", "not_after",
                            "days_left", "chain_earliest_not_after", "sha256"}) {
        j[key] = nullptr;
    }
    if (r.ok) {
        j.update(certificate_json(r, report));
    }
    j["verified"] = r.verified;
    j["verify_error"] = or_null(r.verify_error);
    j["tls_version"] = or_null(r.tls_version);
    j["duration_ms"] = r.duration.count();
    j["status"] = status_name(row.status);
    return j;
}

std::string labels(const ProbeResult& r) {
    return "{target=\"" + acme::probe::prometheus_label_value(label_of(r)) + "\",sni=\"" +
           acme::probe::prometheus_label_value(r.target.sni) + "\"}";
}

struct Metric {
    const char* name;
    const char* help;
    bool certificate_only; // only for rows that yielded a certificate
    double (*value)(const ExpiryRow&);
};

double seconds_since_epoch(acme::crypto::SysSeconds when) {
    return static_cast<double>(when.time_since_epoch().count());
}

const Metric k_metrics[] = {
    {"acmectl_probe_success", "Whether a certificate was obtained from the target (1) or not (0).",
     false, [](const ExpiryRow& row) { return row.result->ok ? 1.0 : 0.0; }},
    {"acmectl_probe_duration_seconds", "How long probing the target took, in seconds.", false,
     [](const ExpiryRow& row) {
         return static_cast<double>(row.result->duration.count()) / 1000.0;
     }},
    {"acmectl_cert_not_after_timestamp_seconds",
     "The leaf certificate's notAfter, in seconds since the Unix epoch.", true,
     [](const ExpiryRow& row) { return seconds_since_epoch(row.result->leaf.not_after); }},
    {"acmectl_cert_chain_earliest_not_after_timestamp_seconds",
     "The earliest notAfter of the verified chain (leaf included), in seconds since the Unix "
     "epoch.",
     true,
     [](const ExpiryRow& row) {
         const auto& r = *row.result;
         return seconds_since_epoch(r.chain_earliest_not_after.value_or(r.leaf.not_after));
     }},
    {"acmectl_cert_verified",
     "Whether the chain verifies to a trusted root for the name (1) or not (0).", true,
     [](const ExpiryRow& row) { return row.result->verified ? 1.0 : 0.0; }},
    {"acmectl_expiry_status", "Monitoring status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", false,
     [](const ExpiryRow& row) { return static_cast<double>(static_cast<int>(row.status)); }},
};

std::string number(double value) {
    std::ostringstream out;
    out << std::setprecision(15) << value;
    return out.str();
}

// The plugin line's text may not hold '|' (it starts the perfdata) or line breaks.
std::string plugin_text(std::string text) {
    std::replace(text.begin(), text.end(), '|', '/');
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::replace(text.begin(), text.end(), '\r', ' ');
    return text;
}

std::string nagios_summary(const ExpiryReport& report) {
    size_t counts[4] = {0, 0, 0, 0};
    std::vector<std::string> reasons;
    for (const auto& row : report.rows) {
        ++counts[static_cast<int>(row.status)];
        if (row.status != Status::ok) {
            reasons.push_back(label_of(*row.result) + " " + reason(row, report));
        }
    }
    std::string text = std::to_string(counts[2]) + " critical, " + std::to_string(counts[1]) +
                       " warning, " + std::to_string(counts[3]) + " unknown, " +
                       std::to_string(counts[0]) + " ok";
    for (size_t i = 0; i < reasons.size() && i < k_nagios_reasons; ++i) {
        text += (i == 0 ? ": " : "; ") + reasons[i];
    }
    if (reasons.size() > k_nagios_reasons) {
        text += "; and " + std::to_string(reasons.size() - k_nagios_reasons) + " more";
    }
    return plugin_text(text);
}

} // namespace

ExpiryReport make_report(const std::vector<ProbeResult>& results, acme::crypto::SysSeconds now,
                         const acme::probe::Thresholds& thresholds) {
    ExpiryReport report{{}, now, thresholds, Status::ok};
    for (const auto& r : results) {
        const Status status = acme::probe::classify(r, now, thresholds);
        report.rows.push_back({&r, status});
        report.overall = acme::probe::worst(report.overall, status);
    }
    return report;
}

void print_table(std::ostream& out, const ExpiryReport& report) {
    size_t width = 6;
    for (const auto& row : report.rows) {
        width = std::max(width, label_of(*row.result).size());
    }
    out << std::left << std::setw(10) << "STATUS" << std::setw(static_cast<int>(width) + 2)
        << "TARGET" << std::right << std::setw(5) << "DAYS"
        << "  " << std::left << std::setw(22) << "NOT AFTER"
        << "DETAIL\n";
    for (const auto& row : report.rows) {
        const ProbeResult& r = *row.result;
        const std::string days = r.ok ? std::to_string(days_of(r, report)) : "-";
        const std::string until = r.ok ? acme::iso8601_utc(r.leaf.not_after) : "-";
        std::string detail = reason(row, report);
        if (r.ok && row.status == Status::ok) {
            detail += ", issuer " + (r.leaf.issuer_cn.empty() ? r.leaf.issuer : r.leaf.issuer_cn);
        }
        out << std::left << std::setw(10) << status_name(row.status)
            << std::setw(static_cast<int>(width) + 2) << label_of(r) << std::right << std::setw(5)
            << days << "  " << std::left << std::setw(22) << until << detail << '\n';
    }
}

void print_json_lines(std::ostream& out, const ExpiryReport& report) {
    for (const auto& row : report.rows) {
        out << row_json(row, report).dump() << '\n';
    }
}

void print_prometheus(std::ostream& out, const ExpiryReport& report) {
    for (const Metric& metric : k_metrics) {
        out << "# HELP " << metric.name << ' ' << metric.help << '\n'
            << "# TYPE " << metric.name << " gauge\n";
        for (const auto& row : report.rows) {
            if (!metric.certificate_only || row.result->ok) {
                out << metric.name << labels(*row.result) << ' ' << number(metric.value(row))
                    << '\n';
            }
        }
    }
}

void print_nagios(std::ostream& out, const ExpiryReport& report) {
    out << "EXPIRY " << status_name(report.overall) << " - " << nagios_summary(report);
    std::string perfdata;
    for (const auto& row : report.rows) {
        if (row.result->ok) {
            perfdata += " '" + acme::probe::nagios_perf_label(label_of(*row.result)) +
                        "'=" + std::to_string(days_of(*row.result, report)) + ";" +
                        std::to_string(report.thresholds.warn_days) + ";" +
                        std::to_string(report.thresholds.crit_days);
        }
    }
    if (!perfdata.empty()) {
        out << " |" << perfdata;
    }
    out << '\n';
}

} // namespace acmectl
