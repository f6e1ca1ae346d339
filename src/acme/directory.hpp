// The ACME directory (RFC 8555 §7.1.1), with renewalInfo (RFC 9773) and the
// profiles extension when the CA offers them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace acme {

struct Directory {
    std::string url;
    std::string new_nonce;
    std::string new_account;
    std::string new_order;
    std::string revoke_cert;  // "" when absent
    std::string key_change;   // "" when absent
    std::string renewal_info; // "" when the CA has no ARI
    std::string terms_of_service;
    std::string website;
    bool external_account_required = false;
    nlohmann::json profiles = nlohmann::json::object(); // name -> description
};

// Throws Error(protocol) when the body is not a directory (required URLs
// missing, not https, wrong member types).
Directory parse_directory(const std::string& body, const std::string& url);

} // namespace acme
