// Accounts, lineage names, config and state of the file store. Versions and
// current live in versions.cpp, locks in lock.cpp.
#include "store/file_store.hpp"

#include "common/error.hpp"
#include "store/atomic_file.hpp"
#include "store/group.hpp"
#include "store/posix_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace acme::store {

namespace {

using nlohmann::json;

constexpr std::size_t k_max_name = 255;

Error usage_error(const std::string& detail) {
    return Error(ErrorKind::usage, detail);
}

// Quoted with control characters escaped, so a hostile name cannot forge
// terminal output when the error is printed.
std::string quoted(const std::string& text) {
    return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

bool is_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

// One safe path component: no separators, no "." or "..", nothing hidden.
bool is_safe_name(const std::string& name) {
    return !name.empty() && name.size() <= k_max_name && name.front() != '.' &&
           std::all_of(name.begin(), name.end(), is_name_char);
}

void check_name(const char* what, const std::string& name) {
    if (!is_safe_name(name))
        throw usage_error(std::string("invalid ") + what + " " + quoted(name) +
                          ": use letters, digits, '.', '_' and '-', not starting with '.'");
}

struct Authority {
    std::string scheme;
    std::string host;
    std::string port;
};

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return text;
}

// host[:port] or [v6]:port, without userinfo.
void split_host_port(std::string_view hostport, const std::string& url, Authority& out) {
    std::size_t port_at = std::string_view::npos;
    if (!hostport.empty() && hostport.front() == '[') {
        std::size_t close = hostport.find(']');
        if (close == std::string_view::npos)
            throw usage_error("invalid server URL " + quoted(url) + ": unclosed '['");
        out.host = hostport.substr(1, close - 1);
        if (close + 1 < hostport.size() && hostport[close + 1] != ':')
            throw usage_error("invalid server URL " + quoted(url));
        port_at = close + 1 < hostport.size() ? close + 1 : port_at;
    } else {
        port_at = hostport.find(':');
        out.host = hostport.substr(0, port_at);
    }
    if (port_at != std::string_view::npos)
        out.port = hostport.substr(port_at + 1);
}

Authority parse_authority(const std::string& url) {
    std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos || scheme_end == 0)
        throw usage_error("invalid server URL " + quoted(url) + ": no scheme://host");
    Authority out;
    out.scheme = lowercase(url.substr(0, scheme_end));
    std::string_view rest = std::string_view(url).substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    std::size_t at = rest.rfind('@');
    if (at != std::string_view::npos)
        rest.remove_prefix(at + 1);
    split_host_port(rest, url, out);
    if (out.host.empty())
        throw usage_error("invalid server URL " + quoted(url) + ": no host");
    if (!std::all_of(out.port.begin(), out.port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw usage_error("invalid server URL " + quoted(url) + ": bad port");
    return out;
}

// The folder name of a server: host, "_port" unless it is the scheme's
// default (so https://h/ and https://h:443/ share their accounts).
std::string server_folder(const std::string& url) {
    Authority a = parse_authority(url);
    std::string host = lowercase(a.host);
    std::replace_if(
        host.begin(), host.end(), [](char c) { return !is_name_char(c); }, '_');
    if (host.front() == '.') // "." or ".." would climb out of accounts/
        throw usage_error("invalid server URL " + quoted(url) + ": bad host");
    bool default_port =
        (a.scheme == "https" && a.port == "443") || (a.scheme == "http" && a.port == "80");
    if (a.port.empty() || default_port)
        return host;
    return host + "_" + a.port;
}

json parse_json(const std::string& text, const fs::path& path) {
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded())
        throw Error(ErrorKind::config, path.string() + " is not valid JSON");
    return value;
}

json parse_object(const std::string& text, const fs::path& path) {
    json value = parse_json(text, path);
    if (!value.is_object())
        throw Error(ErrorKind::config, path.string() + " is not a JSON object");
    return value;
}

void write_json(const fs::path& path, const json& value, mode_t mode = 0644,
                gid_t group = k_keep_group) {
    std::string text;
    try {
        text = value.dump(2) + "\n";
    } catch (const json::exception& e) {
        throw Error(ErrorKind::config, "cannot write " + path.string() + ": " + e.what());
    }
    write_file_atomic(path, text, mode, group);
}

// config.json and state.json hold hook command lines, which often carry API
// tokens: owner only, or owner and the lineage's key group (0640), like its
// private key. A file written with wider modes before is narrowed on the
// next write, since every write replaces the file.
struct LineageFileAccess {
    mode_t mode = 0600;
    gid_t group = k_keep_group;
};

LineageFileAccess lineage_file_access(const json& config) {
    const auto found = config.find("key_group");
    if (found == config.end() || !found->is_string() || found->get<std::string>().empty())
        return {};
    const std::optional<gid_t> gid = find_group(found->get<std::string>());
    if (!gid || !may_use_group(*gid))
        return {};
    return {0640, *gid};
}

// For state.json: the group config.json names, if it can be read.
LineageFileAccess lineage_file_access(const fs::path& config_path) {
    const std::optional<std::string> text = detail::read_file_if_exists(config_path);
    if (!text)
        return {};
    const json config = json::parse(*text, nullptr, false);
    return config.is_object() ? lineage_file_access(config) : LineageFileAccess{};
}

} // namespace

std::string account_folder(const std::string& server_url) { return server_folder(server_url); }

FileStore::FileStore(fs::path home) : m_home(std::move(home)) {}

// ---- accounts ---------------------------------------------------------------

fs::path FileStore::account_dir(const std::string& server_url, const std::string& name) const {
    check_name("account name", name);
    return m_home / "accounts" / server_folder(server_url) / name;
}

