#include "acme/order.hpp"

#include "acme/json_access.hpp"
#include "acme/problem.hpp"
#include "common/error.hpp"
#include "common/server_text.hpp"
#include "crypto/base64url.hpp"
#include "crypto/x509.hpp"

#include <algorithm>
#include <cctype>

namespace acme {

namespace {

constexpr std::size_t k_max_authorizations = 2 * k_max_identifiers;
constexpr std::size_t k_max_challenges = 16;
constexpr std::size_t k_max_alternates = 10;

Identifier read_identifier(const nlohmann::json& obj, std::string_view what) {
    if (!obj.is_object()) {
        throw Error(ErrorKind::protocol, "the CA sent a malformed " + std::string(what) +
                                             ": identifier is not an object");
    }
    return {required_string(obj, "type", what), required_string(obj, "value", what)};
}

// A status is a keyword; a hostile one must not reach a terminal raw.
std::string read_status(const nlohmann::json& obj, std::string_view what) {
    return clean_server_text(required_string(obj, "status", what), 40);
}

bool same_identifier(const Identifier& a, const Identifier& b) {
    return a.type == b.type && a.value.size() == b.value.size() &&
           std::equal(a.value.begin(), a.value.end(), b.value.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool listed(const std::vector<Identifier>& ids, const Identifier& id) {
    return std::any_of(ids.begin(), ids.end(),
                       [&](const Identifier& x) { return same_identifier(x, id); });
}

// RFC 8555 §7.4: the order's identifiers are the ones requested. A CA that
// adds a name would have us prove control of, and print, a name we never asked for.
void check_order_identifiers(const Order& order, const std::vector<Identifier>& requested) {
    for (const auto& id : order.identifiers) {
        if (!listed(requested, id)) {
            throw Error(ErrorKind::protocol, "the CA's order names '" +
                                                 clean_server_text(id.value, 80) +
                                                 "', which was not requested");
        }
    }
}

nlohmann::json error_member(const nlohmann::json& doc) {
    auto it = doc.find("error");
    return it != doc.end() && it->is_object() ? *it : nlohmann::json();
}

Order parse_order(Client& client, const http::Response& response, std::string url) {
    constexpr std::string_view what = "order";
    auto doc = parse_object(response.body, what);
    Order order;
    order.url = std::move(url);
    order.status = read_status(doc, what);
    auto ids = doc.find("identifiers");
    if (ids != doc.end() && ids->is_array()) {
        for (const auto& id : *ids) {
            order.identifiers.push_back(read_identifier(id, what));
        }
    }
    order.authorizations = string_array(doc, "authorizations", what);
    if (order.authorizations.size() > k_max_authorizations) {
        throw Error(ErrorKind::protocol, "the CA sent an order with too many authorizations");
    }
    for (const auto& a : order.authorizations) {
        client.check_server_url(a, "authorization URL");
    }
    order.finalize = required_string(doc, "finalize", what);
    client.check_server_url(order.finalize, "finalize URL");
    order.certificate = optional_string(doc, "certificate", what);
    if (!order.certificate.empty()) {
        client.check_server_url(order.certificate, "certificate URL");
    }
    order.error = error_member(doc);
    order.retry_after = response.retry_after();
    return order;
}

Challenge parse_challenge(Client& client, const nlohmann::json& obj) {
    constexpr std::string_view what = "challenge";
    if (!obj.is_object()) {
        throw Error(ErrorKind::protocol, "the CA sent a malformed challenge: not an object");
    }
    Challenge ch;
    ch.type = required_string(obj, "type", what);
    ch.url = required_string(obj, "url", what);
    client.check_server_url(ch.url, "challenge URL");
    ch.status = read_status(obj, what);
    ch.token = optional_string(obj, "token", what);
    // The token ends up in a file name and an HTTP path: only base64url passes.
    if (!ch.token.empty() && (ch.token.size() > 256 || !crypto::is_base64url(ch.token))) {
        throw Error(ErrorKind::protocol, "the CA sent a challenge token that is not base64url");
    }
    ch.error = error_member(obj);
    return ch;
}

Authorization parse_authorization(Client& client, const http::Response& response, std::string url) {
    constexpr std::string_view what = "authorization";
    auto doc = parse_object(response.body, what);
    Authorization authz;
    authz.url = std::move(url);
    auto id = doc.find("identifier");
    authz.identifier = read_identifier(id == doc.end() ? nlohmann::json() : *id, what);
    authz.status = read_status(doc, what);
    auto wc = doc.find("wildcard");
    authz.wildcard = wc != doc.end() && wc->is_boolean() && wc->get<bool>();
    auto chs = doc.find("challenges");
    if (chs != doc.end() && chs->is_array()) {
        for (const auto& c : *chs) {
            if (authz.challenges.size() < k_max_challenges) {
                authz.challenges.push_back(parse_challenge(client, c));
            }
        }
    }
    authz.retry_after = response.retry_after();
    return authz;
}

// Poll spacing: Retry-After when the CA gives one, clamped to [1 s, 60 s];
// otherwise 50 ms doubling up to 5 s. A CA that validates in a few
// milliseconds is then asked once more, not waited on for a quarter second,
// and a slow one (seconds) gets about as many polls as with a longer start.
std::chrono::milliseconds poll_delay(std::optional<std::chrono::seconds> retry_after, int round) {
    using namespace std::chrono;
    if (retry_after) {
        return duration_cast<milliseconds>(std::clamp(*retry_after, seconds(1), seconds(60)));
    }
    return std::min(milliseconds(50) * (1 << std::min(round, 7)), milliseconds(5000));
}

void sleep_before_deadline(Client& client, std::chrono::milliseconds delay,
                           Clock::time_point deadline, const std::string& what) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
        throw Error(ErrorKind::timeout, "timed out waiting for " + what);
    }
    client.sleep(std::min(delay, left));
}

} // namespace

const Challenge* Authorization::find(const std::string& type) const {
    for (const auto& ch : challenges) {
        if (ch.type == type) {
            return &ch;
        }
    }
    return nullptr;
}

Order new_order(Client& client, const NewOrderRequest& request) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& id : request.identifiers) {
        ids.push_back({{"type", id.type}, {"value", id.value}});
    }
    nlohmann::json payload = {{"identifiers", ids}};
    if (!request.replaces.empty()) {
        payload["replaces"] = request.replaces;
    }
    if (!request.profile.empty()) {
        payload["profile"] = request.profile;
    }
    auto response = client.post(client.directory().new_order, payload, "the new order");
    auto location = response.header("location");
    if (location.empty()) {
        throw Error(ErrorKind::protocol, "the CA's newOrder answer has no Location header");
    }
    client.check_server_url(location, "order URL");
    auto order = parse_order(client, response, location);
    check_order_identifiers(order, request.identifiers);
    return order;
}

