// Text a server chose (problem details, identifiers, URLs) reaches terminals
// and logs: an ESC sequence could clear the screen or forge a success line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace acme {

inline constexpr std::size_t k_max_server_text = 400;

// text as one line of at most max bytes (then "..."): C0 controls, DEL and the
// UTF-8 encoded C1 controls (U+0080..U+009F, e.g. CSI) become spaces.
std::string clean_server_text(std::string_view text, std::size_t max = k_max_server_text);

} // namespace acme
