#include "renew/install_step.hpp"

#include "common/error.hpp"
#include "store/atomic_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <string_view>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace acme::renew {

namespace fs = std::filesystem;

namespace {

constexpr mode_t k_max_mode = 07777;
constexpr mode_t k_public_mode = 0644;
constexpr mode_t k_private_mode = 0600;
constexpr std::array<std::string_view, 5> k_whats = {"fullchain", "cert", "chain", "key",
                                                     "combined"};

bool is_private(const std::string& what) {
    return what == "key" || what == "combined";
}

[[noreturn]] void throw_config(const std::string& detail) {
    throw Error(ErrorKind::config, "install step: " + detail);
}

[[noreturn]] void throw_usage(const std::string& detail) {
    throw Error(ErrorKind::usage, "install step: " + detail);
}

std::string octal(mode_t mode) {
    char digits[8];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, static_cast<unsigned>(mode), 8);
    std::string text(digits, end);
    return std::string(text.size() < 4 ? 4 - text.size() : 0, '0') + text;
}

mode_t parse_octal_mode(const std::string& text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 8);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw_config("mode must be an octal string like \"0640\", not \"" + text + "\"");
    return static_cast<mode_t>(value);
}

std::string string_field(const nlohmann::json& json, const char* key, bool required) {
    auto it = json.find(key);
    if (it == json.end() && !required)
        return "";
    if (it == json.end() || !it->is_string())
        throw_config(std::string("\"") + key + "\" must be a string");
    return it->get<std::string>();
}

// -------------------------------------------------------------- ownership

struct OwnerSpec {
    std::string user;  // empty: keep
    std::string group; // empty: keep
};

// "user", "user:group" or ":group"; nullopt when malformed.
std::optional<OwnerSpec> parse_owner(const std::string& owner) {
    std::size_t colon = owner.find(':');
    if (colon == std::string::npos)
        return owner.empty() ? std::nullopt : std::optional<OwnerSpec>(OwnerSpec{owner, ""});
    OwnerSpec spec{owner.substr(0, colon), owner.substr(colon + 1)};
    if (spec.group.empty() || spec.group.find(':') != std::string::npos)
        return std::nullopt;
    return spec;
}

// chown(1) accepts numeric ids that name no entry; so do we.
template <typename Id> std::optional<Id> numeric_id(const std::string& name) {
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
    if (name.empty() || ec != std::errc() || end != name.data() + name.size() ||
        value != static_cast<Id>(value) || static_cast<Id>(value) == static_cast<Id>(-1))
        return std::nullopt;
    return static_cast<Id>(value);
}

constexpr std::size_t k_max_nss_buffer = 1 << 20;

// getpwnam_r/getgrnam_r with a buffer that grows on ERANGE (large groups).
template <typename Entry, typename Lookup>
const Entry* lookup_entry(const std::string& name, Entry& entry, std::vector<char>& buffer,
                          Lookup lookup) {
    buffer.resize(4096);
    for (;;) {
        Entry* found = nullptr;
        int err = lookup(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
        if (err != ERANGE || buffer.size() >= k_max_nss_buffer)
            return found;
        buffer.resize(buffer.size() * 2);
    }
}

uid_t resolve_user(const std::string& name) {
    passwd entry{};
    std::vector<char> buffer;
    if (const passwd* found = lookup_entry(name, entry, buffer, ::getpwnam_r))
        return found->pw_uid;
    if (std::optional<uid_t> id = numeric_id<uid_t>(name))
        return *id;
    throw_usage("unknown user '" + name + "'");
}

gid_t resolve_group(const std::string& name) {
    group entry{};
    std::vector<char> buffer;
    if (const group* found = lookup_entry(name, entry, buffer, ::getgrnam_r))
        return found->gr_gid;
    if (std::optional<gid_t> id = numeric_id<gid_t>(name))
        return *id;
    throw_usage("unknown group '" + name + "'");
}

struct Ownership {
    uid_t uid = store::k_keep_owner;
    gid_t gid = store::k_keep_group;
};

Ownership resolve_owner(const std::string& owner) {
    std::optional<OwnerSpec> spec = parse_owner(owner);
    if (!spec)
        throw_usage("owner must be user, user:group or :group, not '" + owner + "'");
    Ownership ids;
    if (!spec->user.empty())
        ids.uid = resolve_user(spec->user);
    if (!spec->group.empty())
        ids.gid = resolve_group(spec->group);
    return ids;
}

// ---------------------------------------------------------------- content

std::string source_file(const std::string& what) {
    if (what == "key")
        return "privkey.pem";
    return what + ".pem"; // fullchain, cert, chain
}

// haproxy reads the key and the chain from one file, key first.
std::string content_for(const std::string& what, const fs::path& cert_dir) {
    if (what != "combined")
        return store::read_file(cert_dir / source_file(what));
    std::string key = store::read_file(cert_dir / "privkey.pem");
    if (!key.empty() && key.back() != '\n')
        key += '\n';
    return key + store::read_file(cert_dir / "fullchain.pem");
}

} // namespace

nlohmann::json to_json(const InstallStep& step) {
    nlohmann::json json = {{"path", step.path}, {"what", step.what}};
    if (step.mode != 0)
        json["mode"] = octal(step.mode);
    if (!step.owner.empty())
        json["owner"] = step.owner;
    return json;
}

InstallStep install_step_from_json(const nlohmann::json& json) {
    if (!json.is_object())
        throw_config("must be an object");
    InstallStep step;
    step.path = string_field(json, "path", true);
    step.what = string_field(json, "what", true);
    step.owner = string_field(json, "owner", false);
    if (json.contains("mode"))
        step.mode = parse_octal_mode(string_field(json, "mode", true));
    return step;
}

void validate(const InstallStep& step) {
    if (std::find(k_whats.begin(), k_whats.end(), step.what) == k_whats.end())
        throw_usage("unknown content '" + step.what +
                    "' (expected fullchain, cert, chain, key or combined)");
    if (step.path.empty() || !fs::path(step.path).is_absolute())
        throw_usage("target path must be absolute, not '" + step.path + "'");
    if (fs::path(step.path).filename().empty())
        throw_usage("target path must name a file, not '" + step.path + "'");
    if (step.mode > k_max_mode)
        throw_usage("mode " + octal(step.mode) + " is beyond 07777");
    if (!step.owner.empty() && !parse_owner(step.owner))
        throw_usage("owner must be user, user:group or :group, not '" + step.owner + "'");
}

void check_target(const InstallStep& step) {
    validate(step);
    const auto dir = fs::path(step.path).parent_path();
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw_usage("the folder " + dir.string() + " of " + step.path + " does not exist");
    if (!step.owner.empty())
        resolve_owner(step.owner); // an unknown user or group fails now, not at renewal
}

mode_t effective_mode(const InstallStep& step) {
    if (step.mode != 0)
        return step.mode;
    return is_private(step.what) ? k_private_mode : k_public_mode;
}

void run_install_step(const InstallStep& step, const fs::path& cert_dir) {
    validate(step);
    // Owners are resolved before anything is written: an unknown user
    // leaves the target untouched.
    Ownership ids;
    if (!step.owner.empty())
        ids = resolve_owner(step.owner);
    store::write_file_atomic(step.path, content_for(step.what, cert_dir), effective_mode(step),
                             ids.gid, ids.uid);
}

} // namespace acme::renew
