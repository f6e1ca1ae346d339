#include "renew/ari.hpp"

#include "common/error.hpp"
#include "common/time_format.hpp"
#include "common/untrusted_json.hpp"
#include "crypto/base64url.hpp"

#include <nlohmann/json.hpp>

namespace acme::renew {

std::string ari_cert_id(const crypto::CertInfo& cert) {
    if (cert.aki_keyid.empty() || cert.serial_der.empty()) {
        throw Error(ErrorKind::crypto, "the certificate has no authority key identifier for ARI");
    }
    return crypto::base64url_encode(cert.aki_keyid) + "." +
           crypto::base64url_encode(cert.serial_der);
}

std::optional<AriWindow> parse_renewal_info(const std::string& body) {
    auto doc = parse_untrusted_json(body); // discarded -> not an object
    if (!doc.is_object()) {
        return std::nullopt;
    }
    auto window = doc.find("suggestedWindow");
    if (window == doc.end() || !window->is_object()) {
        return std::nullopt;
    }
    auto start = window->find("start");
    auto end = window->find("end");
    if (start == window->end() || end == window->end() || !start->is_string() ||
        !end->is_string()) {
        return std::nullopt;
    }
    auto s = parse_iso8601_utc(start->get<std::string>());
    auto e = parse_iso8601_utc(end->get<std::string>());
    if (!s || !e || *e <= *s) {
        return std::nullopt;
    }
    return AriWindow{*s, *e};
}

} // namespace acme::renew
