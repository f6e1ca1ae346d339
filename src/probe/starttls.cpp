#include "probe/starttls.hpp"

#include "probe/probe.hpp"

#include <cctype>

namespace acme::probe {

namespace {

constexpr std::string_view k_phase = "STARTTLS";
constexpr int k_max_lines = 100; // of a greeting or a multi-line reply

// How a server answers: one line, or SMTP/FTP's coded (multi-line) reply.
enum class Reply { line, coded };

// The plaintext side of one connection. Its tasks are awaited at once, while
// the Dialogue (and what their arguments point at) is alive.
class Dialogue {
  public:
    explicit Dialogue(net::Io io) : m_io(io) {}

    Task<> send(std::string_view text) const {
        return net::send_all(m_io, text, k_phase, error_kind::starttls);
    }
    Task<std::string> line() const {
        return net::receive_line(m_io, m_in, k_phase, error_kind::starttls);
    }
    Task<std::string> bytes(size_t n) const {
        return net::receive_exact(m_io, m_in, n, k_phase, error_kind::starttls);
    }
    Task<std::string> until(std::string_view needle) const {
        return net::receive_until(m_io, m_in, needle, k_phase, error_kind::starttls);
    }
    // SMTP/FTP replies: "250-more" lines until "250 last" (RFC 5321 §4.2.1).
    Task<std::string> coded_reply() const {
        for (int i = 0; i < k_max_lines; ++i) {
            std::string text = co_await line();
            if (text.size() >= 3 && (text.size() == 3 || text[3] == ' ') &&
                std::isdigit(static_cast<unsigned char>(text[0])) != 0) {
                co_return text;
            }
        }
        refuse("reply longer than " + std::to_string(k_max_lines) + " lines");
    }
    // Lines until one starting with prefix.
    Task<std::string> line_starting(std::string_view prefix) const {
        for (int i = 0; i < k_max_lines; ++i) {
            std::string text = co_await line();
            if (text.starts_with(prefix)) {
                co_return text;
            }
        }
        refuse("no reply starting with '" + std::string(prefix) + "'");
    }
    // A reply that must start with prefix, else refuse(what).
    Task<> expect_reply(Reply kind, std::string_view prefix, std::string_view what) const {
        std::string reply;
        if (kind == Reply::coded) {
            reply = co_await coded_reply();
        } else {
            reply = co_await line();
        }
        expect(reply, prefix, what);
    }
    // Sends text, then expects its reply like expect_reply.
    Task<> command(std::string_view text, Reply kind, std::string_view prefix,
                   std::string_view what) const {
        co_await send(text);
        co_await expect_reply(kind, prefix, what);
    }
    [[noreturn]] static void refuse(const std::string& why) {
        throw net::Failure(error_kind::starttls, why);
    }
    static void expect(const std::string& reply, std::string_view prefix, std::string_view what) {
        if (!reply.starts_with(prefix)) {
            refuse(std::string(what) + ": " + reply.substr(0, 200));
        }
    }

