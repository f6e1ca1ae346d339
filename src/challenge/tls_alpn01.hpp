// tls-alpn-01 (RFC 8737, and RFC 8738 for IP addresses): a built-in TLS
// server, listening from begin() to end(), that completes a handshake only for
// ALPN "acme-tls/1" with the SNI of a presented identifier, showing a
// self-signed certificate with the acmeIdentifier extension. Handshakes
// without acme-tls/1 get a no_application_protocol alert, unknown names an
// unrecognized_name alert. One listener per address and port in the process:
// parallel renewals that answer on the same port share it.
#pragma once

#include "challenge/solver.hpp"

#include <memory>
#include <string>

namespace acme::challenge {

class TlsAlpnServer; // the shared listener, private to tls_alpn01.cpp

class TlsAlpn01 : public Solver {
  public:
    // address "" listens on every address (IPv6 dual-stack, else 0.0.0.0).
    TlsAlpn01(std::string address, int port);
    ~TlsAlpn01() override;
    std::string challenge_type() const override { return "tls-alpn-01"; }
    // Joins this process's listener on the port or starts it: Error(usage)
    // "cannot listen on port 443: address already in use" etc.
    void begin() override;
    // Makes the certificate (fresh P-256 key) for task.identifier. Throws
    // Error(protocol) for an identifier that is neither a DNS name nor an IP.
    void present(const ChallengeTask& task) override;
    void cleanup(const ChallengeTask& task) noexcept override;
    // Leaves the listener; the last one to leave closes it.
    void end() noexcept override;

  private:
    std::string m_address;
    int m_port;
    std::shared_ptr<TlsAlpnServer> m_server;
};

} // namespace acme::challenge
