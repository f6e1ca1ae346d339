// Typed errors of the core. The CLI maps ErrorKind to an exit status; the
// core never prints or exits, it throws one of these with a one-line detail.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace acme {

enum class ErrorKind {
    usage,        // bad input from the user (names, flags, files)
    network,      // DNS, connection refused, reset
    timeout,      // an operation ran past its deadline
    tls,          // TLS handshake or certificate verification failed
    acme_problem, // the CA answered with an RFC 7807 problem document
    protocol,     // the CA answered something malformed or unexpected
    io,           // local file system
    config,       // store or config file content is unusable
    crypto,       // key, signature, CSR, certificate handling
    hook,         // a user hook failed
    conflict,     // a lock is held by another process
    interrupted,  // SIGINT, SIGTERM or SIGHUP arrived (common/interrupt.hpp)
};

std::string_view to_string(ErrorKind kind);

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& detail) : std::runtime_error(detail), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }
    // True when trying again later may succeed (rate limits, CA unavailable).
    virtual bool temporary() const {
        return m_kind == ErrorKind::network || m_kind == ErrorKind::timeout;
    }

  private:
    ErrorKind m_kind;
};

} // namespace acme
