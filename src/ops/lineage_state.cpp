#include "ops/lineage_state.hpp"

#include "common/time_format.hpp"

#include <cstdint>
#include <limits>

namespace acme::ops {

namespace {

std::optional<SysSeconds> time_member(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string()) {
        return std::nullopt;
    }
    return parse_iso8601_utc(it->get<std::string>());
}

std::string string_member(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

// The member when it is an object, else nullptr (absent or of another type:
// a cache that does not hold together is not used).
const nlohmann::json* object_member(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    return it != doc.end() && it->is_object() ? &*it : nullptr;
}

std::optional<AriCache> ari_from_json(const nlohmann::json& doc) {
    const auto* it = object_member(doc, "ari");
    if (it == nullptr) {
        return std::nullopt;
    }
    auto start = time_member(*it, "window_start");
    auto end = time_member(*it, "window_end");
    auto chosen = time_member(*it, "chosen");
    auto next = time_member(*it, "next_fetch");
    auto id = string_member(*it, "cert_id");
    if (!start || !end || !chosen || !next || id.empty()) {
        return std::nullopt;
    }
    return AriCache{id, *start, *end, *chosen, *next};
}

bool is_digest(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::optional<bool> bool_member(const nlohmann::json& doc, const char* key) {
    auto it = doc.find(key);
    return it != doc.end() && it->is_boolean() ? std::optional<bool>(it->get<bool>())
                                               : std::nullopt;
}

// A verdict that does not hold together is dropped: check then verifies the
// files itself rather than trusting it.
std::optional<FilesVerdict> files_from_json(const nlohmann::json& cert) {
    const auto* it = object_member(cert, "files");
    if (it == nullptr) {
        return std::nullopt;
    }
    auto rules = it->find("rules");
    auto sans = it->find("sans");
    auto chain = bool_member(*it, "chain_issued_leaf");
    auto fullchain = bool_member(*it, "fullchain_starts_with_leaf");
    auto key = bool_member(*it, "key_matches");
    FilesVerdict v;
    v.digest = string_member(*it, "digest");
    v.key_digest = string_member(*it, "key_digest");
    auto error = it->find("error");
    if (rules == it->end() || !rules->is_number_integer() || sans == it->end() ||
        !sans->is_array() || !chain || !fullchain || !key || !is_digest(v.digest) ||
        !is_digest(v.key_digest) || error == it->end() || !error->is_string()) {
        return std::nullopt;
    }
    for (const auto& san : *sans) {
        if (!san.is_string()) {
            return std::nullopt;
        }
        v.sans.push_back(san.get<std::string>());
    }
    v.rules = rules->get<int>();
    v.chain_issued_leaf = *chain;
    v.fullchain_starts_with_leaf = *fullchain;
    v.key_matches = *key;
    v.error = error->get<std::string>();
    return v;
}

nlohmann::json files_to_json(const FilesVerdict& v) {
    return {{"rules", v.rules},
            {"digest", v.digest},
            {"key_digest", v.key_digest},
            {"sans", v.sans},
            {"chain_issued_leaf", v.chain_issued_leaf},
            {"fullchain_starts_with_leaf", v.fullchain_starts_with_leaf},
            {"key_matches", v.key_matches},
            {"error", v.error}};
}

// Strict where the ARI cache may be lenient: facts that do not hold together
// are dropped, so the certificate is decoded again rather than trusted.
std::optional<CertFacts> cert_from_json(const nlohmann::json& doc) {
    const auto* it = object_member(doc, "cert");
    if (it == nullptr) {
        return std::nullopt;
    }
    auto version = it->find("version");
    auto id = it->find("ari_cert_id");
    if (version == it->end() || !version->is_number_integer() || id == it->end() ||
        !id->is_string()) {
        return std::nullopt;
    }
    const auto number = version->get<std::int64_t>();
    auto before = time_member(*it, "not_before");
    auto after = time_member(*it, "not_after");
    auto serial = string_member(*it, "serial");
    const bool hex =
        !serial.empty() && serial.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (number < 1 || number > std::numeric_limits<int>::max() || !before || !after ||
        *after < *before || !hex) {
        return std::nullopt;
    }
    return CertFacts{version->get<int>(), *before, *after, serial, id->get<std::string>(),
                     files_from_json(*it)};
}

void put_time(nlohmann::json& doc, const char* key, const std::optional<SysSeconds>& t) {
    if (t) {
        doc[key] = iso8601_utc(*t);
    }
}

} // namespace

void clear_revocation(LineageState& state) {
    state.revoked_serial.clear();
    state.revoked_reason.clear();
    state.revoked_at.reset();
}

bool key_compromised(const LineageState& state, const std::string& serial_hex) {
    return !serial_hex.empty() && state.revoked_serial == serial_hex &&
           state.revoked_reason == "keyCompromise";
}

std::optional<CertFacts> cert_facts_for(const LineageState& state, int version) {
    if (state.cert && state.cert->version == version) {
        return state.cert;
    }
    return std::nullopt;
}

LineageState state_from_json(const nlohmann::json& doc) {
    LineageState s;
    if (!doc.is_object()) {
        return s;
    }
    s.last_attempt = time_member(doc, "last_attempt");
    s.last_success = time_member(doc, "last_success");
    auto failures = doc.find("consecutive_failures");
    if (failures != doc.end() && failures->is_number_integer()) {
        s.consecutive_failures = std::max(0, failures->get<int>());
    }
    s.last_error = string_member(doc, "last_error");
    auto temp = doc.find("last_error_temporary");
    s.last_error_temporary = temp != doc.end() && temp->is_boolean() && temp->get<bool>();
    s.last_deploy_error = string_member(doc, "last_deploy_error");
    s.ari = ari_from_json(doc);
    s.cert = cert_from_json(doc);
    auto revoked = doc.find("revoked");
    if (revoked != doc.end() && revoked->is_object()) {
        s.revoked_serial = string_member(*revoked, "serial");
        s.revoked_reason = string_member(*revoked, "reason");
        s.revoked_at = time_member(*revoked, "at");
    }
    return s;
}

nlohmann::json state_to_json(const LineageState& s) {
    nlohmann::json doc = nlohmann::json::object();
    put_time(doc, "last_attempt", s.last_attempt);
    put_time(doc, "last_success", s.last_success);
    doc["consecutive_failures"] = s.consecutive_failures;
    if (!s.last_error.empty()) {
        doc["last_error"] = s.last_error;
        doc["last_error_temporary"] = s.last_error_temporary;
    }
    if (!s.last_deploy_error.empty()) {
        doc["last_deploy_error"] = s.last_deploy_error;
    }
    if (!s.revoked_serial.empty()) {
        doc["revoked"] = {{"serial", s.revoked_serial}, {"reason", s.revoked_reason}};
        put_time(doc["revoked"], "at", s.revoked_at);
    }
    if (s.ari) {
        doc["ari"] = {{"cert_id", s.ari->cert_id},
                      {"window_start", iso8601_utc(s.ari->window_start)},
                      {"window_end", iso8601_utc(s.ari->window_end)},
                      {"chosen", iso8601_utc(s.ari->chosen)},
                      {"next_fetch", iso8601_utc(s.ari->next_fetch)}};
    }
    if (s.cert) {
        doc["cert"] = {{"version", s.cert->version},
                       {"not_before", iso8601_utc(s.cert->not_before)},
                       {"not_after", iso8601_utc(s.cert->not_after)},
                       {"serial", s.cert->serial_hex},
                       {"ari_cert_id", s.cert->ari_cert_id}};
        if (s.cert->files) {
            doc["cert"]["files"] = files_to_json(*s.cert->files);
        }
    }
    return doc;
}

} // namespace acme::ops
