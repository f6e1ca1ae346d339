// tls-alpn-01 (RFC 8737): a real OpenSSL client against the built-in server.
#include "challenge/tls_alpn01.hpp"
#include "challenge/tls_alpn01_cert.hpp"
#include "common/error.hpp"
#include "crypto/digest.hpp"
#include "loopback_server.hpp"

#include <catch2/catch.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/time.h>

using acme::Error;
using acme::ErrorKind;
using acme::challenge::ChallengeTask;
using acme::challenge::TlsAlpn01;

namespace {

using SslCtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

const ChallengeTask k_task{"alpn.example", "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA",
                           "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA."
                           "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"};

struct Handshake {
    bool ok = false;
    unsigned long error = 0; // the OpenSSL error when it failed
    std::string alpn;        // the protocol the server selected
    X509Ptr cert{nullptr, X509_free};
};

// Connects to 127.0.0.1:port, offering SNI sni (unless empty) and ALPN alpn
// (wire format, unless empty), with a 5-second limit on every read and write.
Handshake handshake(int port, const std::string& sni, const std::string& alpn,
                    int max_version = 0) {
    acme::test::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    timeval limit{5, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    auto address = acme::test::loopback_address(port);
    REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
    REQUIRE(ctx);
    if (max_version != 0)
        SSL_CTX_set_max_proto_version(ctx.get(), max_version);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr); // a self-signed answer
    SslPtr ssl(SSL_new(ctx.get()), SSL_free);
    REQUIRE(ssl);
    SSL_set_fd(ssl.get(), fd.get());
    if (!sni.empty())
        SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(sni.c_str())); // SSL_set_tlsext_host_name, without its C cast
    if (!alpn.empty()) {
        REQUIRE(SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(alpn.data()),
                                    static_cast<unsigned>(alpn.size())) == 0);
    }
    ERR_clear_error();
    Handshake out;
    out.ok = SSL_connect(ssl.get()) == 1;
    out.error = ERR_peek_last_error();
    ERR_clear_error();
    if (out.ok) {
        const unsigned char* selected = nullptr;
        unsigned len = 0;
        SSL_get0_alpn_selected(ssl.get(), &selected, &len);
        out.alpn.assign(reinterpret_cast<const char*>(selected), len);
        out.cert.reset(SSL_get1_peer_certificate(ssl.get()));
        SSL_shutdown(ssl.get());
    }
    return out;
}

const std::string k_acme_tls{"\x0a"
                             "acme-tls/1"};

// The extension's (criticality, extnValue bytes), or nullopt when absent.
std::optional<std::pair<bool, std::string>> acme_identifier(X509* cert) {
    std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> oid(
        OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1), ASN1_OBJECT_free);
    const int index = X509_get_ext_by_OBJ(cert, oid.get(), -1);
    if (index < 0)
        return std::nullopt;
    X509_EXTENSION* ext = X509_get_ext(cert, index);
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    return std::make_pair(X509_EXTENSION_get_critical(ext) == 1,
                          std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                                      static_cast<std::size_t>(ASN1_STRING_length(data))));
}

// "DNS:name" and "IP:bytes-as-hex" entries of the subjectAltName.
std::vector<std::string> sans(X509* cert) {
    std::vector<std::string> out;
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        const auto* s = name->d.ia5; // dNSName and iPAddress are both ASN1_STRINGs
        std::string bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                          static_cast<std::size_t>(ASN1_STRING_length(s)));
        if (name->type == GEN_DNS)
            out.push_back("DNS:" + bytes);
        else if (name->type == GEN_IPADD)
            out.push_back("IP:" + acme::crypto::hex(bytes));
        else
            out.push_back("other");
    }
    GENERAL_NAMES_free(names);
    return out;
}

std::string expected_extension(const std::string& key_authorization) {
    return std::string("\x04\x20", 2) + acme::crypto::sha256(key_authorization);
}

} // namespace

TEST_CASE("tls-alpn-01 presents the acmeIdentifier certificate for acme-tls/1",
          "[challenge][alpn]") {
    const int port = acme::test::free_port();
    TlsAlpn01 solver("127.0.0.1", port);
    solver.begin();
    solver.present(k_task);

    SECTION("TLS 1.3") {
        auto h = handshake(port, "alpn.example", k_acme_tls);
        REQUIRE(h.ok);
        CHECK(h.alpn == "acme-tls/1");
        REQUIRE(h.cert);
        auto ext = acme_identifier(h.cert.get());
        REQUIRE(ext);
        CHECK(ext->first); // critical
        CHECK(ext->second == expected_extension(k_task.key_authorization));
        CHECK(sans(h.cert.get()) == std::vector<std::string>{"DNS:alpn.example"});
        // self-signed with a P-256 key
        EVP_PKEY* key = X509_get0_pubkey(h.cert.get());
        CHECK(EVP_PKEY_is_a(key, "EC"));
        CHECK(EVP_PKEY_get_bits(key) == 256);
        CHECK(X509_verify(h.cert.get(), key) == 1);
    }
    SECTION("TLS 1.2 and an SNI in upper case") {
        auto h = handshake(port, "ALPN.Example", k_acme_tls, TLS1_2_VERSION);
        REQUIRE(h.ok);
        CHECK(h.alpn == "acme-tls/1");
        REQUIRE(acme_identifier(h.cert.get()));
    }
    SECTION("acme-tls/1 among other protocols") {
        auto h = handshake(port, "alpn.example", std::string("\x02h2", 3) + k_acme_tls);
        REQUIRE(h.ok);
        CHECK(h.alpn == "acme-tls/1");
    }
    solver.cleanup(k_task);
    solver.end();
}

