#include "acme/problem.hpp"

#include "common/server_text.hpp"
#include "common/untrusted_json.hpp"

namespace acme {

namespace {

constexpr std::string_view k_acme_prefix = "urn:ietf:params:acme:error:";
constexpr std::size_t k_max_detail = 400;
constexpr std::size_t k_max_subproblems = 20;

// Server text ends up on a terminal: keep it one short line of printable bytes.
std::string clean(const std::string& text) {
    return clean_server_text(text, k_max_detail);
}

std::string string_member(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? clean(it->get<std::string>()) : "";
}

std::vector<Subproblem> read_subproblems(const nlohmann::json& doc) {
    std::vector<Subproblem> out;
    auto it = doc.find("subproblems");
    if (it == doc.end() || !it->is_array()) {
        return out;
    }
    for (const auto& sub : *it) {
        if (!sub.is_object() || out.size() >= k_max_subproblems) {
            continue;
        }
        Subproblem s{string_member(sub, "type"), string_member(sub, "detail"), ""};
        auto id = sub.find("identifier");
        if (id != sub.end() && id->is_object()) {
            s.identifier = string_member(*id, "value");
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string short_type(const std::string& type) {
    return type.rfind(k_acme_prefix, 0) == 0 ? type.substr(k_acme_prefix.size()) : type;
}

std::string message_for(std::string_view context, const std::string& type,
                        const std::string& detail, const std::vector<Subproblem>& subs) {
    std::string msg = "the CA refused " + std::string(context) + ": ";
    msg += detail.empty() ? "no detail given" : detail;
    if (!type.empty()) {
        msg += " (" + short_type(type) + ")";
    }
    for (const auto& s : subs) {
        msg += "; " + (s.identifier.empty() ? std::string() : s.identifier + ": ") + s.detail;
    }
    return msg;
}

} // namespace

Problem::Problem(std::string type, std::string detail, long status,
                 std::vector<Subproblem> subproblems,
                 std::optional<std::chrono::seconds> retry_after, std::string message)
    : Error(ErrorKind::acme_problem, message), m_type(std::move(type)),
      m_detail(std::move(detail)), m_status(status), m_subproblems(std::move(subproblems)),
      m_retry_after(retry_after) {}

bool Problem::is(std::string_view name) const {
    return m_type.size() == k_acme_prefix.size() + name.size() &&
           m_type.rfind(k_acme_prefix, 0) == 0 && m_type.substr(k_acme_prefix.size()) == name;
}

bool Problem::temporary() const {
    return is(problem_type::rate_limited) || m_status == 429 || m_status == 503 ||
           (m_status >= 500 && !is(problem_type::bad_nonce));
}

Problem problem_from_json(const nlohmann::json& doc, std::string_view context) {
    if (!doc.is_object()) {
        return Problem("", "", 0, {}, std::nullopt,
                       "the CA refused " + std::string(context) + ": malformed problem document");
    }
    std::string type = string_member(doc, "type");
    std::string detail = string_member(doc, "detail");
    long status = 0;
    auto st = doc.find("status");
    if (st != doc.end() && st->is_number_integer()) {
        status = st->get<long>();
    }
    auto subs = read_subproblems(doc);
    auto msg = message_for(context, type, detail, subs);
    return Problem(type, detail, status, std::move(subs), std::nullopt, msg);
}

Problem problem_from_response(const http::Response& response, std::string_view context) {
    auto doc = parse_untrusted_json(response.body);
    std::string type, detail;
    std::vector<Subproblem> subs;
    if (doc.is_object()) {
        type = string_member(doc, "type");
        detail = string_member(doc, "detail");
        subs = read_subproblems(doc);
    }
    if (detail.empty()) {
        detail = "HTTP status " + std::to_string(response.status);
    }
    auto msg = message_for(context, type, detail, subs);
    return Problem(type, detail, response.status, std::move(subs), response.retry_after(), msg);
}

} // namespace acme
