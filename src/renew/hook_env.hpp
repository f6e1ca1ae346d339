// The environment hooks get: acmectl's variables and certbot's.
#pragma once

#include "process/environment.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace acme::renew {

using process::EnvList;

// ACMECTL_NAME, ACMECTL_DOMAINS, ACMECTL_CERT_DIR, ACMECTL_FULLCHAIN,
// ACMECTL_KEY and certbot's RENEWED_LINEAGE and RENEWED_DOMAINS, so existing
// certbot deploy hooks keep working.
EnvList lineage_hook_env(const std::string& name, const std::vector<std::string>& domains,
                         const std::filesystem::path& cert_dir);

// What certbot gives its --manual-auth-hook and --manual-cleanup-hook:
// CERTBOT_DOMAIN (the name, without a wildcard's "*."), CERTBOT_VALIDATION (the
// TXT value, or the http-01 file content) and CERTBOT_TOKEN (http-01 only; ""
// for dns-01), so imported certbot auth scripts keep working.
EnvList certbot_challenge_env(const std::string& domain, const std::string& validation,
                              const std::string& token);

} // namespace acme::renew
