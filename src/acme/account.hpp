// Account objects (RFC 8555 §7.3): newAccount, with onlyReturnExisting and
// External Account Binding (§7.3.4).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "acme/client.hpp"

namespace acme {

struct EabCredentials {
    std::string kid;
    std::string hmac_key; // base64url, as the CA hands it out
};

struct NewAccountRequest {
    std::vector<std::string> contact; // "mailto:..." URIs
    bool terms_agreed = false;
    bool only_return_existing = false;
    std::optional<EabCredentials> eab;
};

struct AccountInfo {
    std::string url;    // the account URL ("kid"), from Location
    std::string status; // valid, deactivated, revoked
    std::vector<std::string> contact;
    bool created = false; // 201 Created, not 200 for an existing account
};

// Signs with the client's signer in jwk mode. Throws Problem (for example
// accountDoesNotExist with only_return_existing) or Error(protocol) when the
// answer lacks a Location or a well-formed body.
AccountInfo new_account(Client& client, const NewAccountRequest& request);

// "mailto:" + address after checking it looks like one address (no spaces,
// commas or control characters, one '@'). Throws Error(usage).
std::string mailto(const std::string& email);

} // namespace acme
