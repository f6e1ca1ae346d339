#include "common/server_text.hpp"

namespace acme {

std::string clean_server_text(std::string_view text, std::size_t max) {
    const std::string_view kept = text.substr(0, max);
    std::string out;
    out.reserve(kept.size() + 3);
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const auto c = static_cast<unsigned char>(kept[i]);
        const bool c1 = c == 0xc2 && i + 1 < kept.size() &&
                        static_cast<unsigned char>(kept[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(kept[i + 1]) <= 0x9f;
        if (c1) {
            ++i; // both bytes of the C1 control become one space
        }
        out.push_back(c < 0x20 || c == 0x7f || c1 ? ' ' : static_cast<char>(c));
    }
    return text.size() > max ? out + "..." : out;
}

} // namespace acme
