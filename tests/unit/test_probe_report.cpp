#include "probe/report.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace acme::probe;
using namespace std::chrono;
using acme::crypto::SysSeconds;

namespace {

const SysSeconds k_now = sys_days(year(2026) / 3 / 1) + hours(12);

ProbeResult certificate_result(SysSeconds not_after, bool verified = true) {
    ProbeResult r;
    r.ok = true;
    r.leaf.not_before = k_now - days(60);
    r.leaf.not_after = not_after;
    r.verified = verified;
    r.verify_error = verified ? "" : "unable to get local issuer certificate";
    return r;
}

ProbeResult failed_result(const char* kind) {
    ProbeResult r;
    r.ok = false;
    r.error_kind = kind;
    r.error = "something";
    return r;
}

} // namespace

TEST_CASE("days_left counts whole days, truncated toward zero", "[probe]") {
    CHECK(days_left(k_now + days(30), k_now) == 30);
    CHECK(days_left(k_now + days(30) - seconds(1), k_now) == 29);
    CHECK(days_left(k_now + seconds(1), k_now) == 0);
    CHECK(days_left(k_now, k_now) == 0);
    CHECK(days_left(k_now - seconds(1), k_now) == 0);
    CHECK(days_left(k_now - days(3), k_now) == -3);
    CHECK(days_left(k_now - days(3) - hours(23), k_now) == -3);
    CHECK(days_left(k_now - days(4), k_now) == -4);
}

TEST_CASE("classify: days left against --warn-days and --crit-days", "[probe]") {
    const Thresholds t; // 21 and 7
    CHECK(classify(certificate_result(k_now + days(90)), k_now, t) == Status::ok);
    CHECK(classify(certificate_result(k_now + days(21)), k_now, t) == Status::ok);
    CHECK(classify(certificate_result(k_now + days(21) - seconds(1)), k_now, t) ==
          Status::warning);
    CHECK(classify(certificate_result(k_now + days(7)), k_now, t) == Status::warning);
    CHECK(classify(certificate_result(k_now + days(7) - seconds(1)), k_now, t) ==
          Status::critical);
    CHECK(classify(certificate_result(k_now + days(3)), k_now, t) == Status::critical);
    CHECK(classify(certificate_result(k_now - days(1)), k_now, t) == Status::critical);
    CHECK(classify(certificate_result(k_now), k_now, t) == Status::critical);

    Thresholds zero;
    zero.warn_days = 0;
    zero.crit_days = 0;
    CHECK(classify(certificate_result(k_now + seconds(5)), k_now, zero) == Status::ok);
    CHECK(classify(certificate_result(k_now), k_now, zero) == Status::critical);
}

TEST_CASE("classify: unverified chains and unreachable targets are CRITICAL", "[probe]") {
    const Thresholds t;
    CHECK(classify(certificate_result(k_now + days(90), false), k_now, t) == Status::critical);
    CHECK(classify(failed_result(error_kind::refused), k_now, t) == Status::critical);
    CHECK(classify(failed_result(error_kind::timeout), k_now, t) == Status::critical);
    CHECK(classify(failed_result(error_kind::dns), k_now, t) == Status::critical);
    CHECK(classify(failed_result(error_kind::handshake), k_now, t) == Status::critical);
    CHECK(classify(failed_result(error_kind::starttls), k_now, t) == Status::critical);

    Thresholds lenient;
    lenient.require_verified = false;
    CHECK(classify(certificate_result(k_now + days(90), false), k_now, lenient) == Status::ok);
    CHECK(classify(certificate_result(k_now + days(10), false), k_now, lenient) ==
          Status::warning);
}

TEST_CASE("classify: an unreadable local file is UNKNOWN", "[probe]") {
    const Thresholds t;
    CHECK(classify(failed_result(error_kind::io), k_now, t) == Status::unknown);
    CHECK(classify(failed_result(error_kind::certificate), k_now, t) == Status::unknown);
}

TEST_CASE("worst: CRITICAL > UNKNOWN > WARNING > OK", "[probe]") {
    CHECK(worst(Status::ok, Status::ok) == Status::ok);
    CHECK(worst(Status::ok, Status::warning) == Status::warning);
    CHECK(worst(Status::warning, Status::unknown) == Status::unknown);
    CHECK(worst(Status::unknown, Status::critical) == Status::critical);
    CHECK(worst(Status::critical, Status::warning) == Status::critical);
    CHECK(worst(Status::critical, Status::unknown) == Status::critical);
    CHECK(status_name(Status::ok) == "OK");
    CHECK(status_name(Status::warning) == "WARNING");
    CHECK(status_name(Status::critical) == "CRITICAL");
    CHECK(status_name(Status::unknown) == "UNKNOWN");
    CHECK(static_cast<int>(Status::unknown) == 3);
}

TEST_CASE("prometheus_label_value escapes backslash, quote and line feed", "[probe]") {
    CHECK(prometheus_label_value("example.com:443") == "example.com:443");
    CHECK(prometheus_label_value(R"(a"b)") == R"(a\"b)");
    CHECK(prometheus_label_value(R"(C:\certs\x.pem)") == R"(C:\\certs\\x.pem)");
    CHECK(prometheus_label_value("two\nlines") == R"(two\nlines)");
    CHECK(prometheus_label_value("\\\"\n") == R"(\\\"\n)");
    CHECK(prometheus_label_value("tab\tstays") == "tab\tstays");
    CHECK(prometheus_label_value("") == "");
}

TEST_CASE("nagios_perf_label doubles quotes and drops '=' and line breaks", "[probe]") {
    CHECK(nagios_perf_label("example.com:443") == "example.com:443");
    CHECK(nagios_perf_label("it's") == "it''s");
    CHECK(nagios_perf_label("a=b\nc") == "a_b_c");
}
