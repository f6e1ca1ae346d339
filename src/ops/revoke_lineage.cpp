#include "ops/revoke_lineage.hpp"

#include "common/error.hpp"
#include "common/time_format.hpp"
#include "ops/account_session.hpp"
#include "ops/lineage_state.hpp"
#include "store/atomic_file.hpp"

namespace acme::ops {

namespace {

std::string certificate_text(const store::Store& store, const RevokeRequest& request) {
    if (!request.lineage.empty()) {
        if (!store.lineage_exists(request.lineage) || !store.current_version(request.lineage)) {
            throw Error(ErrorKind::usage,
                        "no lineage named '" + request.lineage + "' with a current certificate");
        }
        return store::read_file(store.current_dir(request.lineage) / "cert.pem", 1 << 20);
    }
    return store::read_file(request.cert_path, 1 << 20);
}

void mark_revoked(const store::Store& store, const RevokeRequest& request,
                  const crypto::CertInfo& cert) {
    auto state = state_from_json(store.read_state(request.lineage));
    state.revoked_serial = cert.serial_hex;
    state.revoked_reason = request.reason_name;
    state.revoked_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    store.write_state(request.lineage, state_to_json(state));
}

// A compromised key must not be certified again: --reuse-key stays off until
// the user turns it on again. Returns true when it was on.
bool turn_off_reuse_key(const store::Store& store, const std::string& name) {
    auto config = store.read_config(name);
    if (!config.value("reuse_key", false)) {
        return false;
    }
    config["reuse_key"] = false;
    store.write_config(name, config);
    return true;
}

} // namespace

std::string revoke_server(const store::Store& store, const RevokeRequest& request) {
    if (request.lineage.empty()) {
        return request.server_url;
    }
    if (!store.lineage_exists(request.lineage)) {
        throw Error(ErrorKind::usage,
                    "no lineage named '" + request.lineage + "' in " + store.home().string());
    }
    auto config = store.read_config(request.lineage);
    auto it = config.find("server");
    if (it == config.end() || !it->is_string()) {
        throw Error(ErrorKind::config, "config.json of " + request.lineage + " names no server");
    }
    return it->get<std::string>();
}

RevokeResult revoke(const store::Store& store, Client& client, const RevokeRequest& request) {
    std::unique_ptr<store::Lock> lock;
    if (!request.lineage.empty()) {
        revoke_server(store, request); // an unknown lineage fails before a lock file exists
        if (!request.lock_held)
            lock = store.try_lock(request.lineage);
        if (!request.lock_held && !lock) {
            throw Error(ErrorKind::conflict,
                        "lineage " + request.lineage + " is locked by another acmectl");
        }
    }
    RevokeResult result;
    auto pem = certificate_text(store, request);
    result.cert = crypto::read_certificate(crypto::split_pem_chain(pem).front());
    result.server_url = revoke_server(store, request);
    std::optional<AccountSession> session;
    std::unique_ptr<crypto::KeySigner> cert_key;
    if (!request.key_path.empty()) {
        auto key = crypto::PrivateKey::from_pem(store::read_file(request.key_path, 1 << 20));
        if (!crypto::key_matches_certificate(key, crypto::split_pem_chain(pem).front())) {
            throw Error(ErrorKind::usage, request.key_path + " is not the certificate's key");
        }
        cert_key = std::make_unique<crypto::KeySigner>(std::move(key));
        client.set_signer(*cert_key, ""); // jwk: the certificate key proves control (§7.6)
        result.signed_by_certificate_key = true;
    } else {
        std::string account = "default";
        if (!request.lineage.empty()) {
            account = store.read_config(request.lineage).value("account", "default");
        }
        session = load_account_session(store, client, result.server_url, account);
    }
    revoke_certificate(client, result.cert.der, request.reason);
    if (!request.lineage.empty()) {
        mark_revoked(store, request, result.cert);
        if (request.reason == RevocationReason::key_compromise) {
            result.new_key_forced = true;
            result.reuse_key_turned_off = turn_off_reuse_key(store, request.lineage);
        }
    }
    return result;
}

} // namespace acme::ops
