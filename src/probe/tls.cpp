#include "probe/tls.hpp"

#include "common/error.hpp"
#include "probe/probe.hpp"
#include "probe/target.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>

namespace acme::probe::tls {

namespace {

using BioPtr = Ptr<BIO, BIO_free_all>;

// OpenSSL's reason for the newest queued error, or fallback; clears the queue.
std::string openssl_reason(const std::string& fallback) {
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0) {
        return fallback;
    }
    const char* reason = ERR_reason_error_string(code);
    if (reason != nullptr) {
        return reason;
    }
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

std::string handshake_error(int ssl_error, int saved_errno) {
    if (ssl_error == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0 && saved_errno != 0) {
        return std::string("TLS handshake failed: ") + std::strerror(saved_errno);
    }
    return "TLS handshake failed: " +
           openssl_reason("connection closed by the server during the TLS handshake");
}

int accept_chain(X509_STORE_CTX* /*unused*/, void* /*unused*/) {
    return 1;
}

SslCtxPtr make_ssl_ctx() {
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) {
        throw Error(ErrorKind::tls, "cannot create TLS context: " + openssl_reason("unknown"));
    }
    // A probe wants the certificate of old servers too: it judges the
    // certificate, not the protocol, so every version and cipher is allowed.
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
    SSL_CTX_set_options(ctx.get(), SSL_OP_LEGACY_SERVER_CONNECT);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    // SSL_VERIFY_NONE still builds and checks the chain during the handshake
    // (against an empty store: the result is thrown away); verify() is the
    // one check a probe reports, so libssl's is skipped.
    SSL_CTX_set_cert_verify_callback(ctx.get(), accept_chain, nullptr);
    // Read whole socket buffers instead of a record header, then its body:
    // a handshake takes a quarter of the read(2) calls.
    SSL_CTX_set_read_ahead(ctx.get(), 1);
    // Many probes run at once: let each connection drop its 16 KB+ record
    // buffers whenever they are empty instead of holding them to the end.
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

StorePtr make_store(const std::string& ca_bundle) {
    StorePtr store(X509_STORE_new());
    if (!store) {
        throw Error(ErrorKind::tls, "cannot create trust store");
    }
    if (ca_bundle.empty()) {
        X509_STORE_set_default_paths(store.get());
        ERR_clear_error(); // a missing default folder just means fewer roots
    } else if (X509_STORE_load_file(store.get(), ca_bundle.c_str()) != 1) {
        throw Error(ErrorKind::usage, "cannot load CA bundle " + ca_bundle + ": " +
                                          openssl_reason("no certificate in it"));
    }
    return store;
}

crypto::SysSeconds not_after(const X509* cert) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) {
        ERR_clear_error();
        return crypto::SysSeconds::min();
    }
    return crypto::SysSeconds(std::chrono::seconds(timegm(&tm)));
}

std::optional<crypto::SysSeconds> earliest_not_after(STACK_OF(X509) * chain, X509* leaf) {
    std::optional<crypto::SysSeconds> earliest;
    const int count = chain != nullptr ? sk_X509_num(chain) : 0;
    for (int i = 0; i < count; ++i) {
        const auto when = not_after(sk_X509_value(chain, i));
        earliest = earliest ? std::min(*earliest, when) : when;
    }
    return earliest ? earliest : std::optional(not_after(leaf));
}

void set_name(X509_VERIFY_PARAM* param, const std::string& name) {
    if (name.empty()) {
        return;
    }
    if (is_ip_literal(name)) {
        X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    }
}

// SSL_set_tlsext_host_name without its macro's C cast of the name.
long set_sni(SSL* ssl, const std::string& name) {
    return SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                    const_cast<char*>(name.c_str()));
}

void push(STACK_OF(X509) * chain, X509Ptr cert) {
    if (sk_X509_push(chain, cert.get()) == 0) {
        throw Error(ErrorKind::crypto, "out of memory");
    }
    static_cast<void>(cert.release()); // the stack owns it now
}

} // namespace

void ChainFree::operator()(STACK_OF(X509) * chain) const {
    // sk_X509_pop_free's macro casts X509_free in a way -Wold-style-cast rejects.
    while (sk_X509_num(chain) > 0) {
        X509_free(sk_X509_pop(chain));
    }
    sk_X509_free(chain);
}

Context::Context(const std::string& ca_bundle)
    : m_ctx(make_ssl_ctx()), m_store(make_store(ca_bundle)) {}

Task<Peer> handshake(const Context& context, net::Io io, const std::string& sni) {
    ERR_clear_error();
    SslPtr ssl(SSL_new(context.ssl_ctx()));
    if (!ssl || SSL_set_fd(ssl.get(), io.fd) != 1 ||
        (!sni.empty() && set_sni(ssl.get(), sni) != 1)) {
        throw net::Failure(error_kind::internal, "cannot set up TLS: " + openssl_reason("?"));
    }
    for (;;) {             // bounded by the deadline of the waits
        ERR_clear_error(); // the queue is the thread's: other probes ran since the last call
        errno = 0;
        const int rc = SSL_connect(ssl.get());
        if (rc == 1) {
            break;
        }
        const int saved_errno = errno;
        const int error = SSL_get_error(ssl.get(), rc);
        if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
            throw net::Failure(error_kind::handshake, handshake_error(error, saved_errno));
        }
        const short events = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
        co_await io.loop.wait_for(io.fd, events, io.deadline, "TLS handshake");
    }
    Peer peer;
    peer.leaf.reset(SSL_get1_peer_certificate(ssl.get()));
    if (!peer.leaf) {
        throw net::Failure(error_kind::handshake, "the server sent no certificate");
    }
    peer.chain.reset(X509_chain_up_ref(SSL_get_peer_cert_chain(ssl.get())));
    peer.tls_version = SSL_get_version(ssl.get());
    SSL_shutdown(ssl.get()); // one close_notify, not waiting for the answer
    ERR_clear_error();
    co_return std::move(peer);
}

Verification verify(const Context& context, X509* leaf, STACK_OF(X509) * untrusted,
                    const std::string& name, std::time_t at) {
    const StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), context.store(), leaf, untrusted) != 1) {
        throw Error(ErrorKind::tls, "cannot set up verification: " + openssl_reason("?"));
    }
    X509_STORE_CTX_set_default(ctx.get(), "ssl_server");
    set_name(X509_STORE_CTX_get0_param(ctx.get()), name);
    X509_STORE_CTX_set_time(ctx.get(), 0, at);
    Verification result;
    result.verified = X509_verify_cert(ctx.get()) == 1;
    if (!result.verified) {
        result.error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    }
    result.chain_earliest_not_after =
        earliest_not_after(X509_STORE_CTX_get0_chain(ctx.get()), leaf);
    ERR_clear_error();
    return result;
}

ChainPtr read_certificates(const std::string& pem_or_der) {
    ChainPtr chain(sk_X509_new_null());
    if (!chain) {
        throw Error(ErrorKind::crypto, "out of memory");
    }
    const BioPtr bio(BIO_new_mem_buf(pem_or_der.data(), static_cast<int>(pem_or_der.size())));
    if (pem_or_der.find("-----BEGIN") != std::string::npos) {
        while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
            push(chain.get(), std::move(cert));
        }
    } else if (X509Ptr cert{d2i_X509_bio(bio.get(), nullptr)}) {
        push(chain.get(), std::move(cert));
    }
    ERR_clear_error(); // the end of the text, or not a certificate: the count says
    return chain;
}

} // namespace acme::probe::tls
