#include "ops/ca_pool.hpp"

namespace acme::ops {

CaPool::CaPool(const TransportFactory& transports, Logger& log)
    : m_transports(transports), m_log(log) {}

Client& CaPool::client(const std::string& server_url) {
    auto& ca = m_cas[server_url];
    if (!ca.client) {
        ca.transport = m_transports();
        ca.client = std::make_unique<Client>(*ca.transport, server_url, m_log);
    }
    return *ca.client;
}

const Directory& CaPool::directory(const std::string& server_url) {
    auto& c = client(server_url);
    auto& ca = m_cas[server_url];
    if (ca.directory_error) {
        std::rethrow_exception(ca.directory_error);
    }
    try {
        return c.directory();
    } catch (const std::exception&) {
        ca.directory_error = std::current_exception();
        throw;
    }
}

Client& CaPool::signed_client(const store::Store& store, const std::string& server_url,
                              const std::string& account) {
    auto& c = client(server_url);
    const auto key = std::make_pair(server_url, account);
    auto it = m_sessions.find(key);
    if (it == m_sessions.end()) {
        it = m_sessions.emplace(key, load_account_session(store, c, server_url, account)).first;
    }
    c.set_signer(*it->second.signer, it->second.info.url);
    return c;
}

} // namespace acme::ops
