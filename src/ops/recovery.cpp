#include "ops/recovery.hpp"

#include "common/error.hpp"
#include "common/time_format.hpp"
#include "crypto/key.hpp"
#include "crypto/x509.hpp"
#include "store/atomic_file.hpp"

#include <system_error>

namespace acme::ops {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json files_json(const store::VersionFiles& files) {
    return {{"cert", files.cert},
            {"chain", files.chain},
            {"fullchain", files.fullchain},
            {"privkey", files.privkey}};
}

store::VersionFiles read_kept(const json& doc) {
    return {doc.at("cert").get<std::string>(), doc.at("chain").get<std::string>(),
            doc.at("fullchain").get<std::string>(), doc.at("privkey").get<std::string>()};
}

// Why a kept certificate must not become current, or "" when it may.
std::string reject_reason(const store::Store& store, const std::string& name,
                          const store::VersionFiles& kept) {
    const auto cert = crypto::read_certificate(kept.cert);
    if (!kept.privkey.empty() &&
        !crypto::key_matches_certificate(crypto::PrivateKey::from_pem(kept.privkey), kept.cert))
        return "its key does not match its certificate";
    const auto current = store.current_version(name);
    if (!current)
        return "";
    const auto now = crypto::read_certificate(store.read_version(name, *current).cert);
    if (cert.not_before <= now.not_before)
        return "it is not newer than the current version " + std::to_string(*current) +
               " (another node renewed meanwhile)";
    return "";
}

void set_aside(const fs::path& path, const std::string& name, const std::string& reason,
               Logger& log) {
    std::error_code ec;
    fs::rename(path, path.string() + ".rejected", ec);
    log.warn(name + ": the certificate kept in " + path.string() + " is not stored: " + reason +
             (ec ? "" : " (moved to " + path.string() + ".rejected)"));
}

} // namespace

fs::path recovery_path(const store::Store& store, const std::string& name) {
    store::Store::check_lineage_name(name);
    return store.home() / "recovery" / (name + ".json");
}

fs::path keep_certificate(const store::Store& store, const std::string& name,
                          const store::VersionFiles& files, const json& config) {
    const auto path = recovery_path(store, name);
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    json doc = files_json(files);
    doc["format"] = 1;
    doc["lineage"] = name;
    doc["store"] = store.describe();
    doc["kept_at"] = utc_now_iso8601();
    doc["config"] = config;
    store::write_file_atomic(path, doc.dump(2) + "\n", 0600); // holds a private key
    return path;
}

std::optional<int> store_kept_certificate(const store::Store& store, const std::string& name,
                                          mode_t key_mode, gid_t key_group, Logger& log) {
    const auto path = recovery_path(store, name);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return std::nullopt;
    json doc = json::parse(store::read_file(path, 1 << 20), nullptr, false);
    store::VersionFiles kept;
    std::string reason;
    try {
        kept = read_kept(doc);
        reason = reject_reason(store, name, kept);
    } catch (const std::exception& e) { // not JSON, a field missing, an unreadable PEM
        reason = std::string("unreadable: ") + e.what();
    }
    if (!reason.empty()) {
        set_aside(path, name, reason, log);
        return std::nullopt;
    }
    const int version = store.write_version(name, kept, key_mode, key_group);
    if (!store.lineage_exists(name) && doc.contains("config") && doc["config"].is_object())
        store.write_config(name, doc["config"]); // a first issue that was never stored
    store.activate_version(name, version);
    fs::remove(path, ec);
    log.info(name + ": stored the certificate an earlier run kept in " + path.string() +
             " as version " + std::to_string(version));
    return version;
}

void require_lock(const store::Lock* lock, const std::string& name) {
    if (lock && lock->lost())
        throw Error(ErrorKind::conflict, "lineage " + name + ": " + lock->describe() +
                                             " was lost (lease expired or revoked): "
                                             "stopped before writing");
}

} // namespace acme::ops
