// What check, renew and deploy-hook share about served endpoints: the
// --endpoint and --verify-served flags, and how endpoint reports print.
#pragma once

#include "ops/deploy_lineage.hpp"
#include "ops/served_probe.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acmectl {

struct EndpointFlags {
    std::vector<std::string> endpoints; // --endpoint HOST[:PORT]
    std::string sni;                    // --endpoint-sni NAME
};

struct VerifyFlags {
    bool verify = false; // --verify-served
    int wait = static_cast<int>(acme::ops::k_default_verify_wait.count());
};

// Adds --endpoint (repeatable) and --endpoint-sni; returns the --endpoint option.
CLI::Option* add_endpoint_flags(CLI::App& app, EndpointFlags& flags);
// Adds --verify-served (described by help) and --verify-wait; returns --verify-served.
CLI::Option* add_verify_flags(CLI::App& app, VerifyFlags& flags, const std::string& help);
// The parsed --endpoint values. Throws acme::Error(usage) naming a bad one.
std::vector<acme::ops::ServedEndpoint> parse_endpoints(const EndpointFlags& flags);

// The deploy steps' reports, as renew and issue print them in --json.
nlohmann::json hooks_json(const std::vector<acme::ops::HookReport>& hooks);
nlohmann::json endpoint_json(const acme::ops::ServedEndpoint& endpoint);
nlohmann::json served_json(const std::vector<acme::ops::ServedEndpointReport>& reports);
// "127.0.0.1:8443 (sni a.example): current, serves the current certificate (version 2)"
std::string served_line(const acme::ops::ServedEndpointReport& report);

} // namespace acmectl
