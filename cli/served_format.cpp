#include "served_format.hpp"

#include "common/time_format.hpp"

namespace acmectl {

CLI::Option* add_endpoint_flags(CLI::App& app, EndpointFlags& flags) {
    auto* endpoint = app.add_option("--endpoint", flags.endpoints,
                                    "Where the certificate is served, HOST[:PORT] or [V6]:PORT "
                                    "(repeatable; default: each non-wildcard name on 443)");
    app.add_option("--endpoint-sni", flags.sni,
                   "Name sent as SNI to the --endpoint(s) (default: the lineage's name)")
        ->needs(endpoint);
    return endpoint;
}

CLI::Option* add_verify_flags(CLI::App& app, VerifyFlags& flags, const std::string& help) {
    auto* verify = app.add_flag("--verify-served", flags.verify, help);
    app.add_option("--verify-wait", flags.wait, "Seconds --verify-served waits at most")
        ->check(CLI::Range(0, 3600))
        ->capture_default_str()
        ->needs(verify);
    return verify;
}

std::vector<acme::ops::ServedEndpoint> parse_endpoints(const EndpointFlags& flags) {
    std::vector<acme::ops::ServedEndpoint> out;
    for (const auto& text : flags.endpoints) {
        out.push_back(acme::ops::parse_served_endpoint(text, flags.sni));
    }
    return out;
}

nlohmann::json endpoint_json(const acme::ops::ServedEndpoint& e) {
    return {{"endpoint", acme::ops::endpoint_label(e)},
            {"host", e.host},
            {"port", e.port},
            {"sni", e.sni.empty() ? nlohmann::json() : nlohmann::json(e.sni)}};
}

nlohmann::json served_json(const std::vector<acme::ops::ServedEndpointReport>& reports) {
    auto out = nlohmann::json::array();
    for (const auto& r : reports) {
        auto item = endpoint_json(r.endpoint);
        item["outcome"] = acme::ops::to_string(r.verdict.outcome);
        item["status"] = acme::probe::status_name(r.verdict.status);
        item["version"] = r.verdict.version ? nlohmann::json(*r.verdict.version) : nlohmann::json();
        item["sha256"] = r.sha256_hex.empty() ? nlohmann::json() : nlohmann::json(r.sha256_hex);
        item["not_after"] =
            r.not_after ? nlohmann::json(acme::iso8601_utc(*r.not_after)) : nlohmann::json();
        item["message"] = r.verdict.message;
        out.push_back(item);
    }
    return out;
}

std::string served_line(const acme::ops::ServedEndpointReport& r) {
    const std::string sni = r.endpoint.sni.empty() ? "" : " (sni " + r.endpoint.sni + ")";
    return r.label + sni + ": " + std::string(acme::ops::to_string(r.verdict.outcome)) + ", " +
           r.verdict.message;
}

nlohmann::json hooks_json(const std::vector<acme::ops::HookReport>& hooks) {
    auto out = nlohmann::json::array();
    for (const auto& h : hooks) {
        out.push_back({{"command", h.hook},
                       {"ok", h.ok},
                       {"exit_code", h.exit_code},
                       {"duration_ms", h.duration.count()},
                       {"error", h.error.empty() ? nlohmann::json() : nlohmann::json(h.error)}});
    }
    return out;
}

} // namespace acmectl
