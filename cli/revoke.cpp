// acmectl revoke: revoke a lineage's current certificate or a certificate file.
#include "acme/client.hpp"
#include "commands.hpp"
#include "common/time_format.hpp"
#include "ops/revoke_lineage.hpp"
#include "value_sets.hpp"

#include <iostream>

namespace acmectl {

namespace {

struct RevokeOptions {
    std::string name;
    std::string cert;
    std::string key;
    std::string reason = "unspecified";
};

void print_key_notice(const std::string& name, const acme::ops::RevokeResult& result) {
    if (result.new_key_forced) {
        std::cout << "The key of " << name
                  << " is compromised: its next issuance makes a new key\n";
    }
    if (result.reuse_key_turned_off) {
        std::cout << "--reuse-key is now off for " << name
                  << " until you turn it on again (issue --reuse-key --force)\n";
    }
}

int run_revoke(const GlobalOptions& g, const RevokeOptions& o) {
    if (o.name.empty() == o.cert.empty()) {
        throw CLI::ValidationError("name a lineage or pass --cert FILE (one of the two)");
    }
    StderrLogger log(g);
    acme::ops::RevokeRequest request;
    request.lineage = o.name;
    request.cert_path = o.cert;
    request.key_path = o.key;
    request.reason = *acme::parse_revocation_reason(o.reason);
    request.reason_name = o.reason;
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    if (o.name.empty()) {
        request.server_url = resolve_server_url(g);
    }
    const auto server = acme::ops::revoke_server(store, request);
    auto transport = make_transport(g);
    acme::Client client(*transport, server, log);
    auto result = acme::ops::revoke(store, client, request);
    if (g.json) {
        print_json({{"serial", result.cert.serial_hex},
                    {"subject", result.cert.subject},
                    {"not_after", acme::iso8601_utc(result.cert.not_after)},
                    {"reason", o.reason},
                    {"server", result.server_url},
                    {"signed_by", result.signed_by_certificate_key ? "certificate key" : "account"},
                    {"lineage", o.name},
                    {"new_key_forced", result.new_key_forced},
                    {"reuse_key_turned_off", result.reuse_key_turned_off}});
    } else if (!g.quiet) {
        std::cout << "Revoked certificate " << result.cert.serial_hex << " (" << o.reason << ")"
                  << (o.name.empty() ? "" : "; renew will replace " + o.name) << '\n';
        print_key_notice(o.name, result);
    }
    return 0;
}

} // namespace

Command setup_revoke(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<RevokeOptions>();
    auto* sub =
        app.add_subcommand("revoke", "Revoke a lineage's certificate or a certificate file");
    auto* name = sub->add_option("name", o->name, "Lineage whose current certificate to revoke");
    auto* name_flag = sub->add_option("--name", o->name,
                                      "The same as the positional name (also for a name that "
                                      "begins with '-')");
    name_flag->excludes(name);
    auto* cert = sub->add_option("--cert", o->cert, "Revoke this certificate file (PEM or DER)")
                     ->check(CLI::ExistingFile);
    name->excludes(cert);
    name_flag->excludes(cert);
    sub->add_option("--key", o->key,
                    "Sign with the certificate's own key (when the account is lost)")
        ->check(CLI::ExistingFile);
    sub->add_option("--reason", o->reason, "RFC 5280 reason")
        ->check(value_sets::one_of(value_sets::revoke_reasons()))
        ->capture_default_str();
    return {sub, [&global, o] { return run_revoke(global, *o); }};
}

} // namespace acmectl
