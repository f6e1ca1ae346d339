#include "store/etcd/etcd_client.hpp"

#include "common/error.hpp"

namespace acme::store::etcd {

using nlohmann::json;

namespace {

// gRPC codes the gateway reports for a member that cannot serve right now:
// another member may (DEADLINE_EXCEEDED 4, UNAVAILABLE 14).
bool is_retriable(long status, const json& body) {
    if (status == 502 || status == 503 || status == 504)
        return true;
    const auto code = body.is_object() ? body.value("code", 0) : 0;
    const std::string message = body.is_object() ? body.value("error", "") : "";
    return code == 4 || code == 14 || message.find("leader") != std::string::npos ||
           message.find("timed out") != std::string::npos;
}

bool is_auth_failure(const json& body) {
    const std::string message = body.is_object() ? body.value("error", "") : "";
    return body.is_object() &&
           (body.value("code", 0) == 16 || message.find("invalid auth token") != std::string::npos);
}

std::string error_text(const json& body, long status) {
    if (body.is_object() && body.contains("error") && body["error"].is_string())
        return body["error"].get<std::string>();
    return "HTTP " + std::to_string(status);
}

} // namespace

void check_value_size(const std::string& key, const std::string& value) {
    // base64 grows a value by 4/3, and the request carries key and framing too.
    if ((value.size() + 2) / 3 * 4 + key.size() + 1024 > k_max_request_bytes)
        throw Error(ErrorKind::config, "the value of " + key + " is " +
                                           std::to_string(value.size()) +
                                           " bytes: etcd accepts requests up to 1.5 MiB");
}

Client::Client(ClientConfig config) : m_config(std::move(config)) {
    if (m_config.endpoints.empty())
        throw Error(ErrorKind::usage, "no etcd endpoint given");
    m_config.http.max_body = 256u << 20; // a range over many versions
    reset_transport();
}

Client::~Client() = default;

void Client::reset_transport() {
    http::ClientOptions options = m_config.http;
    if (!m_token.empty())
        options.extra_headers.push_back("Authorization: " + m_token);
    m_http = std::make_unique<http::CurlClient>(options);
}

std::string Client::endpoint_list() const {
    std::string out;
    for (const auto& e : m_config.endpoints)
        out += (out.empty() ? "" : ", ") + e;
    return out;
}

std::string Client::authorization(std::size_t endpoint) {
    if (m_config.user.empty())
        return "";
    std::lock_guard guard(m_mutex);
    if (m_token.empty())
        authenticate(endpoint % m_config.endpoints.size());
    return "Authorization: " + m_token;
}

void Client::authenticate(std::size_t endpoint) {
    json body = {{"name", m_config.user}, {"password", m_config.password}};
    m_token.clear();
    reset_transport();
    const auto url = m_config.endpoints[endpoint] + "/v3/auth/authenticate";
    const auto response = m_http->post(url, body.dump(), "application/json");
    const json answer = json::parse(response.body, nullptr, false);
    if (response.status != 200 || !answer.is_object() || !answer.contains("token"))
        throw Error(ErrorKind::config, "etcd at " + m_config.endpoints[endpoint] +
                                           " refused user " + m_config.user + ": " +
                                           error_text(answer, response.status));
    m_token = answer["token"].get<std::string>();
    reset_transport();
}

// nullopt (with `failure` set) when this endpoint cannot answer and another may.
std::optional<json> Client::call_once(std::size_t endpoint, const std::string& path,
                                      const std::string& body, std::string& failure) {
    const auto& base = m_config.endpoints[endpoint];
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (!m_config.user.empty() && m_token.empty())
            authenticate(endpoint);
        http::Response response;
        try {
            ++m_requests;
            response = m_http->post(base + path, body, "application/json");
        } catch (const Error& e) {
            if (!e.temporary() && e.kind() != ErrorKind::tls)
                throw;
            failure = e.what();
            return std::nullopt;
        }
        json answer = json::parse(response.body, nullptr, false);
        if (response.status == 200 && answer.is_object())
            return answer;
        if (is_auth_failure(answer) && !m_config.user.empty() && attempt == 0) {
            m_token.clear(); // expired token: log in again once
            continue;
        }
        if (is_retriable(response.status, answer)) {
            failure = base + ": " + error_text(answer, response.status);
            return std::nullopt;
        }
        throw Error(ErrorKind::config, "etcd at " + base + " refused " + path + ": " +
                                           error_text(answer, response.status));
    }
    throw Error(ErrorKind::config, "etcd at " + base + " does not accept our credentials");
}

json Client::call(const std::string& path, const json& request) {
    const std::string body = request.dump();
    if (body.size() > k_max_request_bytes)
        throw Error(ErrorKind::config, "a request of " + std::to_string(body.size()) +
                                           " bytes to etcd exceeds its 1.5 MiB limit");
    std::lock_guard guard(m_mutex);
    std::string last;
    const auto count = m_config.endpoints.size();
    for (std::size_t i = 0; i < count; ++i) {
        const auto endpoint = (m_current + i) % count;
        if (auto answer = call_once(endpoint, path, body, last)) {
            m_current = endpoint;
            return *answer;
        }
    }
    throw Error(ErrorKind::network, "etcd unreachable (tried " + endpoint_list() + "): " + last);
}

std::vector<KeyValue> Client::range(const std::string& key, const std::string& range_end,
                                    bool keys_only) {
    return decode_kvs(call("/v3/kv/range", encode_range(key, range_end, keys_only)));
}

std::optional<KeyValue> Client::get(const std::string& key) {
    auto kvs = range(key);
    if (kvs.empty())
        return std::nullopt;
    return std::move(kvs.front());
}

void Client::put(const std::string& key, const std::string& value, std::int64_t lease) {
    check_value_size(key, value);
    call("/v3/kv/put", encode_put(key, value, lease));
}

void Client::remove(const std::string& key, const std::string& range_end) {
    call("/v3/kv/deleterange", encode_delete(key, range_end));
}

TxnResult Client::txn(const std::vector<Compare>& compares, const std::vector<Op>& success,
                      const std::vector<Op>& failure) {
    for (const Op& op : success)
        check_value_size(op.key, op.value);
    json answer = call("/v3/kv/txn", encode_txn(compares, success, failure));
    TxnResult result;
    result.succeeded = answer.value("succeeded", false);
    result.responses = answer.value("responses", json::array());
    return result;
}

std::int64_t Client::lease_grant(int ttl_seconds) {
    json answer = call("/v3/lease/grant", {{"TTL", std::to_string(ttl_seconds)}});
    const auto id = decode_int(answer, "ID");
    if (id == 0)
        throw Error(ErrorKind::protocol, "etcd granted no lease: " + error_text(answer, 200));
    return id;
}

std::int64_t Client::lease_keepalive(std::int64_t id) {
    json answer = call("/v3/lease/keepalive", {{"ID", std::to_string(id)}});
    // The gateway streams: one {"result": {...}} object per message.
    const json& result = answer.contains("result") ? answer["result"] : answer;
    return decode_int(result, "TTL");
}

void Client::lease_revoke(std::int64_t id) {
    call("/v3/lease/revoke", {{"ID", std::to_string(id)}});
}

} // namespace acme::store::etcd
