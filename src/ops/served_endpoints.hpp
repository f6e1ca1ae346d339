// Where a lineage's certificate is served (config.json "endpoints"), for
// `check --served` and `renew --verify-served`. Pure: parsing, defaults and
// the JSON form; no network, no store.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acme::ops {

struct ServedEndpoint {
    std::string host; // DNS name or IP literal (IPv6 without brackets)
    int port = 443;
    std::string sni; // name sent in the handshake; "" = derived (see effective_endpoints)
    bool operator==(const ServedEndpoint&) const = default;
};

// Parses "HOST", "HOST:PORT" or "[V6]:PORT" with the `expiry` target parser
// (port 443 when absent) and checks sni (empty, or a DNS name). Throws
// Error(usage) naming the input.
ServedEndpoint parse_served_endpoint(const std::string& text, const std::string& sni = "");

// "host:port", brackets around IPv6.
std::string endpoint_label(const ServedEndpoint& endpoint);

// config.json "endpoints": [{"host": ..., "port": ..., "sni": ...}] (sni
// omitted when empty). Reading throws Error(config) for a malformed member.
nlohmann::json endpoints_to_json(const std::vector<ServedEndpoint>& endpoints);
std::vector<ServedEndpoint> endpoints_from_json(const nlohmann::json& list);
// The endpoints stored in a lineage's config.json (empty when none are set).
std::vector<ServedEndpoint> configured_endpoints(const nlohmann::json& config);

// The endpoints to probe, each with the SNI to send: the configured ones, or
// by default every non-wildcard name of the lineage on port 443. An endpoint
// without its own SNI gets its host when that is one of the lineage's DNS
// names, else the first non-wildcard DNS name (none for a lineage of only
// wildcards and addresses). Throws Error(config) for malformed endpoints.
std::vector<ServedEndpoint> effective_endpoints(const nlohmann::json& config);
// True when config.json sets no endpoints (effective_endpoints gives the defaults).
bool uses_default_endpoints(const nlohmann::json& config);

} // namespace acme::ops
