// acmectl list: the inventory of the store with the paths to use. Always
// exits 0 (check is the monitor).
#include "commands.hpp"
#include "common/time_format.hpp"
#include "json_stream.hpp"
#include "ops/list_lineages.hpp"

#include <iostream>

namespace acmectl {

namespace {

using acme::ops::LineageListing;

struct ListOptions {
    std::vector<std::string> names;
};

std::string path_of(const LineageListing& l, const char* file) {
    return (l.cert_dir / file).string();
}

nlohmann::json paths_json(const LineageListing& l) {
    return {{"dir", l.cert_dir.string()},
            {"cert", path_of(l, "cert.pem")},
            {"chain", path_of(l, "chain.pem")},
            {"fullchain", path_of(l, "fullchain.pem")},
            {"privkey", l.has_key ? nlohmann::json(path_of(l, "privkey.pem")) : nlohmann::json()}};
}

nlohmann::json or_null(const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

nlohmann::json to_json(const LineageListing& l) {
    return {{"name", l.name},
            {"domains", l.domains},
            {"key_type", or_null(l.key_type)},
            {"serial", or_null(l.serial)},
            {"not_after", time_or_null(l.not_after)},
            {"days_left", l.days_left ? nlohmann::json(*l.days_left) : nlohmann::json()},
            {"due", time_or_null(l.due)},
            {"due_reason", or_null(l.due_reason)},
            {"version", l.version ? nlohmann::json(*l.version) : nlohmann::json()},
            {"paths", paths_json(l)},
            {"account", or_null(l.account)},
            {"server", or_null(l.server)},
            {"solver", or_null(l.solver)},
            {"deploy_hooks", l.deploy_hooks},
            {"install_targets", l.install_targets},
            {"error", or_null(l.error)}};
}

void line(const char* label, const std::string& value) {
    if (!value.empty()) {
        std::cout << "  " << label << value << '\n';
    }
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : sep) + item;
    }
    return out;
}

void print_one(const LineageListing& l) {
    std::cout << l.name << '\n';
    line("error:      ", l.error);
    line("names:      ", joined(l.domains, " "));
    line("key type:   ", l.key_type.empty() && l.error.empty() ? "external CSR" : l.key_type);
    line("serial:     ", l.serial);
    if (l.not_after) {
        line("expires:    ",
             acme::iso8601_utc(*l.not_after) + " (" + std::to_string(*l.days_left) + " days left)");
    }
    if (l.due) {
        line("renews:     ", acme::iso8601_utc(*l.due) + " (" + l.due_reason + ")");
    }
    line("version:    ", l.version ? std::to_string(*l.version) : "none");
    line("fullchain:  ", path_of(l, "fullchain.pem"));
    line("privkey:    ", l.has_key ? path_of(l, "privkey.pem") : "");
    line("account:    ", l.account + (l.server.empty() ? "" : " at " + l.server));
    line("solver:     ", l.solver);
    line("deploy:     ", joined(l.deploy_hooks, "; "));
    line("installs:   ", joined(l.install_targets, " "));
}

int run_list(const GlobalOptions& g, const ListOptions& o) {
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto all = acme::ops::list_lineages(store, o.names, now);
    if (g.json) {
        // One lineage at a time: 10,000 of them as one document took 100 MB.
        std::cout << "{\n  \"lineages\": ";
        write_array(std::cout, all, to_json);
        std::cout << "\n}" << std::endl;
        return 0;
    }
    if (all.empty()) {
        std::cout << "no lineages in " << store.home().string() << '\n';
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        std::cout << (i == 0 ? "" : "\n");
        print_one(all[i]);
    }
    return 0;
}

} // namespace

Command setup_list(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<ListOptions>();
    auto* sub = app.add_subcommand("list", "List the lineages with their names, expiry, due "
                                           "time and the paths to use");
    sub->add_option("name", o->names, "Lineages to list (default: all)");
    return {sub, [&global, o] { return run_list(global, *o); }};
}

} // namespace acmectl
