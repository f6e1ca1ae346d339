// Private to src/probe: OpenSSL owners, the TLS handshake on a non-blocking
// socket, and chain verification against the trust store.
#pragma once

#include "crypto/x509.hpp"
#include "probe/net.hpp"
#include "probe/task.hpp"

#include <ctime>
#include <memory>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <optional>
#include <string>

namespace acme::probe::tls {

template <auto F> struct Free {
    template <class T> void operator()(T* p) const { F(p); }
};
template <class T, auto F> using Ptr = std::unique_ptr<T, Free<F>>;
using SslCtxPtr = Ptr<SSL_CTX, SSL_CTX_free>;
using SslPtr = Ptr<SSL, SSL_free>;
using X509Ptr = Ptr<X509, X509_free>;
using StorePtr = Ptr<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
// A STACK_OF(X509) that owns its certificates (sk_X509_pop_free is a macro).
struct ChainFree {
    void operator()(STACK_OF(X509) * chain) const;
};
using ChainPtr = std::unique_ptr<STACK_OF(X509), ChainFree>;

// The SSL_CTX every probe shares (it verifies nothing itself, so that the
// certificate of a broken server is still read) and the trust store that
// verify() checks chains against. Both are safe to share between threads.
class Context {
  public:
    // ca_bundle empty: the system's default paths. Throws Error(usage) when
    // the bundle cannot be read or holds no certificate.
    explicit Context(const std::string& ca_bundle);
    SSL_CTX* ssl_ctx() const { return m_ctx.get(); }
    X509_STORE* store() const { return m_store.get(); }

  private:
    SslCtxPtr m_ctx;
    StorePtr m_store;
};

struct Peer {
    X509Ptr leaf;
    ChainPtr chain;          // as the server sent it, leaf first
    std::string tls_version; // "TLSv1.3"
};

// Shakes hands over the connected socket io.fd, sending sni when not empty.
// Throws net::Failure handshake (with OpenSSL's reason) or timeout past the
// deadline. OpenSSL writes with write(2): the caller keeps SIGPIPE blocked.
Task<Peer> handshake(const Context& context, net::Io io, const std::string& sni);

struct Verification {
    bool verified = false;
    std::string error; // OpenSSL's reason when not verified
    std::optional<crypto::SysSeconds> chain_earliest_not_after;
};

// Verifies leaf for TLS server use with untrusted as intermediates, for
// name (a DNS name, an IP literal, or empty for no name check), at the
// second `at` (validity periods are in whole seconds).
Verification verify(const Context& context, X509* leaf, STACK_OF(X509) * untrusted,
                    const std::string& name, std::time_t at);

// The certificates of a PEM text (other PEM blocks skipped) or one DER
// certificate, in order; empty when there is none.
ChainPtr read_certificates(const std::string& pem_or_der);

} // namespace acme::probe::tls
