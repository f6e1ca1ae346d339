// expiry's targets: HOST[:PORT], [v6]:PORT, scheme prefixes, list files.
#include "common/error.hpp"
#include "probe/target.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        static_cast<void>(acme::probe::parse_target(text));
    } catch (const acme::Error&) {
    }
    try {
        static_cast<void>(acme::probe::parse_endpoint(text));
    } catch (const acme::Error&) {
    }
    try {
        for (const auto& line : acme::probe::target_lines(text)) {
            static_cast<void>(line);
        }
    } catch (const acme::Error&) {
    }
    return 0;
}
