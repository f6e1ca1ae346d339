// libcurl implementation of Transport: one easy handle reused for every
// request, so the TLS connection to the CA is kept alive across the flow.
#pragma once

#include "http/transport.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace acme::http {

struct ClientOptions {
    std::string ca_bundle; // PEM file of trusted roots; "" = system store
    bool insecure = false; // skip verification (explicit --insecure only)
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{30'000}; // per request
    std::size_t max_body = 1 << 20;                  // bytes; larger bodies throw
    std::string user_agent;                          // default "acmectl/<version>"
    std::string client_cert;                         // PEM client certificate; "" = none
    std::string client_key;                          // its PEM private key
    std::vector<std::string> extra_headers;          // "Name: value", sent with every POST
};

// Where a streamed response goes (etcd's watch): the body as it arrives.
struct StreamSink {
    // Each chunk of the body; false ends the transfer (not an error).
    std::function<bool(std::string_view)> on_data;
    // Polled about once a second, also while nothing arrives; false ends
    // the transfer. Unset = go on until the server closes.
    std::function<bool()> keep_going;
};

struct StreamEnd {
    long status = 0;      // the HTTP status (0 when none arrived)
    bool stopped = false; // a sink function ended the transfer
};

class CurlClient : public Transport {
  public:
    explicit CurlClient(ClientOptions options);
    ~CurlClient() override;
    CurlClient(const CurlClient&) = delete;
    CurlClient& operator=(const CurlClient&) = delete;

    Response get(const std::string& url) override;
    Response head(const std::string& url) override;
    Response post(const std::string& url, const std::string& body,
                  const std::string& content_type) override;
    // A POST whose response body goes to sink piece by piece, with no size
    // limit of its own and no total timeout unless options.total_timeout is
    // set: the sink bounds what it keeps. An exception thrown by a sink
    // function ends the transfer and is rethrown here.
    StreamEnd post_stream(const std::string& url, const std::string& body,
                          const std::string& content_type, const StreamSink& sink);
    // Number of requests sent and of new connections opened (for -v and tests).
    std::size_t requests() const;
    std::size_t connections() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace acme::http
