// acmectl register: create or find the ACME account for a server.
#include "acme/client.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "crypto/key.hpp"
#include "ops/account_session.hpp"
#include "store/atomic_file.hpp"
#include "store/store.hpp"
#include "value_sets.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace acmectl {

namespace {

struct RegisterOptions {
    std::vector<std::string> emails;
    bool agree_tos = false;
    std::string key_type = "ec256";
    std::string eab_kid;
    std::string eab_hmac_key;
    std::string eab_hmac_key_file;
    bool show = false;
    std::vector<std::string> update_email;
    bool rollover_key = false;
    bool deactivate = false;
    bool yes = false;
};

nlohmann::json to_json(const acme::ops::AccountSession& s) {
    return {{"account_url", s.info.url}, {"status", s.info.status},
            {"contact", s.info.contact}, {"server", s.server_url},
            {"created", s.info.created}, {"key_path", s.key_path.string()}};
}

// A deactivated account cannot be brought back: ask, unless --yes.
bool confirm_deactivation(const std::string& url) {
    if (!isatty(STDIN_FILENO)) {
        throw acme::Error(acme::ErrorKind::usage,
                          "refusing to deactivate without confirmation: pass --yes");
    }
    std::cerr << "Deactivate account " << url << "? This cannot be undone. [y/N] ";
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

// --show, --update-email, --rollover-key, --deactivate on the stored account.
int manage_account(const GlobalOptions& g, const RegisterOptions& o,
                   const acme::store::Store& store, acme::Client& client,
                   const std::string& server_url) {
    auto session = acme::ops::load_account_session(store, client, server_url, "default");
    if (o.show) {
        print_json(acme::ops::show_account(client));
        return 0;
    }
    std::string done;
    std::string aside;
    if (!o.update_email.empty()) {
        acme::ops::update_account_email(store, client, session, o.update_email);
        done = "Updated the contact of ";
    } else if (o.rollover_key) {
        acme::ops::rollover_account_key(store, client, session,
                                        *acme::crypto::parse_key_type(o.key_type));
        done = "Rolled over the key of ";
    } else {
        if (!o.yes && !confirm_deactivation(session.info.url)) {
            std::cerr << "Not deactivated.\n";
            return 1;
        }
        const auto moved = acme::ops::deactivate_account(store, client, session);
        done = "Deactivated ";
        aside = "; its files were moved to " + moved.string() + " ('register' makes a new account)";
    }
    if (g.json) {
        auto out = to_json(session);
        if (!aside.empty()) {
            out["moved_to"] = session.key_path.parent_path().string();
        }
        print_json(out);
    } else if (!g.quiet) {
        std::cout << done << "account " << session.info.url << aside << '\n';
    }
    return 0;
}

constexpr const char* k_eab_key_env = "ACMECTL_EAB_HMAC_KEY";

std::string trim_key(std::string key) {
    const auto end = key.find_last_not_of(" \t\r\n");
    key.erase(end == std::string::npos ? 0 : end + 1);
    return key.substr(std::min(key.size(), key.find_first_not_of(" \t\r\n")));
}

// The EAB MAC key from --eab-hmac-key-file, $ACMECTL_EAB_HMAC_KEY or (with a
// warning: every local user sees argv in ps) --eab-hmac-key; "" when none.
std::string eab_hmac_key(const RegisterOptions& o) {
    if (!o.eab_hmac_key.empty()) {
        std::cerr << "acmectl: warning: --eab-hmac-key is visible to every local user (ps); "
                     "use --eab-hmac-key-file or "
                  << k_eab_key_env << '\n';
        return o.eab_hmac_key;
    }
    if (!o.eab_hmac_key_file.empty()) {
        auto key = trim_key(acme::store::read_file(o.eab_hmac_key_file, 4096));
        if (key.empty()) {
            throw CLI::ValidationError("--eab-hmac-key-file " + o.eab_hmac_key_file + " is empty");
        }
        return key;
    }
    const char* env = std::getenv(k_eab_key_env);
    return env != nullptr ? trim_key(env) : "";
}

// $ACMECTL_EAB_HMAC_KEY alone is ignored: it may be exported for another CA.
std::optional<acme::EabCredentials> eab_credentials(const RegisterOptions& o) {
    if (o.eab_kid.empty()) {
        if (!o.eab_hmac_key.empty() || !o.eab_hmac_key_file.empty()) {
            throw CLI::ValidationError("an EAB HMAC key needs --eab-kid"); // exit 64
        }
        return std::nullopt;
    }
    auto key = eab_hmac_key(o);
    if (key.empty()) {
        throw CLI::ValidationError(
            std::string("--eab-kid needs an HMAC key: --eab-hmac-key-file, ") + k_eab_key_env +
            " or --eab-hmac-key");
    }
    return acme::EabCredentials{o.eab_kid, std::move(key)};
}

int run_register(const GlobalOptions& g, const RegisterOptions& o) {
    StderrLogger log(g);
    acme::ops::RegisterRequest request;
    request.server_url = resolve_server_url(g);
    request.emails = o.emails;
    request.agree_tos = o.agree_tos;
    request.key_type = *acme::crypto::parse_key_type(o.key_type);
    request.eab = eab_credentials(o);
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    auto transport = make_transport(g);
    acme::Client client(*transport, request.server_url, log);
    if (o.show || !o.update_email.empty() || o.rollover_key || o.deactivate) {
        return manage_account(g, o, store, client, request.server_url);
    }
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
        ->check(value_sets::one_of(value_sets::key_types()))
        ->capture_default_str();
    sub->add_option("--eab-kid", options->eab_kid,
                    "External account binding key identifier from the CA (zerossl and "
                    "google require one)");
    auto* hmac = sub->add_option("--eab-hmac-key", options->eab_hmac_key,
                                 "External account binding HMAC key (base64url) from the CA; "
                                 "other local users can read it in ps: prefer "
                                 "--eab-hmac-key-file or ACMECTL_EAB_HMAC_KEY");
    auto* hmac_file =
        sub->add_option("--eab-hmac-key-file", options->eab_hmac_key_file,
                        "Read the external account binding HMAC key (base64url) from FILE")
            ->check(CLI::ExistingFile);
    hmac_file->excludes(hmac);
    auto* show = sub->add_flag("--show", options->show,
                               "Print the account as the CA has it (JSON) and exit");
    auto* update = sub->add_option("--update-email", options->update_email,
                                   "Replace the account's contact e-mails (repeatable)");
    auto* rollover = sub->add_flag("--rollover-key", options->rollover_key,
                                   "Replace the account key (RFC 8555 keyChange); the new "
                                   "key's type is --key-type");
    auto* deactivate =
        sub->add_flag("--deactivate", options->deactivate,
                      "Deactivate the account for good (asks unless --yes); its files "
                      "move aside to NAME.deactivated-TIME, so register makes a "
                      "new account");
    sub->add_flag("--yes", options->yes, "Do not ask for confirmation");
    show->excludes(update)->excludes(rollover)->excludes(deactivate);
    update->excludes(rollover)->excludes(deactivate);
    rollover->excludes(deactivate);
    return {sub, [&global, options] { return run_register(global, *options); }};
}

} // namespace acmectl
