#include "store/etcd/etcd_client.hpp"

#include "common/error.hpp"

#include <thread>

namespace acme::store::etcd {

using nlohmann::json;

namespace {

// A leader election takes about two election timeouts (1 s each by default).
constexpr int k_busy_rounds = 8;
constexpr std::chrono::milliseconds k_busy_pause{500};

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

// etcd's JSON gateway calls etcd's gRPC port presenting etcd's own server
// certificate; under client-cert-auth, one without clientAuth is refused and
// every request answers "connection closed" while etcdctl works.
std::string gateway_hint(const std::string& endpoint, const json& answer) {
    const auto text = error_text(answer, 0);
    if (endpoint.rfind("https://", 0) != 0 ||
        (text.find("connection closed") == std::string::npos &&
         text.find("connection error") == std::string::npos))
        return "";
    return " (etcd's gateway cannot reach etcd itself: with client-cert-auth, etcd's server "
           "certificate needs extendedKeyUsage clientAuth too)";
}

} // namespace

// etcd with authentication on names no option; say which one is missing.
std::string Client::auth_hint(const json& answer) const {
    const std::string message = error_text(answer, 0);
    if (m_config.user.empty() && message.find("user name is empty") != std::string::npos)
        return " (etcd demands a user: give --store-credentials FILE holding USER:PASSWORD)";
    if (message.find("permission denied") != std::string::npos)
        return " (etcd user " + (m_config.user.empty() ? std::string("(none)") : m_config.user) +
               " needs a role with read and write permission on the store's prefix)";
    return "";
}

void check_request_size(const std::vector<Op>& ops) {
    // etcd measures the request as protobuf (raw bytes, not the gateway's
    // base64): keys, values and a little framing per operation.
    std::size_t total = 512;
    const Op* largest = nullptr;
    for (const Op& op : ops) {
        total += op.key.size() + op.value.size() + op.range_end.size() + 32;
        if (largest == nullptr || op.value.size() > largest->value.size())
            largest = &op;
    }
    if (total <= k_max_request_bytes || largest == nullptr)
        return;
    throw Error(ErrorKind::config,
                "cannot write " + largest->key + " (" + std::to_string(largest->value.size()) +
                    " bytes) to etcd: the request would be " + std::to_string(total) +
                    " bytes, and etcd accepts up to 1.5 MiB (" +
                    std::to_string(k_max_request_bytes) + ", its --max-request-bytes)");
}

void check_value_size(const std::string& key, const std::string& value) {
    check_request_size({put_op(key, value)});
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
    ++m_requests;
    const auto response = m_http->post(url, body.dump(), "application/json");
    const json answer = json::parse(response.body, nullptr, false);
    if (response.status != 200 || !answer.is_object() || !answer.contains("token"))
        throw Error(is_retriable(response.status, answer) ? ErrorKind::network : ErrorKind::config,
                    "etcd at " + m_config.endpoints[endpoint] + " refused user " + m_config.user +
                        ": " + error_text(answer, response.status));
    m_token = answer["token"].get<std::string>();
    reset_transport();
}

// nullopt (with `failure` set) when this endpoint cannot answer and another may;
// `busy` once a member answered that it cannot serve right now.
std::optional<json> Client::call_once(std::size_t endpoint, const std::string& path,
                                      const std::string& body, std::string& failure, bool& busy) {
    const auto& base = m_config.endpoints[endpoint];
    for (int attempt = 0; attempt < 2; ++attempt) {
        http::Response response;
        try {
            if (!m_config.user.empty() && m_token.empty())
                authenticate(endpoint); // an unreachable member: try the next one
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
            failure =
                base + ": " + error_text(answer, response.status) + gateway_hint(base, answer);
            busy = true;
            return std::nullopt;
        }
        throw Error(ErrorKind::config, "etcd at " + base + " refused " + path + ": " +
                                           error_text(answer, response.status) + auth_hint(answer));
    }
    throw Error(ErrorKind::config, "etcd at " + base + " does not accept our credentials");
}

// Every endpoint in turn, from the one that answered last. When a member
// answered "no leader / unavailable" (an election after the leader died takes
// a second or two), the round is tried again a few times; when every
// connection failed it is not: an unreachable store is reported at once.
json Client::call(const std::string& path, const json& request) {
    const std::string body = request.dump(); // sizes checked by put and txn
    std::lock_guard guard(m_mutex);
    std::string last;
    const auto count = m_config.endpoints.size();
    for (int round = 0;; ++round) {
        bool busy = false;
        for (std::size_t i = 0; i < count; ++i) {
            const auto endpoint = (m_current + i) % count;
            if (auto answer = call_once(endpoint, path, body, last, busy)) {
                m_current = endpoint;
                return *answer;
            }
        }
        if (!busy || round + 1 >= k_busy_rounds)
            break;
        std::this_thread::sleep_for(k_busy_pause);
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
    check_request_size(success);
    json answer = call("/v3/kv/txn", encode_txn(compares, success, failure));
    TxnResult result;
    result.succeeded = answer.value("succeeded", false);
    result.responses = answer.value("responses", json::array());
    return result;
}

std::vector<KeyValue> txn_range(const TxnResult& result, std::size_t index) {
    if (!result.responses.is_array() || index >= result.responses.size())
        return {};
    const json& response = result.responses[index];
    auto it = response.find("response_range");
    return it == response.end() ? std::vector<KeyValue>{} : decode_kvs(*it);
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
