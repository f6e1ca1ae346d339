// Changes to an existing account (RFC 8555 §7.3.2-7.3.6) and revocation
// (§7.6). The client acts as the account (kid) unless said otherwise.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "acme/client.hpp"
#include "crypto/signer.hpp"

namespace acme {

// The account object as the CA has it (POST-as-GET to the account URL).
nlohmann::json fetch_account(Client& client);
// Replaces the contact list (§7.3.2). Returns the updated account object.
nlohmann::json update_contact(Client& client, const std::vector<std::string>& contact);
// §7.3.6: the account can no longer be used. Returns the account object.
nlohmann::json deactivate_account(Client& client);
// §7.3.5 keyChange: the outer JWS signed by the current key, the inner by
// new_key. After it returns the CA knows only new_key; the client is switched
// to it. Throws Problem when the CA refuses (the old key stays valid).
void change_key(Client& client, const crypto::Signer& new_key);

// RFC 5280 reason codes that ACME accepts (§7.6).
enum class RevocationReason {
    unspecified = 0,
    key_compromise = 1,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5
};
// nullopt for anything but the five names above (camelCase, as RFC 5280).
std::optional<RevocationReason> parse_revocation_reason(const std::string& name);

// Posts revokeCert for a DER certificate, signed as the client currently
// signs: the account (kid) or the certificate's own key (jwk). Throws Problem.
void revoke_certificate(Client& client, const std::string& cert_der, RevocationReason reason);

} // namespace acme
