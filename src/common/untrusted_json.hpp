// Parsing JSON that came from the network. A CA or server is only
// semi-trusted: 200,000 nested '[' fit under the 1 MiB body cap and would
// overflow the stack in nlohmann's recursive copies and dumps, so nesting
// deeper than k_max_json_depth is refused before the parser sees it.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

namespace acme {

// Deep enough for every ACME, ARI or etcd document (they nest 3-4 levels).
inline constexpr std::size_t k_max_json_depth = 64;

// True when no array or object in text nests deeper than max_depth (brackets
// inside strings do not count). Linear, no recursion, no allocation.
bool json_depth_within(std::string_view text, std::size_t max_depth = k_max_json_depth);

// The parsed document, or a discarded value (is_discarded()) when text is not
// JSON or nests too deep. Never throws a parse error.
nlohmann::json parse_untrusted_json(std::string_view text);

} // namespace acme
