// Names and commands from users and CAs: identifiers (DNS, IP, wildcards),
// hook command lines (split like a shell would, without one).
#include "acme/names.hpp"
#include "challenge/identifier.hpp"
#include "common/error.hpp"
#include "common/server_text.hpp"
#include "process/command_split.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        static_cast<void>(acme::parse_identifier(text));
    } catch (const acme::Error&) {
    }
    try {
        acme::challenge::require_identifier(text, true);
    } catch (const acme::Error&) {
    }
    try {
        static_cast<void>(acme::process::split_command(text));
    } catch (const acme::Error&) {
    }
    static_cast<void>(acme::clean_server_text(text));
    return 0;
}
