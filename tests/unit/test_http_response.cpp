#include "http/http_date.hpp"
#include "http/transport.hpp"

#include <catch2/catch.hpp>
#include <ctime>

using acme::http::Response;
using namespace std::chrono_literals;

namespace {

Response with_headers(std::vector<std::pair<std::string, std::string>> headers) {
    Response response;
    response.status = 200;
    response.headers = std::move(headers);
    return response;
}

// IMF-fixdate for now + offset, the way a server would write it.
std::string http_date_in(std::chrono::seconds offset) {
    const auto when =
        std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + offset);
    std::tm tm{};
    gmtime_r(&when, &tm);
    char text[64];
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return text;
}

} // namespace

TEST_CASE("header lookup ignores case and returns the first value", "[http]") {
    const auto r =
        with_headers({{"replay-nonce", "abc"}, {"link", "<a>;rel=up"}, {"link", "<b>;rel=up"}});
    CHECK(r.header("Replay-Nonce") == "abc");
    CHECK(r.header("REPLAY-NONCE") == "abc");
    CHECK(r.header("link") == "<a>;rel=up");
    CHECK(r.header("location").empty());
}

TEST_CASE("links: one per header, quoted and bare rel", "[http]") {
    const auto r = with_headers({{"link", R"(<https://x/a>;rel="alternate")"},
                                 {"link", "<https://x/b>; rel=up"},
                                 {"link", R"(<https://x/c>;rel="alternate")"}});
    CHECK(r.links("alternate") == std::vector<std::string>{"https://x/a", "https://x/c"});
    CHECK(r.links("up") == std::vector<std::string>{"https://x/b"});
    CHECK(r.links("index").empty());
}

TEST_CASE("links: several in one header separated by commas", "[http]") {
    const auto r = with_headers(
        {{"link",
          R"(<https://x/dir>;rel="index", <https://x/a,b>; rel="alternate" ; title="a, \"b\"", <https://x/c>;rel=alternate)"}});
    CHECK(r.links("index") == std::vector<std::string>{"https://x/dir"});
    CHECK(r.links("alternate") == std::vector<std::string>{"https://x/a,b", "https://x/c"});
}

TEST_CASE("links: rel lists, case and odd parameters", "[http]") {
    const auto r = with_headers({{"Link", R"(<https://x/a>; REL="Up alternate")"},
                                 {"link", R"(<https://x/b>; title=x; rel=up; rel=alternate)"},
                                 {"link", R"(<https://x/c>; anchor="#z";;rel=up)"},
                                 {"link", R"(<https://x/d>; relx=up)"}});
    CHECK(r.links("up") == std::vector<std::string>{"https://x/a", "https://x/b", "https://x/c"});
    // Only the first rel parameter counts (RFC 8288 §3.3).
    CHECK(r.links("alternate") == std::vector<std::string>{"https://x/a"});
}

TEST_CASE("links: a malformed entry does not hide the others", "[http]") {
    const auto r = with_headers({{"link", R"(garbage;rel=up, <https://x/ok>;rel=up)"},
                                 {"link", R"(<https://x/q>;rel="up)"},
                                 {"link", R"(<https://x/unterminated;rel=up)"},
                                 {"link", ""},
                                 {"link", " , ,"}});
    CHECK(r.links("up") == std::vector<std::string>{"https://x/ok"});
}

TEST_CASE("retry_after: delta-seconds", "[http]") {
    CHECK(with_headers({{"retry-after", "120"}}).retry_after() == 120s);
    CHECK(with_headers({{"retry-after", " 0 "}}).retry_after() == 0s);
    // Absurd but well-formed: returned as-is, the caller clamps.
    CHECK(with_headers({{"retry-after", "31536000000"}}).retry_after() == 31536000000s);
    CHECK(with_headers({{"retry-after", "99999999999999999999999"}}).retry_after() ==
          std::chrono::seconds::max());
}

TEST_CASE("retry_after: missing or malformed gives nullopt", "[http]") {
    CHECK_FALSE(with_headers({}).retry_after());
    for (const auto* bad : {"", "-5", "1.5", "12s", "soon", "+3", "Sun, 06 Nov 1994 08:49:37 UTC",
                            "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                            "Sun, 31 Feb 2024 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                            "Sun, 06 Foo 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT"}) {
        INFO(bad);
        CHECK_FALSE(with_headers({{"retry-after", bad}}).retry_after());
    }
}

TEST_CASE("retry_after: HTTP-date relative to now", "[http]") {
    const auto future = with_headers({{"Retry-After", http_date_in(3600s)}}).retry_after();
    REQUIRE(future);
    CHECK(*future >= 3598s);
    CHECK(*future <= 3601s);
    // A date in the past means "now", not a negative wait.
    CHECK(with_headers({{"retry-after", "Sun, 06 Nov 1994 08:49:37 GMT"}}).retry_after() == 0s);
    CHECK(with_headers({{"retry-after", http_date_in(-60s)}}).retry_after() == 0s);
}

TEST_CASE("parse_http_date reads IMF-fixdate exactly", "[http]") {
    using namespace std::chrono;
    const auto date = acme::http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT");
    REQUIRE(date);
    CHECK(date->time_since_epoch() == 784111777s);
    const auto leap = acme::http::parse_http_date("Thu, 29 Feb 2024 23:59:60 GMT");
    REQUIRE(leap);
    CHECK(*leap == sys_days{2024y / March / 1});
    CHECK_FALSE(acme::http::parse_http_date("Thu, 29 Feb 2023 00:00:00 GMT"));
    CHECK_FALSE(acme::http::parse_http_date("Sun, 6 Nov 1994 08:49:37 GMT"));
}

TEST_CASE("Retry-After dates far from 1970 are refused, not overflowed", "[http]") {
    // Year 9999 in nanoseconds overflowed a signed 64-bit count (UBSan).
    CHECK_FALSE(with_headers({{"retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"}}).retry_after());
    CHECK_FALSE(with_headers({{"retry-after", "Mon, 01 Jan 0001 00:00:00 GMT"}}).retry_after());
    CHECK_FALSE(acme::http::parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT"));
    CHECK_FALSE(acme::http::parse_http_date("Fri, 01 Jan 2201 00:00:00 GMT"));
    CHECK(acme::http::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"));
    const auto far = with_headers({{"retry-after", "Wed, 31 Dec 2200 23:59:59 GMT"}}).retry_after();
    REQUIRE(far);
    CHECK(*far > std::chrono::seconds{4'000'000'000LL});
}
