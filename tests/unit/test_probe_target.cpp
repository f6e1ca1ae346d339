#include "common/error.hpp"
#include "probe/target.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace acme::probe;

namespace {

std::string usage_error(const std::string& text) {
    try {
        parse_target(text);
    } catch (const acme::Error& e) {
        CHECK(e.kind() == acme::ErrorKind::usage);
        return e.what();
    }
    FAIL("no error for '" << text << "'");
    return {};
}

} // namespace

TEST_CASE("parse_target: a host alone is port 443 with its own name as SNI", "[probe]") {
    const ProbeTarget t = parse_target("example.com");
    CHECK(t.input == "example.com");
    CHECK(t.host == "example.com");
    CHECK(t.port == 443);
    CHECK_FALSE(t.port_explicit);
    CHECK(t.sni == "example.com");
    CHECK_FALSE(t.connect_to);
    CHECK(t.starttls == Starttls::none);
}

TEST_CASE("parse_target: host:port", "[probe]") {
    const ProbeTarget t = parse_target("  mail.example.com:8443 ");
    CHECK(t.input == "mail.example.com:8443");
    CHECK(t.host == "mail.example.com");
    CHECK(t.port == 8443);
    CHECK(t.port_explicit);
}

TEST_CASE("parse_target: IP literals send no SNI", "[probe]") {
    const ProbeTarget v4 = parse_target("127.0.0.1:4433");
    CHECK(v4.host == "127.0.0.1");
    CHECK(v4.port == 4433);
    CHECK(v4.sni.empty());

    const ProbeTarget v6 = parse_target("[::1]:8443");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 8443);
    CHECK(v6.sni.empty());

    const ProbeTarget bracketed = parse_target("[2001:db8::1]");
    CHECK(bracketed.host == "2001:db8::1");
    CHECK(bracketed.port == 443);

    const ProbeTarget bare = parse_target("2001:db8::1");
    CHECK(bare.host == "2001:db8::1");
    CHECK(bare.port == 443);
}

TEST_CASE("parse_target: https URLs keep host and port only", "[probe]") {
    const ProbeTarget t = parse_target("https://www.example.com:8443/path?q=1#frag");
    CHECK(t.host == "www.example.com");
    CHECK(t.port == 8443);
    CHECK(t.input == "https://www.example.com:8443/path?q=1#frag");

    const ProbeTarget plain = parse_target("HTTPS://user@example.org");
    CHECK(plain.host == "example.org");
    CHECK(plain.port == 443);

    const ProbeTarget v6 = parse_target("https://[::1]:9443/");
    CHECK(v6.host == "::1");
    CHECK(v6.port == 9443);
}

TEST_CASE("parse_target: a trailing dot is kept for DNS, dropped from SNI", "[probe]") {
    const ProbeTarget t = parse_target("example.com.:443");
    CHECK(t.host == "example.com.");
    CHECK(t.sni == "example.com");
}

TEST_CASE("parse_target: malformed targets are usage errors naming the input", "[probe]") {
    CHECK_THAT(usage_error(""), Catch::Contains("empty target"));
    CHECK_THAT(usage_error("example.com:0"), Catch::Contains("outside 1-65535"));
    CHECK_THAT(usage_error("example.com:65536"), Catch::Contains("outside 1-65535"));
    CHECK_THAT(usage_error("example.com:https"), Catch::Contains("not a number"));
    CHECK_THAT(usage_error("example.com:"), Catch::Contains("not a number"));
    CHECK_THAT(usage_error("example.com:-1"), Catch::Contains("not a number"));
    CHECK_THAT(usage_error(":443"), Catch::Contains("no host"));
    CHECK_THAT(usage_error("exa mple.com"), Catch::Contains("white space"));
    CHECK_THAT(usage_error("ex!ample.com"), Catch::Contains("not a valid host"));
    CHECK_THAT(usage_error("a..b"), Catch::Contains("not a valid host"));
    CHECK_THAT(usage_error(std::string(64, 'a') + ".com"), Catch::Contains("not a valid host"));
    CHECK_THAT(usage_error("http://example.com/"), Catch::Contains("only https://"));
    CHECK_THAT(usage_error("[::1"), Catch::Contains("missing ']'"));
    CHECK_THAT(usage_error("[::1]x"), Catch::Contains("':PORT'"));
    CHECK_THAT(usage_error("[::1]:"), Catch::Contains("':PORT'"));
    CHECK_THAT(usage_error("[example.com]:443"), Catch::Contains("not an IPv6 address"));
    CHECK_THAT(usage_error("2001:db8::1:443:x"), Catch::Contains("[ADDRESS]:PORT"));
    CHECK_THAT(usage_error("example.com:443:1"), Catch::Contains("[ADDRESS]:PORT"));
    CHECK_THAT(usage_error("bad:port:x"), Catch::Contains("bad:port:x"));
}

