// Managing a lineage's deploy steps in config.json (acmectl deploy-hook).
// Install steps come first, then commands: that is also the order they run
// and the numbering --list and --remove use.
#pragma once

#include "renew/install_step.hpp"
#include "store/store.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acme::ops {

struct LineageHooks {
    std::vector<renew::InstallStep> install;
    std::vector<std::string> deploy;
};

// Throws Error(usage) naming the store when there is no such lineage.
void require_lineage(const store::Store& store, const std::string& name);
// Reads config.json under the lineage's lock (Error(conflict) when another
// acmectl holds it), lets change edit it, and writes it back atomically.
void update_lineage_config(const store::Store& store, const std::string& name,
                           const std::function<void(nlohmann::json&)>& change);

// Throws Error(usage) when the lineage does not exist, Error(config) when its
// hooks are malformed.
LineageHooks read_lineage_hooks(const store::Store& store, const std::string& name);
// Each takes the lineage's lock (Error(conflict) when another acmectl holds
// it) and rewrites config.json atomically. add_command checks the command
// splits into words; add_install validates the step.
void add_deploy_command(const store::Store& store, const std::string& name,
                        const std::string& command);
void add_install_step(const store::Store& store, const std::string& name,
                      const renew::InstallStep& step);
// Removes hook number `index` (1-based, as listed). Error(usage) when out of range.
void remove_hook(const store::Store& store, const std::string& name, int index);

} // namespace acme::ops
