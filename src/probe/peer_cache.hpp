// Private to src/probe: what a probe reports of the certificates a server
// sent, worked out once per distinct chain and name. The endpoints of one
// run often serve the same chain (one server's many ports, a load
// balancer's addresses, a wildcard): describing the leaf and verifying the
// chain again gives the same answer, and verifying is a signature check per
// certificate, the costliest step of a probe after the handshake itself.
#pragma once

#include "crypto/x509.hpp"
#include "probe/tls.hpp"

#include <ctime>
#include <mutex>
#include <openssl/evp.h>
#include <string>
#include <unordered_map>

namespace acme::probe::tls {

struct PeerReport {
    crypto::CertInfo leaf;
    Verification verification;
};

// Shared by a run's event loops (calls may come from any thread). An entry
// holds for one second of the wall clock, the resolution of certificate
// validity: verify() checks the chain at that second, as it would have
// without the cache; a new second starts an empty cache, so memory is
// bounded by the probes of one second.
class PeerCache {
  public:
    // Throws Error(crypto) when SHA-256 is not available.
    explicit PeerCache(const Context& context);
    const Context& context() const { return m_context; }

    // leaf described and verify(context, leaf, chain, name) at this second;
    // the chain is keyed by the SHA-256 of each certificate's DER. Throws
    // what describe_certificate throws.
    PeerReport report(X509* leaf, STACK_OF(X509) * chain, const std::string& name);

  private:
    std::string key(X509* leaf, STACK_OF(X509) * chain, const std::string& name) const;

    const Context& m_context;
    Ptr<EVP_MD, EVP_MD_free> m_sha256; // fetched once, not per digest
    std::mutex m_mutex;
    std::time_t m_second = 0;
    std::unordered_map<std::string, PeerReport> m_entries;
};

} // namespace acme::probe::tls
