// Writing one big JSON document piece by piece: renew and check print a
// report per lineage, and 10,000 of them must not be built as one nlohmann
// document first (issue #20: that document alone was 50 MB).
#pragma once

#include <ostream>
#include <string>

namespace acmectl {

// A value dumped with dump(2), its continuation lines indented by `by` more
// spaces, to sit `by` deep inside an enclosing document.
inline std::string indented(const std::string& text, const std::string& by) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        out += c;
        if (c == '\n') {
            out += by;
        }
    }
    return out;
}

// Writes items as the JSON array of a top-level member (two spaces deep),
// element by element, byte for byte what dump(2) of the whole document says.
template <class Items, class ToJson>
void write_array(std::ostream& out, const Items& items, ToJson&& to_json) {
    const char* sep = "\n    ";
    out << '[';
    for (const auto& item : items) {
        out << sep << indented(to_json(item).dump(2), "    ");
        sep = ",\n    ";
    }
    out << (items.empty() ? "]" : "\n  ]");
}

} // namespace acmectl