Order fetch_order(Client& client, const std::string& url) {
    return parse_order(client, client.post_as_get(url, "the order request"), url);
}

Authorization fetch_authorization(Client& client, const std::string& url) {
    return parse_authorization(client, client.post_as_get(url, "the authorization request"), url);
}

void check_authorization_in_order(const Order& order, const Authorization& authz) {
    Identifier named = authz.identifier;
    if (authz.wildcard) {
        named.value = "*." + named.value; // RFC 8555 §7.1.4: the base name, flagged
    }
    if (!listed(order.identifiers, named)) {
        throw Error(ErrorKind::protocol, "the CA sent an authorization for '" +
                                             clean_server_text(named.value, 80) +
                                             "', which is not in the order");
    }
}

void respond_challenge(Client& client, const Challenge& challenge) {
    client.post(challenge.url, nlohmann::json::object(), "the " + challenge.type + " challenge");
}

Authorization wait_authorization(Client& client, const std::string& url,
                                 Clock::time_point deadline) {
    sleep_before_deadline(client, poll_delay(std::nullopt, 0), deadline,
                          "the validation at " + url);
    for (int round = 1;; ++round) {
        auto authz = fetch_authorization(client, url);
        if (authz.status != "pending") {
            return authz;
        }
        sleep_before_deadline(client, poll_delay(authz.retry_after, round), deadline,
                              "the validation of " + authz.identifier.value);
    }
}

Order wait_order(Client& client, const std::string& url, Clock::time_point deadline) {
    for (int round = 0;; ++round) {
        auto order = fetch_order(client, url);
        if (order.status != "pending" && order.status != "processing") {
            return order;
        }
        sleep_before_deadline(client, poll_delay(order.retry_after, round), deadline,
                              "the order to become " +
                                  std::string(order.status == "pending" ? "ready" : "valid"));
    }
}

Order finalize_order(Client& client, const Order& order, const std::string& csr_der) {
    nlohmann::json payload = {{"csr", crypto::base64url_encode(csr_der)}};
    auto response = client.post(order.finalize, payload, "the finalize request");
    return parse_order(client, response, order.url);
}

Order finalize_when_ready(Client& client, const Order& order, const std::string& csr_der,
                          Clock::time_point deadline) {
    try {
        return finalize_order(client, order, csr_der);
    } catch (const Problem& p) {
        if (!p.is(problem_type::order_not_ready)) {
            throw;
        }
    }
    auto fresh = wait_order(client, order.url, deadline);
    return fresh.status == "ready" ? finalize_order(client, fresh, csr_der) : fresh;
}

std::vector<std::string> download_chains(Client& client, const std::string& certificate_url) {
    std::vector<std::string> chains;
    auto first = client.post_as_get(certificate_url, "the certificate download");
    crypto::split_pem_chain(first.body); // throws unless it is a PEM certificate chain
    chains.push_back(first.body);
    auto alternates = first.links("alternate");
    for (std::size_t i = 0; i < alternates.size() && i < k_max_alternates; ++i) {
        client.check_server_url(alternates[i], "alternate chain URL");
        auto alt = client.post_as_get(alternates[i], "the alternate chain download");
        crypto::split_pem_chain(alt.body);
        chains.push_back(alt.body);
    }
    return chains;
}

std::size_t choose_chain(const std::vector<std::string>& chains,
                         const std::string& preferred_issuer_cn) {
    if (preferred_issuer_cn.empty()) {
        return 0;
    }
    for (std::size_t i = 0; i < chains.size(); ++i) {
        auto certs = crypto::split_pem_chain(chains[i]);
        if (crypto::read_certificate(certs.back()).issuer_cn == preferred_issuer_cn) {
            return i;
        }
    }
    return 0;
}

} // namespace acme
