// acmectl issue: obtain a certificate for names and store it as a lineage.
#include <iostream>

#include "acme/client.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "crypto/key.hpp"
#include "ops/account_session.hpp"
#include "ops/issue_certificate.hpp"
#include "store/store.hpp"

namespace acmectl {

namespace {

struct IssueOptions {
    std::vector<std::string> domains;
    std::string name;
    bool standalone = false;
    int http_port = 80;
    std::string http_address;
    std::string webroot;
    std::string csr;
    std::string key_type = "ec256";
    bool reuse_key = false;
    std::string preferred_chain;
    bool force = false;
    int timeout = 300;
    std::vector<std::string> emails;
    bool agree_tos = false;
    std::vector<std::string> deploy_hooks;
};

acme::ops::IssueRequest make_request(const GlobalOptions& g, const IssueOptions& o) {
    if (!o.standalone && o.webroot.empty()) {
        throw CLI::ValidationError("choose how to answer http-01: --standalone or --webroot DIR");
    }
    acme::ops::IssueRequest r;
    r.server_url = resolve_server_url(g);
    r.names = o.domains;
    r.lineage_name = o.name;
    r.solver.kind = o.webroot.empty() ? "standalone" : "webroot";
    r.solver.http_port = o.http_port;
    r.solver.http_address = o.http_address;
    r.solver.webroot = o.webroot;
    r.key_type = *acme::crypto::parse_key_type(o.key_type);
    r.reuse_key = o.reuse_key;
    r.csr_path = o.csr;
    r.preferred_chain = o.preferred_chain;
    r.force = o.force;
    r.timeout = std::chrono::seconds(o.timeout);
    if (!o.deploy_hooks.empty()) {
        r.hooks = {{"deploy", o.deploy_hooks}, {"install", nlohmann::json::array()}};
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
            {"paths", paths}};
}

void print_text(const acme::ops::IssueResult& r) {
    if (r.status == "exists") {
        std::cout << "Certificate " << r.name << " exists (version " << r.version
                  << "), expires " << acme::iso8601_utc(r.cert.not_after) << ", due for renewal "
                  << acme::iso8601_utc(r.due) << "; use --force to issue now\n";
        return;
    }
    std::cout << "Issued " << r.name << " version " << r.version << " for " << r.domains.size()
              << " name(s), expires " << acme::iso8601_utc(r.cert.not_after) << "\n  "
              << r.dir.string() << "/fullchain.pem\n";
}

int run_issue(const GlobalOptions& g, const IssueOptions& o) {
    StderrLogger log(g);
    auto request = make_request(g, o);
    acme::ops::plan_names(request); // bad names fail before any network or store access
    acme::store::Store store(resolve_home(g));
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
    return 0;
}

} // namespace

Command setup_issue(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<IssueOptions>();
    auto* sub = app.add_subcommand("issue", "Obtain a certificate and store it as a lineage");
    sub->add_option("-d,--domain", o->domains, "Name to certify (repeatable; DNS name, *.wildcard "
                                               "or IP address)");
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
    standalone->excludes(webroot);
    sub->add_option("--csr", o->csr, "Issue for this CSR (PEM or DER); no key is stored")
        ->check(CLI::ExistingFile);
    sub->add_option("--key-type", o->key_type, "Certificate key type")
        ->check(CLI::IsMember(key_type_names()))
        ->capture_default_str();
    sub->add_flag("--reuse-key", o->reuse_key, "Keep the lineage's current key");
    sub->add_option("--preferred-chain", o->preferred_chain,
                    "Pick the chain whose topmost issuer has this common name");
    sub->add_flag("--force", o->force, "Issue even when the lineage exists and is not due");
    sub->add_option("--timeout", o->timeout, "Seconds to wait for validation and issuance")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    sub->add_option("-m,--email", o->emails, "Contact e-mail when registering on the fly");
    sub->add_flag("--agree-tos", o->agree_tos, "Register on the fly, agreeing to the CA's terms");
    sub->add_option("--deploy-hook", o->deploy_hooks,
                    "Command run after each renewal of this lineage (repeatable; no shell)");
    return {sub, [&global, o] { return run_issue(global, *o); }};
}

} // namespace acmectl
