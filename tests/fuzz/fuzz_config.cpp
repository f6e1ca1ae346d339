// acmectl.conf: once read one byte past the end on a trailing backslash.
// The input is copied to a buffer of its exact size so ASan sees any overread.
#include "config_file.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto copy = std::make_unique<char[]>(size);
    std::copy(data, data + size, copy.get());
    try {
        static_cast<void>(acmectl::parse_config(std::string_view(copy.get(), size), "fuzz.conf"));
    } catch (const acmectl::ConfigFileError&) {
    }
    return 0;
}
