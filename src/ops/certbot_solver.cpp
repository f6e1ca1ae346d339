#include "ops/certbot_solver.hpp"

#include <cstdlib>
#include <set>

namespace acme::ops {

namespace {

std::string reissue(const std::vector<std::string>& domains, const std::string& how) {
    std::string names;
    for (const auto& d : domains) {
        names += " -d " + d;
    }
    return "acmectl issue" + names + " " + how + " --force";
}

SolverConfig webroot(const CertbotRenewalConf& conf, const std::vector<std::string>& domains,
                     std::vector<std::string>& unmapped) {
    std::set<std::string> folders;
    for (const auto& d : domains) {
        auto it = conf.webroot_map.find(d);
        if (it != conf.webroot_map.end()) {
            folders.insert(certbot_unquote(it->second));
        }
    }
    if (folders.empty()) {
        for (const auto& f : certbot_list(conf.param("webroot_path"))) {
            folders.insert(f);
        }
    }
    SolverConfig s;
    if (folders.size() == 1) {
        s.kind = "webroot";
        s.webroot = *folders.begin();
        return s;
    }
    s.kind = "manual";
    unmapped.push_back("webroot_map with " + std::to_string(folders.size()) +
                       " folders: acmectl answers every name of a lineage from one web root; "
                       "serve /.well-known/acme-challenge/ of every name from one folder, then: " +
                       reissue(domains, "--webroot DIR"));
    return s;
}

SolverConfig manual(const CertbotRenewalConf& conf, const std::vector<std::string>& domains,
                    std::vector<std::string>& unmapped) {
    SolverConfig s;
    s.kind = "manual";
    const auto auth = conf.param("manual_auth_hook");
    if (auth.empty()) {
        unmapped.push_back("manual authenticator without --manual-auth-hook: renewals need a "
                           "person; to renew unattended: " +
                           reissue(domains, "--webroot DIR (or --dns-hook CMD)"));
        return s;
    }
    const auto challs = certbot_list(conf.param("pref_challs"));
    const bool dns = !challs.empty() && challs.front().find("dns") != std::string::npos;
    if (!dns) {
        unmapped.push_back("manual http-01 auth hook '" + auth +
                           "': acmectl runs no http-01 hooks; if it writes into a web root: " +
                           reissue(domains, "--webroot DIR"));
        return s;
    }
    s.kind = "dns-hook";
    s.certbot_hooks = true;
    s.dns_hook = auth;
    s.dns_cleanup_hook = conf.param("manual_cleanup_hook");
    return s;
}

void note_other_settings(const CertbotRenewalConf& conf, std::vector<std::string>& unmapped) {
    const auto installer = conf.param("installer");
    if (!installer.empty() && installer != "None") {
        unmapped.push_back("installer " + installer +
                           ": certbot edited the server's config to "
                           "read live/; point it at the lineage's current/fullchain.pem and "
                           "current/privkey.pem (acmectl list shows them) and add: acmectl "
                           "deploy-hook NAME --add 'systemctl reload " +
                           installer + "'");
    }
    if (conf.param("must_staple") == "True") {
        unmapped.push_back("must_staple: acmectl requests no OCSP Must-Staple (Let's Encrypt "
                           "ended OCSP); the next certificate is issued without it");
    }
}

} // namespace

SolverConfig certbot_solver(const CertbotRenewalConf& conf, const std::vector<std::string>& domains,
                            std::vector<std::string>& unmapped) {
    note_other_settings(conf, unmapped);
    const auto authenticator = conf.param("authenticator");
    if (authenticator == "webroot") {
        return webroot(conf, domains, unmapped);
    }
    if (authenticator == "standalone") {
        SolverConfig s;
        s.kind = "standalone";
        const auto port = conf.param("http01_port");
        s.http_port = port.empty() ? 80 : std::atoi(port.c_str());
        if (s.http_port < 1 || s.http_port > 65535) {
            unmapped.push_back("http01_port '" + port + "' is not a port: using 80");
            s.http_port = 80;
        }
        s.http_address = conf.param("http01_address");
        return s;
    }
    if (authenticator == "manual") {
        return manual(conf, domains, unmapped);
    }
    SolverConfig s;
    s.kind = "manual";
    if (authenticator.rfind("dns-", 0) == 0) {
        unmapped.push_back("authenticator " + authenticator +
                           " (a certbot DNS plugin): acmectl has no DNS plugins; give a program "
                           "that adds and deletes the TXT record through your provider's API "
                           "(--dns-hook CMD, run as CMD add|del FQDN VALUE), or --dns-rfc2136 "
                           "SERVER --tsig-key FILE if your DNS server takes RFC 2136 updates: " +
                           reissue(domains, "--dns-hook CMD"));
    } else {
        unmapped.push_back("authenticator " + authenticator +
                           ": use the server's document "
                           "root, or acmectl's own server when nothing listens on port 80: " +
                           reissue(domains, "--webroot DIR (or --standalone)"));
    }
    return s;
}

} // namespace acme::ops
