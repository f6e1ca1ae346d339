// certbot's renewal/<name>.conf (a ConfigObj file): top-level `key = value`
// lines, a [renewalparams] section and its [[webroot_map]] subsection.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace acme::ops {

struct CertbotRenewalConf {
    std::map<std::string, std::string> top;         // cert, privkey, archive_dir, version
    std::map<std::string, std::string> params;      // [renewalparams]
    std::map<std::string, std::string> webroot_map; // [[webroot_map]]: name -> folder
    // A [renewalparams] value, "" when absent.
    std::string param(const std::string& key) const;
};

// Lenient: comments and unknown sections are skipped; surrounding quotes and a
// trailing list comma ("a, b,") are kept for the caller (see certbot_list).
CertbotRenewalConf parse_certbot_conf(const std::string& text);

// ConfigObj's list form "a, b," as items, each trimmed; empty items dropped.
std::vector<std::string> certbot_list(const std::string& value);

// A value, unquoted when ConfigObj quoted it.
std::string certbot_unquote(const std::string& value);

} // namespace acme::ops
