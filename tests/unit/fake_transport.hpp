// A scripted CA for protocol unit tests: answers requests from a queue and
// records what was sent.
#pragma once

#include "common/error.hpp"
#include "http/transport.hpp"

#include <chrono>
#include <ctime>
#include <deque>
#include <string>
#include <vector>

namespace acme::test {

struct SentRequest {
    std::string method;
    std::string url;
    std::string body;
};

class FakeTransport : public http::Transport {
  public:
    void push(long status, std::string body,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
        http::Response r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        m_queue.push_back(std::move(r));
    }
    http::Response get(const std::string& url) override { return answer("GET", url, ""); }
    http::Response head(const std::string& url) override { return answer("HEAD", url, ""); }
    http::Response post(const std::string& url, const std::string& body,
                        const std::string&) override {
        return answer("POST", url, body);
    }
    const std::vector<SentRequest>& sent() const { return m_sent; }
    std::size_t left() const { return m_queue.size(); }

  private:
    http::Response answer(const std::string& method, const std::string& url,
                          const std::string& body) {
        m_sent.push_back({method, url, body});
        if (m_queue.empty()) {
            throw Error(ErrorKind::network, "fake transport: no scripted answer for " + url);
        }
        auto r = m_queue.front();
        m_queue.pop_front();
        return r;
    }
    std::deque<http::Response> m_queue;
    std::vector<SentRequest> m_sent;
};

inline const char* k_directory_json = R"({
  "newNonce": "https://ca.test/nonce",
  "newAccount": "https://ca.test/account",
  "newOrder": "https://ca.test/order",
  "revokeCert": "https://ca.test/revoke",
  "keyChange": "https://ca.test/key-change",
  "meta": {"termsOfService": "https://ca.test/tos", "externalAccountRequired": false,
           "profiles": {"classic": "the usual"}}
})";

// A directory that offers renewalInfo (RFC 9773).
inline const char* k_ari_directory_json = R"({
  "newNonce": "https://ca.test/nonce", "newAccount": "https://ca.test/account",
  "newOrder": "https://ca.test/order", "renewalInfo": "https://ca.test/ari"})";

// RFC 3339 UTC time, as a renewalInfo suggestedWindow carries it.
inline std::string rfc3339(std::chrono::sys_seconds t) {
    const auto tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace acme::test
