// Server JSON: directory, order/authorization shapes via parse_object, problem
// documents and ARI renewalInfo. Nothing may crash, hang or recurse deeply.
#include "acme/directory.hpp"
#include "acme/json_access.hpp"
#include "acme/problem.hpp"
#include "common/error.hpp"
#include "common/untrusted_json.hpp"
#include "http/transport.hpp"
#include "renew/ari.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    static_cast<void>(acme::parse_untrusted_json(body));
    try {
        static_cast<void>(acme::parse_directory(body, "https://ca.test/dir"));
    } catch (const acme::Error&) {
    }
    try {
        const auto doc = acme::parse_object(body, "fuzz");
        static_cast<void>(acme::string_array(doc, "authorizations", "fuzz"));
        static_cast<void>(acme::problem_from_json(doc, "fuzz"));
        static_cast<void>(doc.dump());
    } catch (const acme::Error&) {
    }
    acme::http::Response response;
    response.status = 400;
    response.body = body;
    static_cast<void>(acme::problem_from_response(response, "fuzz"));
    static_cast<void>(acme::renew::parse_renewal_info(body));
    return 0;
}
