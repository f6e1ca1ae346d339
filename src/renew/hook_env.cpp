#include "renew/hook_env.hpp"

namespace acme::renew {

namespace fs = std::filesystem;

EnvList lineage_hook_env(const std::string& name, const std::vector<std::string>& domains,
                         const fs::path& cert_dir) {
    std::string joined;
    for (const std::string& domain : domains)
        joined += (joined.empty() ? "" : " ") + domain;
    return {
        {"ACMECTL_NAME", name},
        {"ACMECTL_DOMAINS", joined},
        {"ACMECTL_CERT_DIR", cert_dir.string()},
        {"ACMECTL_FULLCHAIN", (cert_dir / "fullchain.pem").string()},
        {"ACMECTL_KEY", (cert_dir / "privkey.pem").string()},
        {"RENEWED_LINEAGE", cert_dir.string()},
        {"RENEWED_DOMAINS", joined},
    };
}

EnvList certbot_challenge_env(const std::string& domain, const std::string& validation,
                              const std::string& token) {
    const bool wildcard = domain.rfind("*.", 0) == 0;
    return {{"CERTBOT_DOMAIN", wildcard ? domain.substr(2) : domain},
            {"CERTBOT_VALIDATION", validation},
            {"CERTBOT_TOKEN", token}};
}

} // namespace acme::renew
