#include "challenge/http01_shared.hpp"

#include <map>
#include <mutex>

#include "common/error.hpp"

namespace acme::challenge {

namespace {

using Key = std::pair<std::string, int>;

std::mutex g_mutex; // guards g_servers
std::map<Key, std::weak_ptr<StandaloneHttp01>> g_servers;

} // namespace

void SharedStandaloneHttp01::begin() {
    const std::lock_guard lock(g_mutex);
    auto& slot = g_servers[{m_address, m_port}];
    m_server = slot.lock();
    if (!m_server) {
        auto server = std::make_shared<StandaloneHttp01>(m_address, m_port);
        server->begin();
        slot = server;
        m_server = std::move(server);
    }
}

// Under the registry lock, so that the last one out has closed the port
// before anyone can find the slot empty and bind it anew.
void SharedStandaloneHttp01::end() noexcept {
    const std::lock_guard lock(g_mutex);
    m_server.reset();
}

void SharedStandaloneHttp01::present(const ChallengeTask& task) {
    if (!m_server) {
        throw Error(ErrorKind::io, "the http-01 server was not started");
    }
    m_server->present(task);
}

void SharedStandaloneHttp01::cleanup(const ChallengeTask& task) noexcept {
    if (m_server) {
        m_server->cleanup(task);
    }
}

} // namespace acme::challenge
