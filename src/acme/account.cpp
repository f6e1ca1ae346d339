#include "acme/account.hpp"

#include "acme/json_access.hpp"
#include "common/error.hpp"
#include "crypto/jws.hpp"

namespace acme {

namespace {

constexpr std::string_view k_what = "account";

nlohmann::json account_payload(Client& client, const NewAccountRequest& request) {
    nlohmann::json payload = nlohmann::json::object();
    if (request.only_return_existing) {
        payload["onlyReturnExisting"] = true;
        return payload;
    }
    if (!request.contact.empty()) {
        payload["contact"] = request.contact;
    }
    if (request.terms_agreed) {
        payload["termsOfServiceAgreed"] = true;
    }
    if (request.eab) {
        payload["externalAccountBinding"] =
            crypto::make_eab_jws(request.eab->kid, request.eab->hmac_key,
                                 client.directory().new_account, client.signer().jwk());
    }
    return payload;
}

} // namespace

AccountInfo new_account(Client& client, const NewAccountRequest& request) {
    const auto url = client.directory().new_account;
    auto response = client.post(url, account_payload(client, request), "the newAccount request");
    AccountInfo info;
    info.url = response.header("location");
    if (info.url.empty()) {
        throw Error(ErrorKind::protocol, "the CA's newAccount answer has no Location header");
    }
    client.check_server_url(info.url, "account URL");
    auto body = parse_object(response.body, k_what);
    info.status = required_string(body, "status", k_what);
    info.contact = string_array(body, "contact", k_what);
    info.created = response.status == 201;
    return info;
}

std::string mailto(const std::string& email) {
    const auto at = email.find('@');
    bool ok = !email.empty() && email.size() <= 254 && at != std::string::npos && at > 0 &&
              at + 1 < email.size() && email.find('@', at + 1) == std::string::npos;
    for (unsigned char c : email) {
        ok = ok && c > 0x20 && c != 0x7f && c != ',' && c != ';' && c != '<' && c != '>';
    }
    if (!ok) {
        throw Error(ErrorKind::usage, "invalid e-mail address '" + email + "'");
    }
    return "mailto:" + email;
}

} // namespace acme
