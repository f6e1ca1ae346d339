// Checked reads of JSON the CA sent: everything from the server is untrusted,
// so a missing member or a wrong type is a clear Error(protocol), never a
// nlohmann exception or undefined behaviour.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace acme {

// Parses body as a JSON object nested at most k_max_json_depth deep (deeper
// would recurse in copies and dumps). Throws Error(protocol) naming what.
nlohmann::json parse_object(const std::string& body, std::string_view what);
// Member `key` as a string; throws Error(protocol) when absent or not a string.
std::string required_string(const nlohmann::json& obj, std::string_view key, std::string_view what);
// Member `key` as a string, or "" when absent; throws when present but not a string.
std::string optional_string(const nlohmann::json& obj, std::string_view key, std::string_view what);
// Member `key` as an array of strings ("" elements rejected); absent -> empty.
std::vector<std::string> string_array(const nlohmann::json& obj, std::string_view key,
                                      std::string_view what);
// Throws Error(protocol) unless url is an absolute https:// URL (or http:// when
// allow_http, for a CA whose directory itself is plain http), printable ASCII
// only (no spaces, controls or UTF-8 that could hide a C1 control) and at most 2048 bytes.
void check_url(const std::string& url, bool allow_http, std::string_view what);

} // namespace acme
