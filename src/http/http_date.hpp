// HTTP-date parsing for Retry-After (RFC 9110 §5.6.7). Private to src/http;
// exposed in a header so the unit tests can check dates without a clock.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace acme::http {

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); nullopt when malformed,
// not a real calendar date, or its year is outside 1970-2200. The obsolete RFC 850 and asctime
// forms are not accepted: ACME servers send IMF-fixdate, as RFC 9110 requires of senders.
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text);

// Delta-seconds ("120"); nullopt unless the text is only digits. Values past
// the range of std::chrono::seconds saturate to its maximum.
std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view text);

} // namespace acme::http
