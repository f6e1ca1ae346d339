#include "probe/starttls.hpp"

#include "probe/probe.hpp"

#include <cctype>

namespace acme::probe {

namespace {

constexpr std::string_view k_phase = "STARTTLS";
constexpr int k_max_lines = 100; // of a greeting or a multi-line reply

class Dialogue {
  public:
    Dialogue(int fd, net::Deadline deadline) : m_fd(fd), m_deadline(deadline) {}

    void send(std::string_view text) const {
        net::send_all(m_fd, text, m_deadline, k_phase, error_kind::starttls);
    }
    std::string line() const {
        return net::receive_line(m_fd, m_deadline, k_phase, error_kind::starttls);
    }
    std::string bytes(size_t n) const {
        return net::receive_exact(m_fd, n, m_deadline, k_phase, error_kind::starttls);
    }
    std::string until(std::string_view needle) const {
        return net::receive_until(m_fd, needle, m_deadline, k_phase, error_kind::starttls);
    }
    // SMTP/FTP replies: "250-more" lines until "250 last" (RFC 5321 §4.2.1).
    std::string coded_reply() const {
        for (int i = 0; i < k_max_lines; ++i) {
            std::string text = line();
            if (text.size() >= 3 && (text.size() == 3 || text[3] == ' ') &&
                std::isdigit(static_cast<unsigned char>(text[0])) != 0) {
                return text;
            }
        }
        refuse("reply longer than " + std::to_string(k_max_lines) + " lines");
    }
    // Lines until one starting with prefix.
    std::string line_starting(const std::string& prefix) const {
        for (int i = 0; i < k_max_lines; ++i) {
            std::string text = line();
            if (text.rfind(prefix, 0) == 0) {
                return text;
            }
        }
        refuse("no reply starting with '" + prefix + "'");
    }
    [[noreturn]] static void refuse(const std::string& why) {
        throw net::Failure(error_kind::starttls, why);
    }
    static void expect(const std::string& reply, const std::string& prefix,
                       const std::string& what) {
        if (reply.rfind(prefix, 0) != 0) {
            refuse(what + ": " + reply.substr(0, 200));
        }
    }

