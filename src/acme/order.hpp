// Orders, authorizations and challenges (RFC 8555 §7.1.3-7.1.5, §7.4, §7.5),
// finalize and certificate download with alternate chains (§7.4.2).
#pragma once

#include "acme/client.hpp"
#include "acme/names.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acme {

using Clock = std::chrono::steady_clock;

struct Order {
    std::string url;
    std::string status; // pending, ready, processing, valid, invalid
    std::vector<Identifier> identifiers;
    std::vector<std::string> authorizations;
    std::string finalize;
    std::string certificate; // once valid
    nlohmann::json error;    // problem document when invalid, else null
    std::optional<std::chrono::seconds> retry_after;
};

struct Challenge {
    std::string type;
    std::string url;
    std::string token; // checked base64url for the types that carry one
    std::string status;
    nlohmann::json error;
};

struct Authorization {
    std::string url;
    Identifier identifier;
    std::string status; // pending, valid, invalid, deactivated, expired, revoked
    bool wildcard = false;
    std::vector<Challenge> challenges;
    std::optional<std::chrono::seconds> retry_after;

    // The challenge of that type, or nullptr.
    const Challenge* find(const std::string& type) const;
};

struct NewOrderRequest {
    std::vector<Identifier> identifiers;
    std::string replaces; // ARI certID (RFC 9773 §5), "" for none
    std::string profile;  // "" for the CA's default
};

Order new_order(Client& client, const NewOrderRequest& request);
Order fetch_order(Client& client, const std::string& url);
Authorization fetch_authorization(Client& client, const std::string& url);
// Throws Error(protocol) unless authz is for one of the order's identifiers
// (the order's own were checked against the request by new_order).
void check_authorization_in_order(const Order& order, const Authorization& authz);
// Tells the CA the challenge is ready (POST {}).
void respond_challenge(Client& client, const Challenge& challenge);

// Polls until the authorization leaves "pending" (honouring Retry-After,
// bounded by deadline). Returns it; throws Error(timeout) past the deadline.
// It sleeps before the first poll too: the caller has just answered the
// challenge, and an immediate poll mostly finds the validation still running.
Authorization wait_authorization(Client& client, const std::string& url,
                                 Clock::time_point deadline);
// Polls until the order is no longer pending/processing (or, with
// until_ready, no longer pending). Throws Error(timeout) past the deadline.
Order wait_order(Client& client, const std::string& url, Clock::time_point deadline);

// Sends the CSR (DER) to the order's finalize URL and returns the order.
Order finalize_order(Client& client, const Order& order, const std::string& csr_der);
// finalize_order for an order believed ready (all its authorizations valid)
// but not fetched since: on orderNotReady it polls the order (wait_order) and
// finalizes once more if it became ready; else returns the order as polled.
Order finalize_when_ready(Client& client, const Order& order, const std::string& csr_der,
                          Clock::time_point deadline);

// The default chain first, then each Link rel="alternate" chain (at most 10).
// Each is a PEM bundle, leaf first. Throws Error(protocol) on anything else.
std::vector<std::string> download_chains(Client& client, const std::string& certificate_url);

// The chain whose topmost certificate's issuer CN equals preferred_issuer_cn,
// else the first (the CA's default).
std::size_t choose_chain(const std::vector<std::string>& chains,
                         const std::string& preferred_issuer_cn);

} // namespace acme
