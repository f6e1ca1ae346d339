// The HTTP transport the ACME client is given: an interface so that unit tests
// can script a fake CA, and one libcurl implementation (curl_client.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acme::http {

struct Response {
    long status = 0;
    std::string body;
    // Header names lower-cased, values trimmed, in arrival order; repeated
    // headers (Link) appear once per occurrence.
    std::vector<std::pair<std::string, std::string>> headers;

    // First value of a header (name in any case), or "" when absent.
    std::string header(std::string_view name) const;
    // Targets of every Link header entry whose rel equals rel (RFC 8288),
    // resolved against nothing: ACME servers send absolute URLs.
    std::vector<std::string> links(std::string_view rel) const;
    // Retry-After as delta-seconds or HTTP-date, relative to now; nullopt when
    // absent or malformed. Negative results become 0.
    std::optional<std::chrono::seconds> retry_after() const;
};

class Transport {
  public:
    virtual ~Transport() = default;
    // Throws Error(network|timeout|tls) when no HTTP answer was obtained and
    // Error(protocol) when the body exceeds the size cap. HTTP error statuses
    // are returned, not thrown.
    virtual Response get(const std::string& url) = 0;
    virtual Response head(const std::string& url) = 0;
    virtual Response post(const std::string& url, const std::string& body,
                          const std::string& content_type) = 0;
};

} // namespace acme::http
