#include "ops/sync_lineage.hpp"

#include "common/error.hpp"
#include "ops/lineage_state.hpp"
#include "ops/version_policy.hpp"
#include "store/group.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace acme::ops {

namespace {

struct LocalPolicy {
    mode_t key_mode = 0600;
    gid_t key_gid = static_cast<gid_t>(-1);
    int keep_versions = k_default_keep_versions;
};

// The lineage's key group and versions kept, as issue recorded them.
LocalPolicy local_policy(const std::string& name, const nlohmann::json& config) {
    LocalPolicy policy;
    const auto group = config.value("key_group", nlohmann::json()).is_string()
                           ? config["key_group"].get<std::string>()
                           : std::string();
    const auto keep = config.value("keep_versions", nlohmann::json());
    if (keep.is_number_integer())
        policy.keep_versions = std::max(keep.get<int>(), k_min_keep_versions);
    if (group.empty())
        return policy;
    const auto gid = store::find_group(group);
    if (!gid)
        throw Error(ErrorKind::usage, "lineage " + name + ": no group '" + group +
                                          "' on this node to give its private key to");
    policy.key_mode = 0640;
    policy.key_gid = *gid;
    return policy;
}

// Version numbers come from the shared store; a local version of the same
// number from before the node joined the fleet must not pass for it.
void check_same_version(const store::FileStore& local, const std::string& name, int version,
                        const store::VersionFiles& files) {
    std::error_code ec;
    if (!std::filesystem::is_directory(local.version_dir(name, version), ec))
        return;
    if (local.read_version(name, version).cert != files.cert)
        throw Error(ErrorKind::config, "lineage " + name + ": local version " +
                                           std::to_string(version) + " in " +
                                           local.lineage_dir(name).string() +
                                           " is not the shared store's; move it away");
}

std::string first_failure(const std::vector<HookReport>& reports) {
    for (const auto& r : reports) {
        if (!r.ok)
            return r.hook + ": " + r.error;
    }
    return "";
}

// The deploy steps for the local current/, their outcome in the local state.
void deploy_here(const SyncTarget& target, const nlohmann::json& config, LineageSync& out) {
    out.hooks = run_deploy_hooks(target.local, out.name, config, target.local.current_dir(out.name),
                                 target.hook_timeout, target.log);
    out.deploy_error = first_failure(out.hooks);
    record_deploy_outcome(target.local, out.name, out.deploy_error);
}

// Up to date, but the last deploy here failed: try it again (cron's next
// --once, a restart of --watch), as deploy-hook NAME would.
void retry_failed_deploy(const SyncTarget& target, LineageSync& out) {
    if (state_from_json(target.local.read_state(out.name)).last_deploy_error.empty())
        return;
    target.log.info(out.name + ": the last deploy on this node failed: running it again");
    deploy_here(target, target.shared.read_config(out.name), out);
}

} // namespace

LineageSync sync_lineage(const SyncTarget& target, const std::string& name,
                         std::optional<int> wanted) {
    store::Store::check_lineage_name(name); // it names local folders
    LineageSync out{name, target.local.current_version(name), {}, false, "", "", {}};
    out.previous = out.version;
    const auto stored = target.shared.versions(name);
    if (!wanted || std::find(stored.begin(), stored.end(), *wanted) == stored.end())
        wanted = target.shared.current_version(name);
    const auto current = wanted;
    if (current && current == out.version)
        retry_failed_deploy(target, out);
    if (!current || current == out.version)
        return out;
    const auto config = target.shared.read_config(name);
    const auto files = target.shared.read_version(name, *current);
    const auto policy = local_policy(name, config);
    check_same_version(target.local, name, *current, files);
    target.local.install_version(name, *current, files, policy.key_mode, policy.key_gid);
    target.local.write_config(name, config);
    target.local.activate_version(name, *current);
    out.version = current;
    out.changed = true;
    target.log.info(name + ": version " + std::to_string(*current) + " is current on this node");
    deploy_here(target, config, out);
    try {
        target.local.prune_versions(name, policy.keep_versions);
    } catch (const Error& e) {
        target.log.warn(name + ": pruning old local versions failed: " + e.what());
    }
    return out;
}

std::vector<std::string> sync_selection(const store::Store& shared,
                                        const std::vector<std::string>& only) {
    if (only.empty())
        return shared.list_lineages();
    for (const auto& name : only) {
        store::Store::check_lineage_name(name);
        if (!shared.lineage_exists(name))
            throw Error(ErrorKind::usage, "no lineage " + name + " in " + shared.describe());
    }
    return only;
}

void check_local_writable(const store::FileStore& local) {
    const auto& home = local.home();
    const auto certs = home / "certs";
    std::error_code ec;
    // A new node's home may not exist yet: then its parent must take it.
    const auto probe = std::filesystem::is_directory(certs, ec)  ? certs
                       : std::filesystem::is_directory(home, ec) ? home
                                                                 : home.parent_path();
    if (::access(probe.c_str(), W_OK | X_OK) != 0)
        throw Error(ErrorKind::io,
                    "cannot write the local store " + probe.string() + ": " + std::strerror(errno));
}

} // namespace acme::ops
