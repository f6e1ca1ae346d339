#include "ops/lineage_hooks.hpp"

#include "common/error.hpp"
#include "ops/deploy_lineage.hpp"
#include "process/runner.hpp"

namespace acme::ops {

namespace {

LineageHooks hooks_of(const nlohmann::json& config) {
    LineageHooks hooks;
    hooks.deploy = deploy_commands(config);
    auto it = config.find("hooks");
    if (it != config.end() && it->is_object() && it->contains("install")) {
        const auto& list = (*it)["install"];
        if (!list.is_array()) {
            throw Error(ErrorKind::config, "config.json: hooks.install is not a list");
        }
        for (const auto& item : list) {
            hooks.install.push_back(renew::install_step_from_json(item));
        }
    }
    return hooks;
}

nlohmann::json to_json(const LineageHooks& hooks) {
    auto install = nlohmann::json::array();
    for (const auto& step : hooks.install) {
        install.push_back(renew::to_json(step));
    }
    return {{"deploy", hooks.deploy}, {"install", install}};
}

// Reads, changes and writes config.json's hooks under the lineage's lock.
template <typename Change>
void update_hooks(const store::Store& store, const std::string& name, Change change) {
    update_lineage_config(store, name, [&](nlohmann::json& config) {
        auto hooks = hooks_of(config);
        change(hooks);
        config["hooks"] = to_json(hooks);
    });
}

} // namespace

void require_lineage(const store::Store& store, const std::string& name) {
    store::Store::check_lineage_name(name);
    if (!store.lineage_exists(name)) {
        throw Error(ErrorKind::usage,
                    "no lineage named '" + name + "' in " + store.home().string());
    }
}

void update_lineage_config(const store::Store& store, const std::string& name,
                           const std::function<void(nlohmann::json&)>& change) {
    require_lineage(store, name);
    auto lock = store.try_lock(name);
    if (!lock) {
        throw Error(ErrorKind::conflict, "lineage " + name + " is locked by another acmectl");
    }
    auto config = store.read_config(name);
    change(config);
    store.write_config(name, config);
}

LineageHooks read_lineage_hooks(const store::Store& store, const std::string& name) {
    require_lineage(store, name);
    return hooks_of(store.read_config(name));
}

void add_deploy_command(const store::Store& store, const std::string& name,
                        const std::string& command) {
    process::require_shell_command(command); // refuse what could never run, now
    update_hooks(store, name, [&](LineageHooks& h) { h.deploy.push_back(command); });
}

void add_install_step(const store::Store& store, const std::string& name,
                      const renew::InstallStep& step) {
    renew::check_target(step);
    update_hooks(store, name, [&](LineageHooks& h) { h.install.push_back(step); });
}

void remove_hook(const store::Store& store, const std::string& name, int index) {
    update_hooks(store, name, [&](LineageHooks& h) {
        const int installs = static_cast<int>(h.install.size());
        const int total = installs + static_cast<int>(h.deploy.size());
        if (index < 1 || index > total) {
            throw Error(ErrorKind::usage, "no hook number " + std::to_string(index) + " on " +
                                              name + " (it has " + std::to_string(total) + ")");
        }
        if (index <= installs) {
            h.install.erase(h.install.begin() + (index - 1));
        } else {
            h.deploy.erase(h.deploy.begin() + (index - 1 - installs));
        }
    });
}

} // namespace acme::ops