  private:
    int m_fd;
    net::Deadline m_deadline;
};

void smtp(const Dialogue& d) {
    Dialogue::expect(d.coded_reply(), "220", "SMTP greeting");
    d.send("EHLO acmectl.invalid\r\n");
    Dialogue::expect(d.coded_reply(), "250", "SMTP EHLO refused");
    d.send("STARTTLS\r\n");
    Dialogue::expect(d.coded_reply(), "220", "SMTP STARTTLS refused");
}

void imap(const Dialogue& d) {
    Dialogue::expect(d.line(), "* OK", "IMAP greeting");
    d.send("a1 STARTTLS\r\n");
    Dialogue::expect(d.line_starting("a1 "), "a1 OK", "IMAP STARTTLS refused");
}

void pop3(const Dialogue& d) {
    Dialogue::expect(d.line(), "+OK", "POP3 greeting");
    d.send("STLS\r\n");
    Dialogue::expect(d.line(), "+OK", "POP3 STLS refused");
}

void ftp(const Dialogue& d) {
    Dialogue::expect(d.coded_reply(), "220", "FTP greeting");
    d.send("AUTH TLS\r\n");
    Dialogue::expect(d.coded_reply(), "234", "FTP AUTH TLS refused");
}

// Tags up to the end of <stream:features>, which a server with nothing to
// offer may send self-closed.
std::string xmpp_features(const Dialogue& d) {
    constexpr int max_tags = 200;
    std::string text;
    for (int i = 0; i < max_tags; ++i) {
        text += d.until(">");
        if (text.find("</stream:features>") != std::string::npos ||
            text.find("<stream:features/>") != std::string::npos ||
            text.find("<stream:features />") != std::string::npos) {
            return text;
        }
    }
    Dialogue::refuse("no end of <stream:features> in " + std::to_string(max_tags) + " tags");
}

void xmpp(const Dialogue& d, const std::string& name) {
    d.send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='http://etherx.jabber.org/streams' to='" +
           name + "' version='1.0'>");
    const std::string features = xmpp_features(d);
    if (features.find("<starttls") == std::string::npos) {
        Dialogue::refuse("XMPP server does not offer STARTTLS");
    }
    d.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    const std::string answer = d.until(">");
    if (answer.find("<proceed") == std::string::npos) {
        Dialogue::refuse("XMPP STARTTLS refused: " + answer.substr(0, 200));
    }
}

void postgres(const Dialogue& d) {
    // SSLRequest: length 8, code 80877103 (PostgreSQL protocol, "SSL Session Encryption").
    d.send(std::string_view("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8));
    const std::string answer = d.bytes(1);
    if (answer != "S") {
        Dialogue::refuse(answer == "N" ? "PostgreSQL server does not offer SSL"
                                       : "PostgreSQL answered the SSLRequest with nonsense");
    }
}

// A BER length at text[pos] (short or long form up to 4 bytes); advances pos.
size_t ber_length(const std::string& text, size_t& pos) {
    if (pos >= text.size()) {
        Dialogue::refuse("truncated LDAP response");
    }
    const auto first = static_cast<unsigned char>(text[pos++]);
    if (first < 0x80) {
        return first;
    }
    const size_t count = first & 0x7fU;
    if (count == 0 || count > 4 || pos + count > text.size()) {
        Dialogue::refuse("malformed LDAP response length");
    }
    size_t length = 0;
    for (size_t i = 0; i < count; ++i) {
        length = (length << 8U) | static_cast<unsigned char>(text[pos++]);
    }
    return length;
}

// LDAPMessage { messageID, ExtendedResponse [APPLICATION 24] { resultCode, ... } }.
int ldap_result_code(const std::string& message) {
    size_t pos = 0;
    if (message.size() < 2 || message[pos++] != '\x02') {
        Dialogue::refuse("LDAP response without a message ID");
    }
    pos += ber_length(message, pos);
    if (pos + 5 > message.size() || message[pos++] != '\x78') {
        Dialogue::refuse("LDAP response is not an ExtendedResponse");
    }
    ber_length(message, pos);
    if (pos + 3 > message.size() || message[pos] != '\x0a' || message[pos + 1] != '\x01') {
        Dialogue::refuse("LDAP response without a result code");
    }
    return static_cast<unsigned char>(message[pos + 2]);
}

void ldap(const Dialogue& d) {
    // ExtendedRequest, messageID 1, requestName 1.3.6.1.4.1.1466.20037 (RFC 4511 §4.14.1).
    const std::string oid = "1.3.6.1.4.1.1466.20037";
    const std::string request = "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" + oid;
    d.send(request);
    const std::string head = d.bytes(2);
    if (head[0] != '\x30') {
        Dialogue::refuse("LDAP answer is not a message");
    }
    std::string header = head.substr(1);
    const auto first = static_cast<unsigned char>(head[1]);
    if (first >= 0x80) {
        header += d.bytes(first & 0x7fU);
    }
    size_t pos = 0;
    const size_t length = ber_length(header, pos);
    if (length > 65536) {
        Dialogue::refuse("LDAP response too long");
    }
    if (const int code = ldap_result_code(d.bytes(length)); code != 0) {
        Dialogue::refuse("LDAP StartTLS refused with resultCode " + std::to_string(code));
    }
}

} // namespace

void negotiate_starttls(int fd, Starttls protocol, const std::string& name,
                        net::Deadline deadline) {
    const Dialogue d(fd, deadline);
    switch (protocol) {
    case Starttls::none: return;
    case Starttls::smtp: smtp(d); return;
    case Starttls::imap: imap(d); return;
    case Starttls::pop3: pop3(d); return;
    case Starttls::ftp: ftp(d); return;
    case Starttls::xmpp: xmpp(d, name); return;
    case Starttls::postgres: postgres(d); return;
    case Starttls::ldap: ldap(d); return;
    }
}

} // namespace acme::probe
