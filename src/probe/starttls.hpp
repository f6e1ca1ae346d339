// Private to src/probe: the plaintext dialogues that upgrade a connection
// to TLS (RFC 3207 SMTP, RFC 3501 IMAP, RFC 2595 POP3, RFC 4217 FTP,
// RFC 6120 XMPP, PostgreSQL SSLRequest, RFC 4511 LDAP StartTLS).
#pragma once

#include "probe/net.hpp"
#include "probe/target.hpp"

#include <string>

namespace acme::probe {

// Talks the protocol on the connected socket io.fd until the server agreed
// to start TLS. name is the domain for XMPP's stream header. Throws
// net::Failure starttls when the server refuses or answers nonsense,
// timeout past the deadline. Does nothing for Starttls::none.
Task<> negotiate_starttls(net::Io io, Starttls protocol, const std::string& name);

} // namespace acme::probe
