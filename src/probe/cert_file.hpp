// Private to src/probe: reading a certificate file named by `expiry --cert`.
#pragma once

#include <cstddef>
#include <string>

namespace acme::probe {

// Certificate files are a few KiB; a chain with a key stays far below this.
inline constexpr std::size_t k_max_cert_file = 1 << 20;

// The bytes of the regular file at path. Throws net::Failure(io) when it
// cannot be opened, is not a regular file (a FIFO would block, /dev/zero never
// ends) or is larger than k_max_cert_file.
std::string read_cert_file(const std::string& path);

} // namespace acme::probe
