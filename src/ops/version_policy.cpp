#include "ops/version_policy.hpp"

#include "common/error.hpp"
#include "store/group.hpp"

namespace acme::ops {

namespace {

// The lineage's recorded choices; an older config.json has none.
VersionPolicy stored_policy(const store::Store& store, const std::string& name) {
    VersionPolicy policy;
    if (!store.lineage_exists(name)) {
        return policy;
    }
    const auto config = store.read_config(name);
    try {
        policy.key_group = config.value("key_group", std::string());
        policy.keep_versions = config.value("keep_versions", k_default_keep_versions);
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorKind::config, "config.json of " + name + ": " + e.what());
    }
    return policy;
}

} // namespace

VersionPolicy version_policy(const store::Store& store, const IssueRequest& request,
                             const std::string& name) {
    VersionPolicy policy = stored_policy(store, name);
    policy.key_group = request.key_group.value_or(policy.key_group);
    policy.keep_versions = request.keep_versions.value_or(policy.keep_versions);
    if (policy.keep_versions < k_min_keep_versions) {
        throw Error(ErrorKind::usage, "lineage " + name + ": cannot keep fewer than " +
                                          std::to_string(k_min_keep_versions) + " versions, not " +
                                          std::to_string(policy.keep_versions));
    }
    if (!policy.key_group.empty()) {
        auto gid = store::find_group(policy.key_group);
        if (!gid) {
            throw Error(ErrorKind::usage, "lineage " + name + ": no group '" + policy.key_group +
                                              "' on this system to give its private key to");
        }
        if (!store::may_use_group(*gid)) {
            throw Error(ErrorKind::usage, "lineage " + name + ": cannot give its private key to " +
                                              "group '" + policy.key_group +
                                              "': not one of this user's groups (only root may)");
        }
        policy.key_gid = *gid;
    }
    return policy;
}

nlohmann::json with_policy(nlohmann::json config, const VersionPolicy& policy) {
    config["key_group"] = policy.key_group;
    config["keep_versions"] = policy.keep_versions;
    return config;
}

void prune_versions(const store::Store& store, const std::string& name, const VersionPolicy& policy,
                    Logger& log) {
    try {
        store.prune_versions(name, policy.keep_versions);
    } catch (const Error& e) {
        log.warn("Could not prune old versions of " + name + ": " + e.what());
    }
}

} // namespace acme::ops
