// A small etcd v3 client over the JSON gateway, on src/http's libcurl client:
// several endpoints with failover, optional TLS client certificates and
// user/password authentication. Reads are linearizable (etcd's default).
#pragma once

#include "http/curl_client.hpp"
#include "store/etcd/gateway_json.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace acme::store::etcd {

// etcd's default --max-request-bytes: larger requests are refused.
inline constexpr std::size_t k_max_request_bytes = 1536 * 1024;

struct ClientConfig {
    std::vector<std::string> endpoints; // "http://127.0.0.1:2379", "https://..."
    http::ClientOptions http;           // CA bundle, client certificate, timeouts
    std::string user;                   // "" = no authentication
    std::string password;
};

struct TxnResult {
    bool succeeded = false;
    nlohmann::json responses; // the gateway's "responses" array
};

class Client {
  public:
    explicit Client(ClientConfig config);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Every call throws Error(network) naming every endpoint tried when none
    // answered, Error(config) for a request etcd refuses (too large, denied).
    std::vector<KeyValue> range(const std::string& key, const std::string& range_end = "",
                                bool keys_only = false);
    std::optional<KeyValue> get(const std::string& key);
    void put(const std::string& key, const std::string& value, std::int64_t lease = 0);
    void remove(const std::string& key, const std::string& range_end = "");
    TxnResult txn(const std::vector<Compare>& compares, const std::vector<Op>& success,
                  const std::vector<Op>& failure = {});
    std::int64_t lease_grant(int ttl_seconds);
    // The remaining TTL; 0 when the lease is gone (expired or revoked).
    std::int64_t lease_keepalive(std::int64_t id);
    void lease_revoke(std::int64_t id);

    // The "Authorization: TOKEN" header line for a request of our own to
    // endpoint (the watch stream), logging in first when needed; "" without
    // a user. Throws as the calls above do.
    std::string authorization(std::size_t endpoint);

    std::size_t requests() const { return m_requests; }
    const ClientConfig& config() const { return m_config; }
    // "http://a:2379, http://b:2379" for messages.
    std::string endpoint_list() const;

  private:
    nlohmann::json call(const std::string& path, const nlohmann::json& body);
    std::optional<nlohmann::json> call_once(std::size_t endpoint, const std::string& path,
                                            const std::string& body, std::string& failure);
    void authenticate(std::size_t endpoint);
    void reset_transport();

    ClientConfig m_config;
    std::mutex m_mutex; // one curl handle; renewals call from several threads
    std::unique_ptr<http::CurlClient> m_http;
    std::string m_token;
    std::size_t m_current = 0; // the endpoint that answered last
    std::atomic<std::size_t> m_requests{0};
};

// Refuses (Error(config), naming the key) a value etcd would refuse.
void check_value_size(const std::string& key, const std::string& value);

} // namespace acme::store::etcd
