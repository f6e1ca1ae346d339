#include "ops/delete_lineage.hpp"

#include "common/error.hpp"
#include "ops/deploy_lineage.hpp"
#include "ops/list_lineages.hpp"

namespace acme::ops {

DeletePlan plan_delete(const store::Store& store, const std::string& name) {
    select_lineages(store, {name}); // a bad or unknown name fails here
    const auto config = store.read_config(name);
    DeletePlan plan;
    plan.name = name;
    plan.dir = store.lineage_dir(name);
    if (config.contains("domains") && config["domains"].is_array()) {
        plan.domains = config["domains"].get<std::vector<std::string>>();
    }
    plan.versions = static_cast<int>(store.versions(name).size());
    plan.has_certificate = store.current_version(name).has_value();
    for (const auto& step : install_steps(config)) {
        plan.install_targets.push_back(step.path);
    }
    return plan;
}

std::unique_ptr<store::Lock> lock_for_delete(const store::Store& store, const std::string& name) {
    auto lock = store.try_lock(name);
    if (!lock) {
        throw Error(ErrorKind::conflict, "lineage " + name +
                                             " is locked by another acmectl (a renewal?); "
                                             "try again when it is done");
    }
    return lock;
}

void delete_lineage(const store::Store& store, const DeletePlan& plan) {
    store.remove_lineage(plan.name);
}

} // namespace acme::ops
