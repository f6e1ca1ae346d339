#include "ops/lineage_endpoints.hpp"

#include "common/error.hpp"
#include "ops/lineage_hooks.hpp"

#include <algorithm>

namespace acme::ops {

namespace {

template <typename Change>
void update_endpoints(const store::Store& store, const std::string& name, Change change) {
    update_lineage_config(store, name, [&](nlohmann::json& config) {
        auto endpoints = configured_endpoints(config);
        change(endpoints);
        config["endpoints"] = endpoints_to_json(endpoints);
    });
}

} // namespace

std::vector<ServedEndpoint> read_lineage_endpoints(const store::Store& store,
                                                   const std::string& name) {
    require_lineage(store, name);
    return configured_endpoints(store.read_config(name));
}

void add_endpoints(const store::Store& store, const std::string& name,
                   const std::vector<ServedEndpoint>& endpoints) {
    update_endpoints(store, name, [&](std::vector<ServedEndpoint>& list) {
        for (const auto& e : endpoints) {
            if (std::find(list.begin(), list.end(), e) == list.end()) {
                list.push_back(e);
            }
        }
    });
}

void remove_endpoint(const store::Store& store, const std::string& name, int index) {
    update_endpoints(store, name, [&](std::vector<ServedEndpoint>& list) {
        if (index < 1 || index > static_cast<int>(list.size())) {
            throw Error(ErrorKind::usage, "no endpoint number " + std::to_string(index) + " on " +
                                              name + " (it has " + std::to_string(list.size()) +
                                              ")");
        }
        list.erase(list.begin() + (index - 1));
    });
}

void clear_endpoints(const store::Store& store, const std::string& name) {
    update_endpoints(store, name, [](std::vector<ServedEndpoint>& list) { list.clear(); });
}

} // namespace acme::ops
