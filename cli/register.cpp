// acmectl register: create or find the ACME account for a server.
#include <iostream>

#include "acme/client.hpp"
#include "commands.hpp"
#include "crypto/key.hpp"
#include "ops/account_session.hpp"
#include "store/store.hpp"

namespace acmectl {

namespace {

struct RegisterOptions {
    std::vector<std::string> emails;
    bool agree_tos = false;
    std::string key_type = "ec256";
    std::string eab_kid;
    std::string eab_hmac_key;
};

nlohmann::json to_json(const acme::ops::AccountSession& s) {
    return {{"account_url", s.info.url},     {"status", s.info.status},
            {"contact", s.info.contact},     {"server", s.server_url},
            {"created", s.info.created},     {"key_path", s.key_path.string()}};
}

int run_register(const GlobalOptions& g, const RegisterOptions& o) {
    StderrLogger log(g);
    acme::ops::RegisterRequest request;
    request.server_url = resolve_server_url(g);
    request.emails = o.emails;
    request.agree_tos = o.agree_tos;
    request.key_type = *acme::crypto::parse_key_type(o.key_type);
    if (!o.eab_kid.empty()) {
        request.eab = acme::EabCredentials{o.eab_kid, o.eab_hmac_key};
    }
    acme::store::Store store(resolve_home(g));
    auto transport = make_transport(g);
    acme::Client client(*transport, request.server_url, log);
    auto session = acme::ops::register_account(store, client, request);
    if (g.json) {
        print_json(to_json(session));
    } else if (!g.quiet) {
        std::cout << (session.info.created ? "Registered account " : "Existing account ")
                  << session.info.url << '\n';
    }
    return 0;
}

} // namespace

Command setup_register(CLI::App& app, const GlobalOptions& global) {
    auto options = std::make_shared<RegisterOptions>();
    auto* sub = app.add_subcommand("register", "Create or find the ACME account for a server");
    sub->add_option("-m,--email", options->emails, "Contact e-mail address (repeatable)");
    sub->add_flag("--agree-tos", options->agree_tos, "Agree to the CA's terms of service");
    sub->add_option("--key-type", options->key_type, "Account key type")
        ->check(CLI::IsMember(key_type_names()))
        ->capture_default_str();
    auto* kid = sub->add_option("--eab-kid", options->eab_kid,
                                "External account binding key identifier from the CA");
    auto* hmac = sub->add_option("--eab-hmac-key", options->eab_hmac_key,
                                 "External account binding HMAC key (base64url) from the CA");
    kid->needs(hmac);
    hmac->needs(kid);
    return {sub, [&global, options] { return run_register(global, *options); }};
}

} // namespace acmectl
