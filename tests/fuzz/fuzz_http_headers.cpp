// Response headers a CA chooses: Retry-After (HTTP-date or delta-seconds,
// once signed overflow for years far from 1970) and Link (alternate chains).
#include "http/http_date.hpp"
#include "http/transport.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    static_cast<void>(acme::http::parse_http_date(text));
    static_cast<void>(acme::http::parse_delta_seconds(text));
    acme::http::Response response;
    response.headers = {{"retry-after", text}, {"link", text}};
    static_cast<void>(response.retry_after());
    static_cast<void>(response.links("alternate"));
    static_cast<void>(response.links("up"));
    return 0;
}
