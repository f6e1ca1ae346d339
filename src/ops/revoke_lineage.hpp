// acmectl revoke: revoke a lineage's current certificate (or any certificate
// file), signed by the account key or by the certificate's own key.
#pragma once

#include "acme/account_ops.hpp"
#include "acme/client.hpp"
#include "crypto/x509.hpp"
#include "store/store.hpp"

#include <optional>
#include <string>

namespace acme::ops {

struct RevokeRequest {
    std::string lineage;    // a lineage name, or ""
    std::string cert_path;  // a certificate file when no lineage is named
    std::string server_url; // for cert_path; a lineage uses its config's server
    std::string key_path;   // sign with this certificate key instead of the account
    RevocationReason reason = RevocationReason::unspecified;
    std::string reason_name = "unspecified";
    // The caller holds the lineage's lock already (delete --revoke): a
    // second try_lock would find it taken, by ourselves.
    bool lock_held = false;
};

struct RevokeResult {
    crypto::CertInfo cert;
    std::string server_url;
    bool signed_by_certificate_key = false;
    // keyCompromise on a lineage: its next issuance makes a new key, and
    // config.json's reuse_key was switched off when it was on.
    bool new_key_forced = false;
    bool reuse_key_turned_off = false;
};

// Throws Error(usage) for a missing lineage/file or a key that does not match
// the certificate, Error(conflict) when another process holds the lineage,
// Problem when the CA refuses. A revoked lineage is marked in state.json so
// that check reports it and renew replaces it (with a new key after keyCompromise).
RevokeResult revoke(const store::Store& store, Client& client, const RevokeRequest& request);

// The server a revoke request goes to (a lineage's config, or the request's).
std::string revoke_server(const store::Store& store, const RevokeRequest& request);

} // namespace acme::ops
