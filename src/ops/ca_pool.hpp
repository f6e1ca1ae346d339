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

// A CA as renew reaches it: its directory URL and the CA bundle its lineages
// were issued with (config.json "ca_bundle"; "" = the run's own).
struct CaRef {
    std::string server_url;
    std::string ca_bundle;
    auto operator<=>(const CaRef&) const = default;
};

class CaPool {
  public:
    CaPool(const TransportFactory& transports, Logger& log);

    // The client for a CA, created on first use.
    Client& client(const CaRef& ca);
    // Its directory, fetched once; a failure is logged (debug) and remembered,
    // and thrown again (Error) for every later lineage of that CA instead of
    // asking again.
    const Directory& directory(const CaRef& ca);
    // True once the CA's directory failed: its later failures are that one,
    // already said (10,000 lineages of an unreachable CA: one log line).
    bool directory_failed(const CaRef& ca) const;
    // The client signing as the stored account (loaded once per thread).
    // Throws Error(config) when there is none.
    Client& signed_client(const store::Store& store, const CaRef& ca, const std::string& account);

  private:
    struct Ca {
        std::unique_ptr<http::Transport> transport;
        std::unique_ptr<Client> client;
        std::exception_ptr directory_error; // kept with its type (a Problem stays one)
    };
    const TransportFactory& m_transports;
    Logger& m_log;
    std::map<CaRef, Ca> m_cas;
    std::map<std::pair<CaRef, std::string>, AccountSession> m_sessions;
};

} // namespace acme::ops
