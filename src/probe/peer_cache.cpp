#include "probe/peer_cache.hpp"

#include "common/error.hpp"

#include <openssl/err.h>
#include <string>
#include <openssl/x509.h>

namespace acme::probe::tls {

namespace {

// Appends cert's SHA-256 fingerprint to out; false when it cannot be made.
bool append_digest(std::string& out, const X509* cert, const EVP_MD* sha256) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(cert, sha256, md, &length) != 1) {
        ERR_clear_error();
        return false;
    }
    out.append(reinterpret_cast<const char*>(md), length);
    return true;
}

} // namespace

PeerCache::PeerCache(const Context& context)
    : m_context(context), m_sha256(EVP_MD_fetch(nullptr, "SHA256", nullptr)) {
    if (!m_sha256) {
        ERR_clear_error();
        throw Error(ErrorKind::crypto, "SHA-256 is not available");
    }
}

// The name, length first, then the fingerprints of leaf and of every chain
// certificate in order (all one size): no two inputs make the same key.
// Empty when a fingerprint cannot be made (then nothing is cached).
std::string PeerCache::key(X509* leaf, STACK_OF(X509) * chain, const std::string& name) const {
    std::string key = std::to_string(name.size()) + ':' + name;
    if (!append_digest(key, leaf, m_sha256.get())) {
        return {};
    }
    const int count = chain != nullptr ? sk_X509_num(chain) : 0;
    for (int i = 0; i < count; ++i) {
        if (!append_digest(key, sk_X509_value(chain, i), m_sha256.get())) {
            return {};
        }
    }
    return key;
}

PeerReport PeerCache::report(X509* leaf, STACK_OF(X509) * chain, const std::string& name) {
    const std::time_t now = std::time(nullptr);
    const std::string id = key(leaf, chain, name);
    if (!id.empty()) {
        const std::lock_guard lock(m_mutex);
        if (now > m_second) { // a clock stepped back caches nothing until it catches up
            m_entries.clear();
            m_second = now;
        }
        if (const auto found = m_entries.find(id); m_second == now && found != m_entries.end()) {
            return found->second;
        }
    }
    // Worked out unlocked: two loops may both do it once, never wait on each other.
    PeerReport report{crypto::describe_certificate(leaf),
                      verify(m_context, leaf, chain, name, now)};
    if (!id.empty()) {
        const std::lock_guard lock(m_mutex);
        if (m_second == now) {
            m_entries.emplace(id, report);
        }
    }
    return report;
}

} // namespace acme::probe::tls
