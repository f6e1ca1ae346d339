#include "http/http_date.hpp"

#include <array>
#include <charconv>

namespace acme::http {

namespace {

constexpr std::array<std::string_view, 7> k_day_names{"Mon", "Tue", "Wed", "Thu",
                                                      "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 12> k_month_names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool is_digits(std::string_view text) {
    if (text.empty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

// A fixed-width run of digits, e.g. "06" or "1994"; -1 when not digits.
int fixed_number(std::string_view text) {
    if (!is_digits(text))
        return -1;
    int value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

template <std::size_t N>
int index_of(const std::array<std::string_view, N>& names, std::string_view name) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == name)
            return static_cast<int>(i);
    }
    return -1;
}

constexpr int k_min_year = 1970;
constexpr int k_max_year = 2200;

} // namespace

// Layout, by offset: "Sun, 06 Nov 1994 08:49:37 GMT"
//                     0    5  8   12   17 20 23 26
std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text) {
    if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
        text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
        return std::nullopt;
    }
    if (index_of(k_day_names, text.substr(0, 3)) < 0)
        return std::nullopt;
    const int day = fixed_number(text.substr(5, 2));
    const int month = index_of(k_month_names, text.substr(8, 3)) + 1;
    const int year = fixed_number(text.substr(12, 4));
    const int hour = fixed_number(text.substr(17, 2));
    const int minute = fixed_number(text.substr(20, 2));
    const int second = fixed_number(text.substr(23, 2));
    // Second 60 is allowed for leap seconds (RFC 5322 time-of-day). Years
    // outside 1970-2200 mean nothing for Retry-After, and kept the arithmetic
    // of callers (nanosecond clocks overflow near 1677 and 2262) in range.
    if (day < 1 || month < 1 || year < k_min_year || year > k_max_year || hour < 0 || hour > 23 ||
        minute < 0 || minute > 59 || second < 0 || second > 60) {
        return std::nullopt;
    }
    namespace ch = std::chrono;
    const ch::year_month_day date{ch::year{year}, ch::month{static_cast<unsigned>(month)},
                                  ch::day{static_cast<unsigned>(day)}};
    if (!date.ok())
        return std::nullopt; // 31 Feb and the like
    return ch::sys_days{date} + ch::hours{hour} + ch::minutes{minute} + ch::seconds{second};
}

std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view text) {
    if (!is_digits(text))
        return std::nullopt;
    std::chrono::seconds::rep value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec == std::errc::result_out_of_range)
        return std::chrono::seconds::max();
    return std::chrono::seconds{value};
}

} // namespace acme::http
