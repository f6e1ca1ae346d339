// acmectl issue: obtain a certificate for names and store it as a lineage.
#include "acme/client.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "crypto/key.hpp"
#include "ops/account_session.hpp"
#include "ops/issue_certificate.hpp"
#include "ops/version_policy.hpp"
#include "served_format.hpp"
#include "sni_format.hpp"
#include "store/group.hpp"
#include "store/store.hpp"
#include "usage_hints.hpp"
#include "value_sets.hpp"

#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace acmectl {

namespace {

struct IssueOptions {
    std::vector<std::string> domains;
    std::string name;
    bool standalone = false;
    int http_port = 80;
    std::string http_address;
    std::string webroot;
    std::string dns_hook;
    int dns_wait = 0;
    std::string dns_resolver;
    std::string rfc2136_server;
    std::string rfc2136_zone;
    std::string tsig_key;
    bool alpn = false;
    int tls_port = 443;
    std::string tls_address;
    bool manual = false;
    bool manual_dns = false;
    std::string profile;
    std::string csr;
    std::string key_type = "ec256";
    bool key_type_given = false; // on the command line or in acmectl.conf
    bool reuse_key = false;
    std::string preferred_chain;
    bool force = false;
    int timeout = 300;
    std::vector<std::string> emails;
    bool agree_tos = false;
    std::vector<std::string> deploy_hooks;
    EndpointFlags endpoints;
    std::optional<std::string> key_group; // nullopt = the lineage's
    std::optional<int> keep_versions;     // nullopt = the lineage's
    std::string sni_dir;
};

// --manual, --manual-dns: the instructions go to stderr, Enter on the terminal confirms.
acme::challenge::ManualPrompt terminal_prompt(const std::string& kind) {
    if (::isatty(STDIN_FILENO) != 1) {
        throw acme::Error(acme::ErrorKind::usage,
                          "--" + kind + " needs a terminal on stdin to confirm the challenge " +
                              (kind == "manual" ? "files" : "records"));
    }
    acme::challenge::ManualPrompt prompt;
    prompt.show = [](const std::string& instructions) { std::cerr << '\n' << instructions; };
    prompt.confirm = [] {
        std::cerr << "Press Enter when they are in place (Ctrl-D aborts): " << std::flush;
        std::string line;
        const bool confirmed = static_cast<bool>(std::getline(std::cin, line));
        std::cerr << '\n';
        return confirmed;
    };
    return prompt;
}

std::string solver_kind(const IssueOptions& o) {
    if (!o.webroot.empty()) {
        return "webroot";
    }
    if (!o.dns_hook.empty()) {
        return "dns-hook";
    }
    if (!o.rfc2136_server.empty()) {
        return "dns-rfc2136";
    }
    if (o.alpn) {
        return "alpn";
    }
    if (o.manual) {
        return "manual";
    }
    if (o.manual_dns) {
        return "manual-dns";
    }
    if (o.standalone) {
        return "standalone";
    }
    throw CLI::ValidationError("choose how to answer the challenges: --standalone, --webroot DIR, "
                               "--dns-hook CMD, --dns-rfc2136 SERVER, --alpn, --manual or "
                               "--manual-dns");
}

acme::ops::SolverConfig solver_config(const IssueOptions& o) {
    acme::ops::SolverConfig s;
    s.kind = solver_kind(o);
    s.http_port = o.http_port;
    s.http_address = o.http_address;
    s.webroot = o.webroot;
    s.dns_hook = o.dns_hook;
    s.dns_wait = o.dns_wait;
    s.dns_resolver = o.dns_resolver;
    s.rfc2136_server = o.rfc2136_server;
    s.rfc2136_zone = o.rfc2136_zone;
    // renew runs from cron, in another folder: the key file's path must not depend on it
    s.tsig_key = o.tsig_key.empty() ? "" : std::filesystem::absolute(o.tsig_key).string();
    s.tls_port = o.tls_port;
    s.tls_address = o.tls_address;
    if (s.kind == "manual" || s.kind == "manual-dns") {
        s.manual = terminal_prompt(s.kind);
    }
    const bool dns = s.kind == "dns-hook" || s.kind == "dns-rfc2136" || s.kind == "manual-dns";
    if (!dns && (o.dns_wait != 0 || !o.dns_resolver.empty())) {
        throw CLI::ValidationError(
            "--dns-wait and --dns-resolver need --dns-hook, --dns-rfc2136 or --manual-dns");
    }
    if (o.dns_wait >= o.timeout) {
        throw CLI::ValidationError("--dns-wait " + std::to_string(o.dns_wait) +
                                   " must be shorter than --timeout " + std::to_string(o.timeout));
    }
    return s;
}

acme::ops::IssueRequest make_request(const GlobalOptions& g, const IssueOptions& o) {
    acme::ops::IssueRequest r;
    r.solver = solver_config(o);
    r.server_url = resolve_server_url(g);
    r.names = o.domains;
    r.lineage_name = o.name;
    r.key_type = *acme::crypto::parse_key_type(o.key_type);
    r.key_type_given = o.key_type_given;
    r.reuse_key = o.reuse_key;
    r.csr_path = o.csr;
    if (!g.ca_bundle.empty()) { // kept in config.json: the timer's renew must trust it too
        r.ca_bundle = std::filesystem::absolute(g.ca_bundle).lexically_normal().string();
    }
    r.preferred_chain = o.preferred_chain;
    r.profile = o.profile;
    r.force = o.force;
    r.key_group = o.key_group;
    r.keep_versions = o.keep_versions;
    r.timeout = std::chrono::seconds(o.timeout);
    r.sni_dir = sni_dir_path(o.sni_dir);
    if (!o.deploy_hooks.empty()) {
        r.hooks = {{"deploy", o.deploy_hooks}, {"install", nlohmann::json::array()}};
    }
    if (!o.endpoints.endpoints.empty()) {
        r.endpoints = acme::ops::endpoints_to_json(parse_endpoints(o.endpoints));
    }
    return r;
}

acme::ops::AccountSession open_account(const acme::store::Store& store, acme::Client& client,
                                       const acme::ops::IssueRequest& r, const IssueOptions& o) {
    if (store.load_account(r.server_url, r.account_name) || !o.agree_tos) {
        try {
            return acme::ops::load_account_session(store, client, r.server_url, r.account_name);
        } catch (const acme::Error&) {
            if (!o.agree_tos) {
                throw;
            }
        }
    }
    acme::ops::RegisterRequest reg;
    reg.server_url = r.server_url;
    reg.account_name = r.account_name;
    reg.emails = o.emails;
    reg.agree_tos = true;
    return acme::ops::register_account(store, client, reg);
}

nlohmann::json to_json(const acme::ops::IssueResult& r) {
    auto dir = r.dir.string();
    nlohmann::json paths = {{"dir", dir},
                            {"cert", dir + "/cert.pem"},
                            {"chain", dir + "/chain.pem"},
                            {"fullchain", dir + "/fullchain.pem"},
                            {"privkey", r.key_type.empty() ? "" : dir + "/privkey.pem"}};
    return {{"status", r.status},
            {"name", r.name},
            {"domains", r.domains},
            {"serial", r.cert.serial_hex},
            {"not_before", acme::iso8601_utc(r.cert.not_before)},
            {"not_after", acme::iso8601_utc(r.cert.not_after)},
            {"issuer", r.cert.issuer},
            {"key_type", r.key_type},
            {"version", r.version},
            {"due", acme::iso8601_utc(r.due)},
            {"elapsed_ms", r.elapsed.count()},
            {"hooks", hooks_json(r.hooks)},
            {"sni", sni_json(r.sni)},
            {"paths", paths}};
}

void print_text(const acme::ops::IssueResult& r) {
    if (r.status == "exists") {
        std::cout << "Certificate " << r.name << " exists (version " << r.version << "), expires "
                  << acme::iso8601_utc(r.cert.not_after) << ", due for renewal "
                  << acme::iso8601_utc(r.due) << "; use --force to issue now\n";
        return;
    }
    std::cout << "Issued " << r.name << " version " << r.version << " for " << r.domains.size()
              << " name(s), expires " << acme::iso8601_utc(r.cert.not_after) << "\n  "
              << r.dir.string() << "/fullchain.pem\n";
    for (const auto& h : r.hooks) {
        std::cout << "  deploy step " << h.hook << (h.ok ? ": ok" : ": FAILED, " + h.error) << '\n';
    }
}

int run_issue(const GlobalOptions& g, const IssueOptions& o) {
    StderrLogger log(g);
    auto request = make_request(g, o);
    acme::ops::plan_names(request); // bad names fail before any network or store access
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    auto transport = make_transport(g);
    acme::Client client(*transport, request.server_url, log);
    auto session = open_account(store, client, request, o);
    auto result = acme::ops::issue_certificate(store, client, request, log);
    log.debug(std::to_string(client.signed_requests()) + " signed requests, " +
              std::to_string(transport->requests()) + " HTTP requests, " +
              std::to_string(transport->connections()) + " connection(s)");
    if (g.json) {
        print_json(to_json(result));
    } else if (!g.quiet) {
        print_text(result);
    }
    if (!g.json) {
        print_sni(result.sni, g.quiet);
    }
    // The certificate is saved either way; a failed deploy step (or SNI
    // folder update) is the exit status.
    return acme::ops::all_ok(result.hooks) && !sni_failed(result.sni) ? 0 : 1;
}

// dns-01 by hook or RFC 2136, tls-alpn-01 and the manual solver; exactly one solver may be chosen.
void add_other_solvers(CLI::App& sub, IssueOptions& o, std::vector<CLI::Option*> solvers) {
    auto* dns_hook = sub.add_option("--dns-hook", o.dns_hook,
                                    "Answer dns-01 by running CMD add|del FQDN VALUE (no shell)");
    auto* rfc2136 = sub.add_option("--dns-rfc2136", o.rfc2136_server,
                                   "Answer dns-01 by RFC 2136 updates (nsupdate) to the DNS "
                                   "server ADDR[:PORT] (port 53 by default)");
    sub.add_option("--tsig-key", o.tsig_key,
                   "TSIG key FILE for --dns-rfc2136 (as tsig-keygen writes it)")
        ->needs(rfc2136);
    rfc2136->needs("--tsig-key");
    sub.add_option("--dns-rfc2136-zone", o.rfc2136_zone,
                   "Zone to update (default: asked of the --dns-rfc2136 server)")
        ->needs(rfc2136);
    sub.add_option("--dns-wait", o.dns_wait,
                   "Seconds to wait after the TXT records are added (dns-01)")
        ->check(CLI::Range(0, 86400))
        ->capture_default_str();
    sub.add_option("--dns-resolver", o.dns_resolver,
                   "Poll this DNS server (ADDR[:PORT]) until the TXT records are visible (dns-01)");
    auto* alpn = sub.add_flag("--alpn", o.alpn, "Answer tls-alpn-01 with a built-in TLS server");
    sub.add_option("--tls-port", o.tls_port, "Port of the --alpn server")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str()
        ->needs(alpn);
    sub.add_option("--tls-address", o.tls_address, "Address the --alpn server binds (default: all)")
        ->needs(alpn);
    auto* manual =
        sub.add_flag("--manual", o.manual, "Show which http-01 file to create and wait for Enter");
    auto* manual_dns = sub.add_flag("--manual-dns", o.manual_dns,
                                    "Show which dns-01 TXT records to create and wait for Enter "
                                    "(one-off wildcards; cannot renew unattended)");
    solvers.insert(solvers.end(), {dns_hook, rfc2136, alpn, manual, manual_dns});
    for (auto* a : solvers) {
        for (auto* b : solvers) {
            if (a != b) {
                a->excludes(b);
            }
        }
    }
}

// --key-group names a group of this system ("" gives the key back to its owner
// alone); checked while parsing, so a typo fails before anything is asked.
CLI::Validator existing_group() {
    return CLI::Validator(
        [](std::string& name) -> std::string {
            if (name.empty() || acme::store::find_group(name)) {
                return "";
            }
            return "no group '" + name + "' on this system (see getent group)";
        },
        "", "existing-group");
}

// Who may read the private key, and how many versions stay on disk.
void add_storage_options(CLI::App& sub, IssueOptions& o) {
    sub.add_option("--key-group", o.key_group,
                   "Let this GROUP read privkey.pem (mode 0640), for services that do not run "
                   "as root; kept by renew; '' = owner only again")
        ->check(existing_group());
    sub.add_option("--keep-versions", o.keep_versions,
                   "Keep the N newest versions of the lineage, pruning older ones after each "
                   "issue and renewal (default: the lineage's, else 5)")
        ->check(CLI::Range(acme::ops::k_min_keep_versions, 10000));
    add_sni_dir_flag(sub, o.sni_dir);
}

} // namespace

