#include "acme/json_access.hpp"

#include "common/error.hpp"
#include "common/untrusted_json.hpp"

namespace acme {

namespace {

[[noreturn]] void bad(std::string_view what, const std::string& why) {
    throw Error(ErrorKind::protocol, "the CA sent a malformed " + std::string(what) + ": " + why);
}

} // namespace

nlohmann::json parse_object(const std::string& body, std::string_view what) {
    if (!json_depth_within(body)) {
        bad(what, "JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels");
    }
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        bad(what, "not a JSON object");
    }
    return doc;
}

std::string required_string(const nlohmann::json& obj, std::string_view key, std::string_view what) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) {
        bad(what, "missing string '" + std::string(key) + "'");
    }
    return it->get<std::string>();
}

std::string optional_string(const nlohmann::json& obj, std::string_view key, std::string_view what) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return "";
    }
    if (!it->is_string()) {
        bad(what, "'" + std::string(key) + "' is not a string");
    }
    return it->get<std::string>();
}

std::vector<std::string> string_array(const nlohmann::json& obj, std::string_view key,
                                      std::string_view what) {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        return out;
    }
    if (!it->is_array()) {
        bad(what, "'" + std::string(key) + "' is not an array");
    }
    for (const auto& v : *it) {
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
            bad(what, "'" + std::string(key) + "' holds a non-string or empty element");
        }
        out.push_back(v.get<std::string>());
    }
    return out;
}

void check_url(const std::string& url, bool allow_http, std::string_view what) {
    const bool https = url.rfind("https://", 0) == 0;
    const bool http = allow_http && url.rfind("http://", 0) == 0;
    if (!https && !http) {
        bad(what, "URL '" + url.substr(0, 100) + "' is not https");
    }
    if (url.size() > 2048) {
        bad(what, "URL longer than 2048 bytes");
    }
    for (unsigned char c : url) {
        // RFC 3986 URLs are ASCII: a byte above 0x7e could be half of a C1
        // control (U+009B CSI) when the URL is printed.
        if (c <= 0x20 || c >= 0x7f) {
            bad(what, "URL contains spaces, control or non-ASCII characters");
        }
    }
}

} // namespace acme
