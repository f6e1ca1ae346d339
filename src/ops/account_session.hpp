// The account a command acts as: its key (as a signer) and its URL, loaded
// from the store or created by register_account.
#pragma once

#include "acme/account.hpp"
#include "acme/client.hpp"
#include "crypto/key.hpp"
#include "crypto/signer.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace acme::ops {

struct AccountSession {
    std::unique_ptr<crypto::KeySigner> signer; // heap: the client keeps a pointer
    AccountInfo info;
    std::filesystem::path key_path;
    std::string server_url;
    std::string account_name;
};

// Writes account.json from session.info (URL, status, contact, key type).
void save_account_info(const store::Store& store, const AccountSession& session);

// Updates of an account the session acts as; each saves account.json after
// the CA accepted. Throw Problem when the CA refuses.
nlohmann::json show_account(Client& client);
void update_account_email(const store::Store& store, Client& client, AccountSession& session,
                          const std::vector<std::string>& emails);
// Deactivation also moves the account's folder aside (returned), so that
// the next register makes a new account instead of finding this dead one.
std::filesystem::path deactivate_account(const store::Store& store, Client& client,
                                         AccountSession& session);
// New key of key_type: staged as key.pem.next, sent with keyChange, then
// renamed over key.pem; a refusal leaves key.pem and the account as they were.
void rollover_account_key(const store::Store& store, Client& client, AccountSession& session,
                          crypto::KeyType key_type);

// Loads accounts/<server>/<name> and points the client at it. Throws
// Error(config) "no account for <server> ... run 'acmectl register'" when
// there is none.
[[nodiscard]] AccountSession load_account_session(const store::Store& store, Client& client,
                                                  const std::string& server_url,
                                                  const std::string& name);

struct RegisterRequest {
    std::string server_url;
    std::string account_name = "default";
    std::vector<std::string> emails;
    bool agree_tos = false;
    crypto::KeyType key_type = crypto::KeyType::ec256;
    std::optional<EabCredentials> eab;
};

// Returns the existing account for this server and store (asking the CA with
// onlyReturnExisting and the stored key) or creates one. Refuses, before
// anything is written, when the CA has terms of service and agree_tos is
// false, or requires EAB and none is given (Error(usage)). The key is written
// 0600 before newAccount so that a key the CA may know is never lost.
[[nodiscard]] AccountSession register_account(const store::Store& store, Client& client,
                                              const RegisterRequest& request);

} // namespace acme::ops