Command setup_issue(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<IssueOptions>();
    auto* sub = app.add_subcommand("issue", "Obtain a certificate and store it as a lineage");
    sub->add_option("-d,--domain", o->domains,
                    "Name to certify (repeatable, or comma-separated; DNS name, *.wildcard "
                    "or IP address)")
        ->delimiter(',')
        ->check(ascii_name());
    sub->add_option("--name", o->name, "Lineage name (default: the first name)");
    auto* standalone =
        sub->add_flag("--standalone", o->standalone, "Answer http-01 with a built-in server");
    sub->add_option("--http-port", o->http_port, "Port of the --standalone server")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str();
    sub->add_option("--http-address", o->http_address,
                    "Address the --standalone server binds (default: all)");
    auto* webroot = sub->add_option("--webroot", o->webroot,
                                    "Answer http-01 by writing files under DIR/.well-known/");
    add_other_solvers(*sub, *o, {standalone, webroot});
    sub->add_option("--csr", o->csr, "Issue for this CSR (PEM or DER); no key is stored")
        ->check(CLI::ExistingFile);
    sub->add_option("--key-type", o->key_type, "Certificate key type")
        ->check(value_sets::one_of(value_sets::key_types()))
        ->each([o](const std::string&) { o->key_type_given = true; })
        ->capture_default_str();
    sub->add_flag("--reuse-key", o->reuse_key, "Keep the lineage's current key");
    sub->add_option("--preferred-chain", o->preferred_chain,
                    "Pick the chain whose topmost issuer has this common name");
    sub->add_option("--profile", o->profile,
                    "Ask the CA for this certificate profile (one its directory offers)");
    sub->add_flag("--force", o->force, "Issue even when the lineage exists and is not due");
    sub->add_option("--timeout", o->timeout, "Seconds to wait for validation and issuance")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    sub->add_option("-m,--email", o->emails, "Contact e-mail when registering on the fly");
    sub->add_flag("--agree-tos", o->agree_tos, "Register on the fly, agreeing to the CA's terms");
    sub->add_option("--deploy-hook", o->deploy_hooks,
                    "Shell command (run by /bin/sh, as certbot does) after this issuance and "
                    "each renewal of this lineage (repeatable)");
    add_endpoint_flags(*sub, o->endpoints);
    add_storage_options(*sub, *o);
    return {sub, [&global, o] { return run_issue(global, *o); }};
}

} // namespace acmectl
