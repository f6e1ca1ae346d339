// The signed-request engine of RFC 8555 §6: directory, nonces, JWS with kid or
// jwk, badNonce retries and Retry-After on 429/503. It is given a transport
// and a signer, never a key file or a curl handle.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "acme/directory.hpp"
#include "common/log.hpp"
#include "crypto/signer.hpp"
#include "http/transport.hpp"

namespace acme {

struct ClientOptions {
    int max_bad_nonce_retries = 20;              // Pebble rejects 5% (tests: 50%)
    std::chrono::seconds max_retry_after{30};    // longer waits fail as temporary
    int max_waits = 3;                           // Retry-After honoured at most this often
    std::function<void(std::chrono::milliseconds)> sleep; // default: this_thread::sleep_for
};

class Client {
  public:
    Client(http::Transport& transport, std::string directory_url, Logger& log,
           ClientOptions options = {});

    // Fetched once, on first use. Throws Error(network|tls|protocol) or Problem.
    const Directory& directory();
    // Requests are signed by signer with "kid": account_url, or with "jwk" when
    // account_url is empty (newAccount). The signer must outlive the client's use.
    void set_signer(const crypto::Signer& signer, std::string account_url);
    const crypto::Signer& signer() const;
    const std::string& account_url() const { return m_account_url; }

    // Signed POST of payload (nullopt = POST-as-GET). Returns a 2xx response;
    // throws Problem for error responses after the retries above.
    http::Response post(const std::string& url, const std::optional<nlohmann::json>& payload,
                        std::string_view context);
    http::Response post_as_get(const std::string& url, std::string_view context) {
        return post(url, std::nullopt, context);
    }
    // Unsigned GET (directory, renewalInfo) with the same 429/503 handling.
    http::Response get(const std::string& url, std::string_view context);

    // Throws Error(protocol) unless url is https (http only for an http directory).
    void check_server_url(const std::string& url, std::string_view what) const;
    void sleep(std::chrono::milliseconds duration) const;
    Logger& log() const { return m_log; }
    std::size_t signed_requests() const { return m_signed_requests; }

  private:
    std::string take_nonce();
    void remember_nonce(const http::Response& response);
    bool should_wait(const http::Response& response, int& waits, std::string_view context);

    http::Transport& m_transport;
    std::string m_directory_url;
    Logger& m_log;
    ClientOptions m_options;
    std::optional<Directory> m_directory;
    std::optional<std::string> m_nonce;
    const crypto::Signer* m_signer = nullptr;
    std::string m_account_url;
    std::size_t m_signed_requests = 0;
};

} // namespace acme