TEST_CASE("apply_overrides: --sni, --connect-to and --starttls", "[probe]") {
    TargetOverrides o;
    o.sni = "www.example.com";
    o.connect_to = "10.0.0.7";
    ProbeTarget t = apply_overrides(parse_target("example.com:8443"), o);
    CHECK(t.sni == "www.example.com");
    REQUIRE(t.connect_to);
    CHECK(t.connect_to->host == "10.0.0.7");
    CHECK(t.connect_to->port == 8443); // the target's port when ADDR has none

    o = {};
    o.connect_to = "[::1]:9443";
    o.starttls = Starttls::smtp;
    t = apply_overrides(parse_target("mail.example.com"), o);
    CHECK(t.port == 25); // the protocol's port when the target has none
    CHECK(t.starttls == Starttls::smtp);
    REQUIRE(t.connect_to);
    CHECK(t.connect_to->host == "::1");
    CHECK(t.connect_to->port == 9443);
    CHECK(t.sni == "mail.example.com");

    t = apply_overrides(parse_target("mail.example.com:587"), o);
    CHECK(t.port == 587);

    o.connect_to = "bad host";
    CHECK_THROWS_AS(apply_overrides(parse_target("example.com"), o), acme::Error);
}

TEST_CASE("STARTTLS protocol names and ports", "[probe]") {
    for (const auto& name : starttls_names()) {
        const auto protocol = parse_starttls(name);
        REQUIRE(protocol);
        CHECK(starttls_name(*protocol) == name);
    }
    CHECK_FALSE(parse_starttls("http"));
    CHECK(default_port(Starttls::imap) == 143);
    CHECK(default_port(Starttls::pop3) == 110);
    CHECK(default_port(Starttls::ftp) == 21);
    CHECK(default_port(Starttls::xmpp) == 5222);
    CHECK(default_port(Starttls::postgres) == 5432);
    CHECK(default_port(Starttls::ldap) == 389);
    CHECK(starttls_names().size() == 7);
}

TEST_CASE("target_lines: comments and blank lines are dropped", "[probe]") {
    const std::string text = "# fleet\n"
                             "example.com\n"
                             "\n"
                             "   \t\n"
                             "  mail.example.com:465   # submissions\r\n"
                             "https://example.org/#top\n"
                             "last.example.net";
    const std::vector<std::string> want = {"example.com", "mail.example.com:465",
                                           "https://example.org/#top", "last.example.net"};
    CHECK(target_lines(text) == want);
    CHECK(target_lines("").empty());
    CHECK(target_lines("#only\n# comments\n").empty());
}

TEST_CASE("host_port brackets IPv6 addresses", "[probe]") {
    CHECK(host_port("example.com", 443) == "example.com:443");
    CHECK(host_port("::1", 8443) == "[::1]:8443");
    CHECK(is_ip_literal("127.0.0.1"));
    CHECK(is_ip_literal("::1"));
    CHECK_FALSE(is_ip_literal("localhost"));
}
