// Bytes from the network at our challenge servers and resolvers: the http-01
// request head (the CA's validator, or anyone) and DNS TXT answers.
#include "challenge/dns_txt_query.hpp"
#include "challenge/http01_responder.hpp"
#include "common/error.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto end = acme::challenge::request_head_end(text);
    const auto lookup = [](std::string_view token) -> std::optional<std::string> {
        return token == "tok" ? std::optional<std::string>("tok.thumb") : std::nullopt;
    };
    static_cast<void>(acme::challenge::http01_answer(
        std::string_view(text).substr(0, end == std::string_view::npos ? text.size() : end),
        lookup));
    try {
        static_cast<void>(acme::challenge::parse_txt_response(text, 0x1234));
    } catch (const acme::Error&) {
    }
    return 0;
}
