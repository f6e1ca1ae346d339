// UTC timestamps in ISO 8601 ("2026-11-26T11:23:14Z"), for JSON and logs.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace acme {

std::string iso8601_utc(std::chrono::sys_seconds when);
std::string utc_now_iso8601();
// Parses exactly the form above (and RFC 3339 with fractional seconds and a
// 'Z'); nullopt otherwise.
std::optional<std::chrono::sys_seconds> parse_iso8601_utc(const std::string& text);

} // namespace acme
