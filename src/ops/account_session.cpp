#include "ops/account_session.hpp"

#include "acme/account_ops.hpp"
#include "acme/problem.hpp"
#include "acme/server_alias.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"

namespace acme::ops {

namespace {

AccountSession make_session(const store::Store& store, const std::string& server_url,
                            const std::string& name, const std::string& key_pem) {
    AccountSession session;
    session.signer = std::make_unique<crypto::KeySigner>(crypto::PrivateKey::from_pem(key_pem));
    session.key_path = store.account_dir(server_url, name) / "key.pem";
    session.server_url = server_url;
    session.account_name = name;
    return session;
}

} // namespace

void save_account_info(const store::Store& store, const AccountSession& session) {
    const auto& server_url = session.server_url;
    nlohmann::json doc = {{"url", session.info.url},
                          {"status", session.info.status},
                          {"contact", session.info.contact},
                          {"server", server_url},
                          {"key_type", crypto::key_type_name(session.signer->key().type())},
                          {"updated_at", utc_now_iso8601()}};
    store.save_account(server_url, session.account_name, doc);
}

namespace {

// Asks the CA for the account of a stored key; nullopt when it has none.
std::optional<AccountInfo> find_existing(Client& client, AccountSession& session) {
    client.set_signer(*session.signer, "");
    try {
        NewAccountRequest lookup;
        lookup.only_return_existing = true;
        return new_account(client, lookup);
    } catch (const Problem& p) {
        if (p.is(problem_type::account_does_not_exist)) {
            return std::nullopt;
        }
        throw;
    }
}

void check_preconditions(Client& client, const RegisterRequest& request) {
    const auto& dir = client.directory();
    if (!dir.terms_of_service.empty() && !request.agree_tos) {
        throw Error(ErrorKind::usage, "the CA's terms of service must be accepted: read " +
                                          dir.terms_of_service + " and pass --agree-tos");
    }
    if (dir.external_account_required && !request.eab) {
        throw Error(ErrorKind::usage, "the CA requires external account binding: pass "
                                      "--eab-kid and --eab-hmac-key-file from your CA account");
    }
}

} // namespace

AccountSession load_account_session(const store::Store& store, Client& client,
                                    const std::string& server_url, const std::string& name) {
    auto stored = store.load_account(server_url, name);
    if (!stored || !stored->account.is_object() || !stored->account.contains("url") ||
        !stored->account["url"].is_string()) {
        throw Error(ErrorKind::config, "no account for " + server_url + " in " +
                                           store.home().string() +
                                           ": run 'acmectl register' (or pass --agree-tos)");
    }
    auto session = make_session(store, server_url, name, stored->key_pem);
    session.info.url = stored->account["url"].get<std::string>();
    session.info.status = stored->account.value("status", "valid");
    client.set_signer(*session.signer, session.info.url);
    return session;
}

AccountSession register_account(const store::Store& store, Client& client,
                                const RegisterRequest& request) {
    const auto& name = request.account_name;
    auto stored = store.load_account(request.server_url, name);
    // Known to need EAB: say so before any request (the directory says it too).
    const auto eab_note = eab_requirement(request.server_url);
    if (!stored && !request.eab && !eab_note.empty()) {
        throw Error(ErrorKind::usage, eab_note);
    }
    if (stored) {
        auto session = make_session(store, request.server_url, name, stored->key_pem);
        if (auto existing = find_existing(client, session)) {
            session.info = *existing;
            session.info.created = false;
            save_account_info(store, session);
            client.set_signer(*session.signer, session.info.url);
            return session;
        }
    }
    check_preconditions(client, request);
    std::vector<std::string> contact;
    for (const auto& email : request.emails) {
        contact.push_back(mailto(email));
    }
    if (!stored) {
        auto key = crypto::PrivateKey::generate(request.key_type);
        store.save_account_key(request.server_url, name, key.to_pem());
        stored = store.load_account(request.server_url, name);
    }
    auto session = make_session(store, request.server_url, name, stored->key_pem);
    client.set_signer(*session.signer, "");
    NewAccountRequest create{contact, request.agree_tos, false, request.eab};
    session.info = new_account(client, create);
    save_account_info(store, session);
    client.set_signer(*session.signer, session.info.url);
    return session;
}

nlohmann::json show_account(Client& client) {
    return fetch_account(client);
}

namespace {

void take_account_object(AccountSession& session, const nlohmann::json& account) {
    if (account.contains("status") && account["status"].is_string()) {
        session.info.status = account["status"].get<std::string>();
    }
    if (account.contains("contact") && account["contact"].is_array()) {
        session.info.contact.clear();
        for (const auto& c : account["contact"]) {
            if (c.is_string()) {
                session.info.contact.push_back(c.get<std::string>());
            }
        }
    }
}

} // namespace

void update_account_email(const store::Store& store, Client& client, AccountSession& session,
                          const std::vector<std::string>& emails) {
    std::vector<std::string> contact;
    for (const auto& email : emails) {
        contact.push_back(mailto(email));
    }
    take_account_object(session, update_contact(client, contact));
    save_account_info(store, session);
}

std::filesystem::path deactivate_account(const store::Store& store, Client& client,
                                         AccountSession& session) {
    take_account_object(session, acme::deactivate_account(client));
    session.info.status = "deactivated";
    save_account_info(store, session);
    auto stamp = utc_now_iso8601(); // 2026-12-05T10:33:16Z -> 20261205T103316Z
    std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
    auto moved =
        store.retire_account(session.server_url, session.account_name, "deactivated-" + stamp);
    session.key_path = moved / "key.pem";
    return moved;
}

void rollover_account_key(const store::Store& store, Client& client, AccountSession& session,
                          crypto::KeyType key_type) {
    auto next = std::make_unique<crypto::KeySigner>(crypto::PrivateKey::generate(key_type));
    store.stage_account_key(session.server_url, session.account_name, next->key().to_pem());
    try {
        change_key(client, *next);
    } catch (...) {
        store.discard_account_key(session.server_url, session.account_name);
        throw;
    }
    store.commit_account_key(session.server_url, session.account_name);
    session.signer = std::move(next); // the client already signs with it
    save_account_info(store, session);
}

} // namespace acme::ops
