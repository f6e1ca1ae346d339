// Opening the listening socket of the built-in challenge servers (http-01
// and tls-alpn-01: IPv6 dual-stack on every address when
// no address is given, SO_REUSEADDR, non-blocking). Private to src/challenge.
#pragma once

#include "common/unique_fd.hpp"

#include <string>

namespace acme::challenge {

// A bound, listening, non-blocking socket on address:port ("" = every
// address). Throws Error(usage) naming the address and port and why
// ("address already in use", "permission denied ...") or for a bad address.
UniqueFd open_listen_socket(const std::string& address, int port);

// strerror text starting in lower case, for one-line messages.
std::string errno_text(int error);

} // namespace acme::challenge
