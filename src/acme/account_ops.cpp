#include "acme/account_ops.hpp"

#include "acme/json_access.hpp"
#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/jws.hpp"

namespace acme {

namespace {

nlohmann::json account_object(const http::Response& response) {
    return parse_object(response.body, "account");
}

const std::string& account_url(const Client& client) {
    if (client.account_url().empty()) {
        throw Error(ErrorKind::config, "no account URL: register first");
    }
    return client.account_url();
}

} // namespace

nlohmann::json fetch_account(Client& client) {
    return account_object(client.post_as_get(account_url(client), "the account request"));
}

nlohmann::json update_contact(Client& client, const std::vector<std::string>& contact) {
    return account_object(
        client.post(account_url(client), nlohmann::json{{"contact", contact}},
                    "the account update"));
}

nlohmann::json deactivate_account(Client& client) {
    return account_object(client.post(account_url(client), nlohmann::json{{"status", "deactivated"}},
                                      "the account deactivation"));
}

void change_key(Client& client, const crypto::Signer& new_key) {
    const auto& dir = client.directory();
    if (dir.key_change.empty()) {
        throw Error(ErrorKind::protocol, "the CA's directory offers no keyChange");
    }
    const auto& url = account_url(client);
    const nlohmann::json inner_payload = {{"account", url}, {"oldKey", client.signer().jwk()}};
    // The inner JWS has no nonce and carries the new key as jwk (§7.3.5).
    auto inner = crypto::make_jws(new_key, {{"url", dir.key_change}, {"jwk", new_key.jwk()}},
                                  inner_payload.dump());
    client.post(dir.key_change, inner, "the key change");
    client.set_signer(new_key, url);
}

std::optional<RevocationReason> parse_revocation_reason(const std::string& name) {
    if (name == "unspecified") {
        return RevocationReason::unspecified;
    }
    if (name == "keyCompromise") {
        return RevocationReason::key_compromise;
    }
    if (name == "affiliationChanged") {
        return RevocationReason::affiliation_changed;
    }
    if (name == "superseded") {
        return RevocationReason::superseded;
    }
    if (name == "cessationOfOperation") {
        return RevocationReason::cessation_of_operation;
    }
    return std::nullopt;
}

void revoke_certificate(Client& client, const std::string& cert_der, RevocationReason reason) {
    const auto& dir = client.directory();
    if (dir.revoke_cert.empty()) {
        throw Error(ErrorKind::protocol, "the CA's directory offers no revokeCert");
    }
    client.post(dir.revoke_cert,
                nlohmann::json{{"certificate", crypto::base64url_encode(cert_der)},
                               {"reason", static_cast<int>(reason)}},
                "the revocation");
}

} // namespace acme
