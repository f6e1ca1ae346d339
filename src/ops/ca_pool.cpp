#include "ops/ca_pool.hpp"

namespace acme::ops {

CaPool::CaPool(const TransportFactory& transports, Logger& log)
    : m_transports(transports), m_log(log) {}

Client& CaPool::client(const CaRef& ref) {
    auto& ca = m_cas[ref];
    if (!ca.client) {
        ca.transport = m_transports(ref.ca_bundle);
        ca.client = std::make_unique<Client>(*ca.transport, ref.server_url, m_log);
    }
    return *ca.client;
}

const Directory& CaPool::directory(const CaRef& ref) {
    auto& c = client(ref);
    auto& ca = m_cas[ref];
    if (ca.directory_error) {
        std::rethrow_exception(ca.directory_error);
    }
    try {
        return c.directory();
    } catch (const std::exception& e) {
        ca.directory_error = std::current_exception();
        m_log.debug(ref.server_url + ": no directory (" + e.what() +
                    "); not asked again in this run");
        throw;
    }
}

bool CaPool::directory_failed(const CaRef& ref) const {
    const auto it = m_cas.find(ref);
    return it != m_cas.end() && it->second.directory_error;
}

Client& CaPool::signed_client(const store::Store& store, const CaRef& ca,
                              const std::string& account) {
    auto& c = client(ca);
    const auto key = std::make_pair(ca, account);
    auto it = m_sessions.find(key);
    if (it == m_sessions.end()) {
        it = m_sessions.emplace(key, load_account_session(store, c, ca.server_url, account)).first;
    }
    c.set_signer(*it->second.signer, it->second.info.url);
    return c;
}

} // namespace acme::ops
