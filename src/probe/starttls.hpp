// Private to src/probe: the plaintext dialogues that upgrade a connection
// to TLS (RFC 3207 SMTP, RFC 3501 IMAP, RFC 2595 POP3, RFC 4217 FTP,
// RFC 6120 XMPP, PostgreSQL SSLRequest, RFC 4511 LDAP StartTLS).
#pragma once

#include <string>

#include "probe/net.hpp"
#include "probe/target.hpp"

namespace acme::probe {

// Talks the protocol on the connected socket fd until the server agreed to
// start TLS. name is the domain for XMPP's stream header. Throws
// net::Failure starttls when the server refuses or answers nonsense,
// timeout past the deadline. Does nothing for Starttls::none.
void negotiate_starttls(int fd, Starttls protocol, const std::string& name,
                        net::Deadline deadline);

} // namespace acme::probe
