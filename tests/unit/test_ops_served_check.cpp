#include "ops/served_check.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace acme::ops;
using namespace std::chrono;
using acme::probe::ProbeResult;
using acme::probe::Status;

namespace {

const SysSeconds k_now = sys_days(year(2026) / 3 / 1) + hours(12);

// Version 1 (old, 40 days left), version 2 (current, made 3 hours ago).
LineagePrints two_versions() {
    LineagePrints p;
    p.current = 2;
    p.current_made = k_now - hours(3);
    p.versions = {{1, "aa11", k_now + days(40)}, {2, "bb22", k_now + days(90)}};
    return p;
}

ProbeResult served(const std::string& sha256_hex) {
    ProbeResult r;
    r.ok = true;
    r.leaf.sha256_hex = sha256_hex;
    r.leaf.subject = "CN=other.example";
    r.leaf.issuer = "CN=Some CA";
    return r;
}

} // namespace

TEST_CASE("the current certificate is OK", "[ops][served]") {
    const auto v = classify_served(served("bb22"), two_versions(), k_now, 7);
    CHECK(v.outcome == Served::current);
    CHECK(v.status == Status::ok);
    CHECK(v.version == 2);
    CHECK(to_string(v.outcome) == "current");
}

TEST_CASE("an older version is a missing reload (WARNING)", "[ops][served]") {
    const auto v = classify_served(served("aa11"), two_versions(), k_now, 7);
    CHECK(v.outcome == Served::previous);
    CHECK(v.status == Status::warning);
    CHECK(v.version == 1);
    CHECK_THAT(v.message, Catch::Contains("version 1") && Catch::Contains("current version 2") &&
                              Catch::Contains("made 3h ago") && Catch::Contains("reload missing?"));
}

TEST_CASE("an older version within --crit-days is CRITICAL", "[ops][served]") {
    auto prints = two_versions();
    prints.versions[0].not_after = k_now + days(5);
    const auto v = classify_served(served("aa11"), prints, k_now, 7);
    CHECK(v.outcome == Served::previous);
    CHECK(v.status == Status::critical);
    CHECK_THAT(v.message, Catch::Contains("expires in 5 day(s)"));
    CHECK(classify_served(served("aa11"), prints, k_now, 5).status == Status::warning);
    prints.versions[0].not_after = k_now - days(1);
    CHECK(classify_served(served("aa11"), prints, k_now, 0).status == Status::critical);
}

TEST_CASE("a certificate the lineage never had is foreign (WARNING)", "[ops][served]") {
    const auto v = classify_served(served("cc33"), two_versions(), k_now, 7);
    CHECK(v.outcome == Served::foreign);
    CHECK(v.status == Status::warning);
    CHECK_FALSE(v.version);
    CHECK_THAT(v.message, Catch::Contains("CN=other.example"));
}

TEST_CASE("no certificate at all is unreachable (UNKNOWN)", "[ops][served]") {
    ProbeResult r;
    r.ok = false;
    r.error_kind = "refused";
    r.error = "connection refused";
    const auto v = classify_served(r, two_versions(), k_now, 7);
    CHECK(v.outcome == Served::unreachable);
    CHECK(v.status == Status::unknown);
    CHECK_THAT(v.message, Catch::Contains("connection refused"));
}

TEST_CASE("a version made in the future (clock skew) is 0s old", "[ops][served]") {
    auto prints = two_versions();
    prints.current_made = k_now + minutes(5);
    CHECK_THAT(classify_served(served("aa11"), prints, k_now, 7).message,
               Catch::Contains("made 0s ago"));
}

TEST_CASE("age_text picks a readable unit", "[ops][served]") {
    CHECK(age_text(seconds(0)) == "0s");
    CHECK(age_text(seconds(119)) == "119s");
    CHECK(age_text(minutes(5)) == "5m");
    CHECK(age_text(hours(3)) == "3h");
    CHECK(age_text(hours(47)) == "47h");
    CHECK(age_text(days(12)) == "12d");
}
