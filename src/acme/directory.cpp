#include "acme/directory.hpp"

#include "acme/json_access.hpp"

namespace acme {

namespace {

constexpr std::string_view k_what = "directory";

std::string url_member(const nlohmann::json& doc, std::string_view key, bool required,
                       bool allow_http) {
    auto value = required ? required_string(doc, key, k_what) : optional_string(doc, key, k_what);
    if (!value.empty()) {
        check_url(value, allow_http, k_what);
    }
    return value;
}

void read_meta(const nlohmann::json& doc, Directory& dir) {
    auto it = doc.find("meta");
    if (it == doc.end() || !it->is_object()) {
        return;
    }
    const auto& meta = *it;
    dir.terms_of_service = optional_string(meta, "termsOfService", k_what);
    dir.website = optional_string(meta, "website", k_what);
    auto eab = meta.find("externalAccountRequired");
    dir.external_account_required = eab != meta.end() && eab->is_boolean() && eab->get<bool>();
    auto profiles = meta.find("profiles");
    if (profiles != meta.end() && profiles->is_object()) {
        dir.profiles = *profiles;
    }
}

} // namespace

Directory parse_directory(const std::string& body, const std::string& url) {
    const bool allow_http = url.rfind("http://", 0) == 0;
    auto doc = parse_object(body, k_what);
    Directory dir;
    dir.url = url;
    dir.new_nonce = url_member(doc, "newNonce", true, allow_http);
    dir.new_account = url_member(doc, "newAccount", true, allow_http);
    dir.new_order = url_member(doc, "newOrder", true, allow_http);
    dir.revoke_cert = url_member(doc, "revokeCert", false, allow_http);
    dir.key_change = url_member(doc, "keyChange", false, allow_http);
    dir.renewal_info = url_member(doc, "renewalInfo", false, allow_http);
    read_meta(doc, dir);
    return dir;
}

} // namespace acme