std::optional<StoredAccount> FileStore::load_account(const std::string& server_url,
                                                 const std::string& name) const {
    fs::path dir = account_dir(server_url, name);
    std::optional<std::string> key = detail::read_file_if_exists(dir / "key.pem");
    if (!key)
        return std::nullopt;
    StoredAccount stored{nullptr, std::move(*key)};
    fs::path account_path = dir / "account.json";
    if (std::optional<std::string> text = detail::read_file_if_exists(account_path))
        stored.account = parse_json(*text, account_path);
    return stored;
}

namespace {

// home stays world-readable; everything from accounts/ down is private.
fs::path make_account_dir(const fs::path& home, const fs::path& dir) {
    make_dirs(home, 0755);
    make_dirs(dir, 0700);
    return dir;
}

} // namespace

void FileStore::save_account_key(const std::string& server_url, const std::string& name,
                             const std::string& key_pem) const {
    fs::path key = make_account_dir(m_home, account_dir(server_url, name)) / "key.pem";
    if (detail::write_file_exclusive(key, key_pem, 0600))
        return;
    // Saving the same key again is harmless; replacing it could lose the
    // only copy of a key the CA knows.
    if (read_file(key) != key_pem)
        throw Error(ErrorKind::io,
                    "refusing to overwrite the different account key in " + key.string());
}

void FileStore::stage_account_key(const std::string& server_url, const std::string& name,
                              const std::string& key_pem) const {
    fs::path dir = make_account_dir(m_home, account_dir(server_url, name));
    write_file_atomic(dir / "key.pem.next", key_pem, 0600);
}

void FileStore::commit_account_key(const std::string& server_url, const std::string& name) const {
    fs::path dir = account_dir(server_url, name);
    if (::rename((dir / "key.pem.next").c_str(), (dir / "key.pem").c_str()) != 0) {
        throw Error(ErrorKind::io, "cannot replace " + (dir / "key.pem").string() + ": " +
                                       std::strerror(errno) + " (the new key is in key.pem.next)");
    }
    sync_dir(dir);
}

void FileStore::discard_account_key(const std::string& server_url, const std::string& name) const {
    std::error_code ec;
    fs::remove(account_dir(server_url, name) / "key.pem.next", ec);
}

fs::path FileStore::retire_account(const std::string& server_url, const std::string& name,
                                   const std::string& suffix) const {
    const fs::path dir = account_dir(server_url, name);
    fs::path target = dir.parent_path() / (name + "." + suffix);
    std::error_code ec;
    for (int n = 2; fs::exists(target, ec); ++n) {
        target = dir.parent_path() / (name + "." + suffix + "." + std::to_string(n));
    }
    if (::rename(dir.c_str(), target.c_str()) != 0) {
        throw Error(ErrorKind::io, "cannot move " + dir.string() + " aside to " + target.string() +
                                       ": " + std::strerror(errno));
    }
    sync_dir(dir.parent_path());
    return target;
}

void FileStore::save_account(const std::string& server_url, const std::string& name,
                         const nlohmann::json& account) const {
    fs::path dir = make_account_dir(m_home, account_dir(server_url, name));
    write_json(dir / "account.json", account);
}

std::vector<std::pair<std::string, std::string>> FileStore::list_accounts() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& server : detail::list_dir(m_home / "accounts")) {
        if (!is_safe_name(server))
            continue;
        for (const std::string& name : detail::list_dir(m_home / "accounts" / server)) {
            std::error_code ec;
            if (is_safe_name(name) &&
                fs::is_regular_file(m_home / "accounts" / server / name / "key.pem", ec))
                out.emplace_back(server, name);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

// ---- lineages ---------------------------------------------------------------

void Store::check_lineage_name(const std::string& name) {
    check_name("lineage name", name);
}

std::optional<std::string> Store::lock_holder(const std::string& /*name*/) const {
    return std::nullopt; // a flock does not say who holds it
}

fs::path FileStore::lineage_dir(const std::string& name) const {
    check_lineage_name(name);
    return m_home / "certs" / name;
}

bool FileStore::lineage_exists(const std::string& name) const {
    std::error_code ec;
    return fs::is_regular_file(lineage_dir(name) / "config.json", ec);
}

std::vector<std::string> FileStore::list_lineages() const {
    std::vector<std::string> names;
    for (std::string& name : detail::list_dir(m_home / "certs")) {
        // Skips hidden and foreign entries rather than failing on them.
        if (is_safe_name(name) && lineage_exists(name))
            names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

nlohmann::json FileStore::read_config(const std::string& name) const {
    fs::path path = lineage_dir(name) / "config.json";
    std::optional<std::string> text = detail::read_file_if_exists(path);
    if (!text)
        throw Error(ErrorKind::config, "no lineage " + name + ": " + path.string() + " is missing");
    return parse_object(*text, path);
}

void FileStore::write_config(const std::string& name, const nlohmann::json& config) const {
    fs::path dir = lineage_dir(name);
    make_dirs(dir, 0755);
    const LineageFileAccess access = lineage_file_access(config);
    write_json(dir / "config.json", config, access.mode, access.group);
}

nlohmann::json FileStore::read_state(const std::string& name) const {
    fs::path path = lineage_dir(name) / "state.json";
    std::optional<std::string> text = detail::read_file_if_exists(path);
    return text ? parse_object(*text, path) : json::object();
}

void FileStore::write_state(const std::string& name, const nlohmann::json& state) const {
    fs::path dir = lineage_dir(name);
    make_dirs(dir, 0755);
    const LineageFileAccess access = lineage_file_access(dir / "config.json");
    write_json(dir / "state.json", state, access.mode, access.group);
}

} // namespace acme::store
