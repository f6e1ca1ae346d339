// Public: the one way a module that calls OpenSSL itself (the tls-alpn-01
// certificate, src/crypto's own code) turns OpenSSL's error queue into an Error.
#pragma once

#include <string>

namespace acme::crypto {

// Throws Error(crypto) "what: <newest queued OpenSSL error>" (just "what" when
// the queue is empty) and clears the queue, so that a later, unrelated failure
// does not report this one. The newest error is the innermost, most specific one.
[[noreturn]] void throw_openssl_error(const std::string& what);

} // namespace acme::crypto