  private:
    net::Io m_io;
    // Reading is not part of the dialogue's meaning: its steps stay const.
    mutable net::Input m_in;
};

Task<> smtp(const Dialogue& d) {
    co_await d.expect_reply(Reply::coded, "220", "SMTP greeting");
    co_await d.command("EHLO acmectl.invalid\r\n", Reply::coded, "250", "SMTP EHLO refused");
    co_await d.command("STARTTLS\r\n", Reply::coded, "220", "SMTP STARTTLS refused");
}

Task<> imap(const Dialogue& d) {
    co_await d.expect_reply(Reply::line, "* OK", "IMAP greeting");
    co_await d.send("a1 STARTTLS\r\n");
    const std::string reply = co_await d.line_starting("a1 ");
    Dialogue::expect(reply, "a1 OK", "IMAP STARTTLS refused");
}

Task<> pop3(const Dialogue& d) {
    co_await d.expect_reply(Reply::line, "+OK", "POP3 greeting");
    co_await d.command("STLS\r\n", Reply::line, "+OK", "POP3 STLS refused");
}

Task<> ftp(const Dialogue& d) {
    co_await d.expect_reply(Reply::coded, "220", "FTP greeting");
    co_await d.command("AUTH TLS\r\n", Reply::coded, "234", "FTP AUTH TLS refused");
}

// Tags up to the end of <stream:features>, which a server with nothing to
// offer may send self-closed. Each end marker is one tag: only the new tag
// is searched, not all the text again.
Task<std::string> xmpp_features(const Dialogue& d) {
    constexpr int max_tags = 200;
    std::string text;
    for (int i = 0; i < max_tags; ++i) {
        const std::string tag = co_await d.until(">");
        text += tag;
        if (tag.find("</stream:features>") != std::string::npos ||
            tag.find("<stream:features/>") != std::string::npos ||
            tag.find("<stream:features />") != std::string::npos) {
            co_return text;
        }
    }
    Dialogue::refuse("no end of <stream:features> in " + std::to_string(max_tags) + " tags");
}

Task<> xmpp(const Dialogue& d, const std::string& name) {
    const std::string header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                               "xmlns:stream='http://etherx.jabber.org/streams' to='" +
                               name + "' version='1.0'>";
    co_await d.send(header);
    const std::string features = co_await xmpp_features(d);
    if (features.find("<starttls") == std::string::npos) {
        Dialogue::refuse("XMPP server does not offer STARTTLS");
    }
    co_await d.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    const std::string answer = co_await d.until(">");
    if (answer.find("<proceed") == std::string::npos) {
        Dialogue::refuse("XMPP STARTTLS refused: " + answer.substr(0, 200));
    }
}

Task<> postgres(const Dialogue& d) {
    // SSLRequest: length 8, code 80877103 (PostgreSQL protocol, "SSL Session Encryption").
    co_await d.send(std::string_view("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8));
    const std::string answer = co_await d.bytes(1);
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

Task<> ldap(const Dialogue& d) {
    // ExtendedRequest, messageID 1, requestName 1.3.6.1.4.1.1466.20037 (RFC 4511 §4.14.1).
    const std::string oid = "1.3.6.1.4.1.1466.20037";
    const std::string request = "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" + oid;
    co_await d.send(request);
    const std::string head = co_await d.bytes(2);
    if (head[0] != '\x30') {
        Dialogue::refuse("LDAP answer is not a message");
    }
    std::string header = head.substr(1);
    const auto first = static_cast<unsigned char>(head[1]);
    if (first >= 0x80) {
        const std::string more = co_await d.bytes(first & 0x7fU);
        header += more;
    }
    size_t pos = 0;
    const size_t length = ber_length(header, pos);
    if (length > 65536) {
        Dialogue::refuse("LDAP response too long");
    }
    const std::string message = co_await d.bytes(length);
    if (const int code = ldap_result_code(message); code != 0) {
        Dialogue::refuse("LDAP StartTLS refused with resultCode " + std::to_string(code));
    }
}

} // namespace

Task<> negotiate_starttls(net::Io io, Starttls protocol, const std::string& name) {
    const Dialogue d(io);
    switch (protocol) {
    case Starttls::none:
        co_return;
    case Starttls::smtp:
        co_await smtp(d);
        co_return;
    case Starttls::imap:
        co_await imap(d);
        co_return;
    case Starttls::pop3:
        co_await pop3(d);
        co_return;
    case Starttls::ftp:
        co_await ftp(d);
        co_return;
    case Starttls::xmpp:
        co_await xmpp(d, name);
        co_return;
    case Starttls::postgres:
        co_await postgres(d);
        co_return;
    case Starttls::ldap:
        co_await ldap(d);
        co_return;
    }
}

} // namespace acme::probe
