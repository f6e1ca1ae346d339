// One ACME client (one transport, so one kept-alive connection, and one
// directory fetch) per CA for one thread of `renew`: every lineage of that CA
// planned or renewed by the thread reuses it, so a run opens at most
// --parallel connections to each CA whatever the number of lineages.
#pragma once

#include "acme/client.hpp"
#include "ops/account_session.hpp"
#include "ops/renew_lineages.hpp"
#include "store/store.hpp"

#include <exception>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace acme::ops {

class CaPool {
  public:
    CaPool(const TransportFactory& transports, Logger& log);

    // The client for a directory URL, created on first use.
    Client& client(const std::string& server_url);
    // Its directory, fetched once; a failure is remembered and thrown again
    // (Error) for every later lineage of that CA instead of asking again.
    const Directory& directory(const std::string& server_url);
    // The client signing as the stored account (loaded once per thread).
    // Throws Error(config) when there is none.
    Client& signed_client(const store::Store& store, const std::string& server_url,
                          const std::string& account);

  private:
    struct Ca {
        std::unique_ptr<http::Transport> transport;
        std::unique_ptr<Client> client;
        std::exception_ptr directory_error; // kept with its type (a Problem stays one)
    };
    const TransportFactory& m_transports;
    Logger& m_log;
    std::map<std::string, Ca> m_cas;
    std::map<std::pair<std::string, std::string>, AccountSession> m_sessions;
};

} // namespace acme::ops
