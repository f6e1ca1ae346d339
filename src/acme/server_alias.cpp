#include "acme/server_alias.hpp"

#include "common/error.hpp"

namespace acme {

const std::vector<std::pair<std::string, std::string>>& server_aliases() {
    static const std::vector<std::pair<std::string, std::string>> aliases = {
        {"letsencrypt", "https://acme-v02.api.letsencrypt.org/directory"},
        {"letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory"},
        {"zerossl", "https://acme.zerossl.com/v2/DV90"},
        {"google", "https://dv.acme-v02.api.pki.goog/directory"},
        {"google-staging", "https://dv.acme-v02.test-api.pki.goog/directory"},
        {"buypass", "https://api.buypass.com/acme/directory"},
        {"buypass-staging", "https://api.test4.buypass.no/acme/directory"},
    };
    return aliases;
}

std::string resolve_server(const std::string& alias_or_url) {
    for (const auto& [alias, url] : server_aliases()) {
        if (alias == alias_or_url) {
            return url;
        }
    }
    if (alias_or_url.rfind("https://", 0) == 0) {
        return alias_or_url;
    }
    if (alias_or_url.rfind("http://", 0) == 0) {
        throw Error(ErrorKind::usage, "ACME directory URLs must be https: " + alias_or_url);
    }
    throw Error(ErrorKind::usage, "unknown server '" + alias_or_url +
                                      "': give a directory URL or one of letsencrypt, "
                                      "letsencrypt-staging, zerossl, google, google-staging, "
                                      "buypass, buypass-staging");
}

std::string eab_requirement(const std::string& directory_url) {
    static const std::vector<std::pair<std::string, std::string>> cas = {
        {"zerossl", "ZeroSSL requires External Account Binding: pass --eab-kid and "
                    "--eab-hmac-key-file to 'acmectl register' (from ZeroSSL's dashboard, "
                    "Developer section)"},
        {"google", "Google Trust Services requires External Account Binding: pass --eab-kid "
                   "and --eab-hmac-key-file to 'acmectl register' (from 'gcloud publicca "
                   "external-account-keys create')"},
        {"google-staging", "Google Trust Services requires External Account Binding: pass "
                           "--eab-kid and --eab-hmac-key-file to 'acmectl register' (from 'gcloud "
                           "publicca external-account-keys create', staging project)"},
    };
    for (const auto& [alias, note] : cas) {
        if (resolve_server(alias) == directory_url) {
            return note;
        }
    }
    return {};
}

} // namespace acme
