#include "common/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace acme {

std::string iso8601_utc(std::chrono::sys_seconds when) {
    auto t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string utc_now_iso8601() {
    return iso8601_utc(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

std::optional<std::chrono::sys_seconds> parse_iso8601_utc(const std::string& text) {
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
        return std::nullopt;
    }
    auto rest = text.substr(static_cast<std::size_t>(consumed));
    if (!rest.empty() && rest.front() == '.') {
        rest.erase(0, rest.find_first_not_of("0123456789", 1));
    }
    if (rest != "Z") {
        return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}

} // namespace acme