TEST_CASE("tls-alpn-01 refuses handshakes it was not asked for", "[challenge][alpn]") {
    const int port = acme::test::free_port();
    TlsAlpn01 solver("127.0.0.1", port);
    solver.begin();
    solver.present(k_task);

    SECTION("no ALPN at all: no_application_protocol") {
        auto h = handshake(port, "alpn.example", "");
        CHECK_FALSE(h.ok);
        CHECK(ERR_GET_REASON(h.error) == SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL);
    }
    SECTION("only other protocols: no_application_protocol") {
        auto h = handshake(port, "alpn.example", std::string("\x08http/1.1", 9));
        CHECK_FALSE(h.ok);
        CHECK(ERR_GET_REASON(h.error) == SSL_R_TLSV1_ALERT_NO_APPLICATION_PROTOCOL);
    }
    SECTION("a name not presented: unrecognized_name") {
        auto h = handshake(port, "other.example", k_acme_tls);
        CHECK_FALSE(h.ok);
        CHECK(ERR_GET_REASON(h.error) == SSL_R_TLSV1_UNRECOGNIZED_NAME);
    }
    SECTION("no SNI") {
        CHECK_FALSE(handshake(port, "", k_acme_tls).ok);
    }
    SECTION("after cleanup") {
        solver.cleanup(k_task);
        CHECK_FALSE(handshake(port, "alpn.example", k_acme_tls).ok);
    }
    SECTION("the server still answers after refusals") {
        CHECK_FALSE(handshake(port, "alpn.example", "").ok);
        CHECK(handshake(port, "alpn.example", k_acme_tls).ok);
    }
    solver.end();
}

TEST_CASE("tls-alpn-01 for an IP address uses the reverse-DNS SNI (RFC 8738)",
          "[challenge][alpn]") {
    using acme::challenge::alpn_server_name;
    CHECK(alpn_server_name("127.0.0.1") == "1.0.0.127.in-addr.arpa");
    CHECK(alpn_server_name("2001:db8::1") ==
          "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    CHECK(alpn_server_name("Www.Example.COM") == "www.example.com");

    const int port = acme::test::free_port();
    TlsAlpn01 solver("127.0.0.1", port);
    solver.begin();
    ChallengeTask task = k_task;
    task.identifier = "127.0.0.1";
    solver.present(task);
    auto h = handshake(port, "1.0.0.127.in-addr.arpa", k_acme_tls);
    REQUIRE(h.ok);
    CHECK(sans(h.cert.get()) == std::vector<std::string>{"IP:7f000001"});
    CHECK(acme_identifier(h.cert.get())->second == expected_extension(task.key_authorization));
    solver.end();
}

TEST_CASE("tls-alpn-01 shares one listener per port and reports a busy port", "[challenge][alpn]") {
    const int port = acme::test::free_port();
    TlsAlpn01 first("127.0.0.1", port);
    TlsAlpn01 second("127.0.0.1", port);
    first.begin();
    second.begin(); // joins instead of failing with "address already in use"
    ChallengeTask other = k_task;
    other.identifier = "second.example";
    first.present(k_task);
    second.present(other);
    CHECK(handshake(port, "second.example", k_acme_tls).ok);
    first.end();
    CHECK(handshake(port, "second.example", k_acme_tls).ok); // still open for the second
    second.end();

    acme::test::Fd busy(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto address = acme::test::loopback_address(0);
    REQUIRE(::bind(busy.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(busy.get(), 1) == 0);
    TlsAlpn01 refused("127.0.0.1", acme::test::bound_port(busy.get()));
    try {
        refused.begin();
        FAIL("begin() on a busy port did not throw");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("address already in use"));
    }
}

TEST_CASE("tls-alpn-01 refuses identifiers that are not names", "[challenge][alpn]") {
    const int port = acme::test::free_port();
    TlsAlpn01 solver("127.0.0.1", port);
    solver.begin();
    const std::vector<std::string> bad_identifiers = {"a\nb.example", "../x", "a b.example", "",
                                                      std::string("127.0.0.1\0x", 11)};
    for (const auto& bad : bad_identifiers) {
        ChallengeTask task = k_task;
        task.identifier = bad;
        try {
            solver.present(task);
            FAIL("accepted identifier " << bad);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::protocol);
        }
    }
    solver.end();
}
