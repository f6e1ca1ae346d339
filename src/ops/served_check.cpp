#include "ops/served_check.hpp"

#include <algorithm>

namespace acme::ops {

namespace {

using probe::Status;

const VersionPrint* find_print(const LineagePrints& prints, const std::string& sha256_hex) {
    const auto it = std::find_if(prints.versions.begin(), prints.versions.end(),
                                 [&](const VersionPrint& v) { return v.sha256_hex == sha256_hex; });
    return it == prints.versions.end() ? nullptr : &*it;
}

ServedVerdict previous(const VersionPrint& served, const LineagePrints& prints, SysSeconds now,
                       int crit_days) {
    ServedVerdict v{Served::previous, Status::warning, served.version, ""};
    const auto age = std::max(std::chrono::seconds(0), now - prints.current_made);
    v.message = "serves version " + std::to_string(served.version) + ", not the current version " +
                std::to_string(prints.current) + " made " + age_text(age) + " ago: reload missing?";
    const long long days = probe::days_left(served.not_after, now);
    if (served.not_after <= now || days < crit_days) {
        v.status = Status::critical;
        v.message += served.not_after <= now
                         ? " It has expired."
                         : " It expires in " + std::to_string(days) + " day(s).";
    }
    return v;
}

} // namespace

std::string_view to_string(Served served) {
    switch (served) {
    case Served::current:
        return "current";
    case Served::previous:
        return "previous";
    case Served::foreign:
        return "foreign";
    case Served::unreachable:
        return "unreachable";
    }
    return "unreachable";
}

ServedVerdict classify_served(const probe::ProbeResult& result, const LineagePrints& prints,
                              SysSeconds now, int crit_days) {
    if (!result.ok) {
        return {Served::unreachable, Status::unknown, std::nullopt, "unreachable: " + result.error};
    }
    const VersionPrint* match = find_print(prints, result.leaf.sha256_hex);
    if (match != nullptr && match->version == prints.current) {
        return {Served::current, Status::ok, match->version,
                "serves the current certificate (version " + std::to_string(match->version) + ")"};
    }
    if (match != nullptr) {
        return previous(*match, prints, now, crit_days);
    }
    return {Served::foreign, Status::warning, std::nullopt,
            "serves a certificate that is not from this lineage (subject " + result.leaf.subject +
                ", issuer " + result.leaf.issuer + ")"};
}

std::string age_text(std::chrono::seconds age) {
    const long long s = age.count();
    if (s < 120) {
        return std::to_string(s) + "s";
    }
    if (s < 120 * 60) {
        return std::to_string(s / 60) + "m";
    }
    if (s < 48 * 3600) {
        return std::to_string(s / 3600) + "h";
    }
    return std::to_string(s / 86400) + "d";
}

} // namespace acme::ops
