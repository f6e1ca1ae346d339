#include "ops/served_endpoints.hpp"

#include "acme/names.hpp"
#include "common/error.hpp"
#include "probe/target.hpp"

#include <algorithm>

namespace acme::ops {

namespace {

std::vector<std::string> lineage_domains(const nlohmann::json& config) {
    auto it = config.find("domains");
    if (it == config.end() || !it->is_array()) {
        return {};
    }
    std::vector<std::string> out;
    for (const auto& d : *it) {
        if (d.is_string()) {
            out.push_back(d.get<std::string>());
        }
    }
    return out;
}

bool is_wildcard(const std::string& name) {
    return name.rfind("*.", 0) == 0;
}

// The names the server may be asked for: DNS names without wildcards.
std::vector<std::string> sni_candidates(const std::vector<std::string>& domains) {
    std::vector<std::string> out;
    std::copy_if(domains.begin(), domains.end(), std::back_inserter(out),
                 [](const std::string& d) { return !is_wildcard(d) && !probe::is_ip_literal(d); });
    return out;
}

std::string derived_sni(const ServedEndpoint& endpoint, const std::vector<std::string>& names) {
    if (!endpoint.sni.empty()) {
        return endpoint.sni;
    }
    if (std::find(names.begin(), names.end(), endpoint.host) != names.end()) {
        return endpoint.host;
    }
    return names.empty() ? "" : names.front();
}

[[noreturn]] void bad_member(const std::string& why) {
    throw Error(ErrorKind::config, "config.json: endpoints: " + why);
}

ServedEndpoint endpoint_from_json(const nlohmann::json& item) {
    if (!item.is_object() || !item.contains("host") || !item["host"].is_string()) {
        bad_member("an entry has no \"host\" string");
    }
    const auto port = item.value("port", nlohmann::json(443));
    if (!port.is_number_integer()) {
        bad_member("\"port\" is not a number");
    }
    const auto sni = item.value("sni", nlohmann::json(""));
    if (!sni.is_string()) {
        bad_member("\"sni\" is not a string");
    }
    const auto host = item["host"].get<std::string>();
    try {
        return parse_served_endpoint(probe::host_port(host, port.get<int>()),
                                     sni.get<std::string>());
    } catch (const Error& e) {
        bad_member(e.what());
    }
}

// A DNS name to send as SNI, normalised; wildcards and addresses are no server names.
std::string parse_sni(const std::string& sni) {
    Identifier id;
    try {
        id = parse_identifier(sni);
    } catch (const Error& e) {
        throw Error(ErrorKind::usage, "bad endpoint SNI '" + sni + "': " + e.what());
    }
    if (id.type != "dns" || is_wildcard(id.value)) {
        throw Error(ErrorKind::usage,
                    "bad endpoint SNI '" + sni + "': give a DNS name (no wildcard, no address)");
    }
    return id.value;
}

} // namespace

ServedEndpoint parse_served_endpoint(const std::string& text, const std::string& sni) {
    if (text.find('/') != std::string::npos) {
        throw Error(ErrorKind::usage,
                    "bad endpoint '" + text + "': write HOST[:PORT] or [IPV6]:PORT, not a URL");
    }
    probe::ProbeTarget target;
    try {
        target = probe::parse_target(text);
    } catch (const Error& e) {
        const std::string why = e.what();
        const std::string prefix = "bad target";
        throw Error(ErrorKind::usage, why.rfind(prefix, 0) == 0
                                          ? "bad endpoint" + why.substr(prefix.size())
                                          : "bad endpoint '" + text + "': " + why);
    }
    ServedEndpoint endpoint{target.host, target.port, ""};
    if (!sni.empty()) {
        endpoint.sni = parse_sni(sni);
    }
    return endpoint;
}

std::string endpoint_label(const ServedEndpoint& endpoint) {
    return probe::host_port(endpoint.host, endpoint.port);
}

nlohmann::json endpoints_to_json(const std::vector<ServedEndpoint>& endpoints) {
    auto out = nlohmann::json::array();
    for (const auto& e : endpoints) {
        nlohmann::json item = {{"host", e.host}, {"port", e.port}};
        if (!e.sni.empty()) {
            item["sni"] = e.sni;
        }
        out.push_back(item);
    }
    return out;
}

std::vector<ServedEndpoint> endpoints_from_json(const nlohmann::json& list) {
    if (list.is_null()) {
        return {};
    }
    if (!list.is_array()) {
        bad_member("not a list");
    }
    std::vector<ServedEndpoint> out;
    for (const auto& item : list) {
        out.push_back(endpoint_from_json(item));
    }
    return out;
}

std::vector<ServedEndpoint> configured_endpoints(const nlohmann::json& config) {
    auto it = config.find("endpoints");
    return it == config.end() ? std::vector<ServedEndpoint>{} : endpoints_from_json(*it);
}

bool uses_default_endpoints(const nlohmann::json& config) {
    return configured_endpoints(config).empty();
}

std::vector<ServedEndpoint> effective_endpoints(const nlohmann::json& config) {
    const auto names = sni_candidates(lineage_domains(config));
    auto endpoints = configured_endpoints(config);
    if (endpoints.empty()) {
        for (const auto& d : lineage_domains(config)) {
            if (!is_wildcard(d)) {
                endpoints.push_back({d, 443, ""});
            }
        }
    }
    for (auto& e : endpoints) {
        e.sni = derived_sni(e, names);
    }
    return endpoints;
}

} // namespace acme::ops
