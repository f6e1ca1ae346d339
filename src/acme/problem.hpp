// RFC 8555 §6.7 / RFC 7807 problem documents as a typed error, with
// predicates for the types that change what the client does (lego's
// acme/errors.go does the same).
#pragma once

#include "common/error.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acme {

// The urn:ietf:params:acme:error: suffixes we act upon (RFC 8555 §6.7, RFC 9773).
namespace problem_type {
inline constexpr std::string_view bad_nonce = "badNonce";
inline constexpr std::string_view rate_limited = "rateLimited";
inline constexpr std::string_view already_replaced = "alreadyReplaced";
inline constexpr std::string_view account_does_not_exist = "accountDoesNotExist";
inline constexpr std::string_view external_account_required = "externalAccountRequired";
inline constexpr std::string_view user_action_required = "userActionRequired";
inline constexpr std::string_view unauthorized = "unauthorized";
inline constexpr std::string_view rejected_identifier = "rejectedIdentifier";
inline constexpr std::string_view malformed = "malformed";
inline constexpr std::string_view order_not_ready = "orderNotReady";
inline constexpr std::string_view server_internal = "serverInternal";
} // namespace problem_type

struct Subproblem {
    std::string type;
    std::string detail;
    std::string identifier; // the identifier's value, "" when absent
};

class Problem : public Error {
  public:
    Problem(std::string type, std::string detail, long status, std::vector<Subproblem> subproblems,
            std::optional<std::chrono::seconds> retry_after, std::string message);

    const std::string& type() const { return m_type; }
    const std::string& detail() const { return m_detail; }
    long status() const { return m_status; }
    const std::vector<Subproblem>& subproblems() const { return m_subproblems; }
    std::optional<std::chrono::seconds> retry_after() const { return m_retry_after; }
    // True when type is urn:ietf:params:acme:error:<name>.
    bool is(std::string_view name) const;
    bool temporary() const override;

  private:
    std::string m_type;
    std::string m_detail;
    long m_status;
    std::vector<Subproblem> m_subproblems;
    std::optional<std::chrono::seconds> m_retry_after;
};

// Builds a Problem from an error response (any body: a non-JSON body becomes a
// problem with the HTTP status as detail). context names the request ("newOrder").
Problem problem_from_response(const http::Response& response, std::string_view context);
// Builds a Problem from a problem object embedded in an order/challenge "error".
Problem problem_from_json(const nlohmann::json& doc, std::string_view context);

} // namespace acme
