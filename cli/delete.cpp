// acmectl delete: remove lineages from the store, asking first on a terminal.
#include "acme/client.hpp"
#include "commands.hpp"
#include "ops/delete_lineage.hpp"
#include "ops/revoke_lineage.hpp"

#include <iostream>
#include <unistd.h>

namespace acmectl {

namespace {

using acme::ops::DeletePlan;

struct DeleteOptions {
    std::vector<std::string> names;
    bool yes = false;
    bool revoke = false;
};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : " ") + item;
    }
    return out;
}

// On a terminal the user confirms; elsewhere (cron, a pipe) only --yes may.
bool confirmed(const std::vector<DeletePlan>& plans, const DeleteOptions& o) {
    if (o.yes) {
        return true;
    }
    if (::isatty(STDIN_FILENO) != 1) {
        throw CLI::ValidationError("stdin is not a terminal: pass --yes to delete without asking");
    }
    for (const auto& p : plans) {
        std::cerr << p.name << ": " << p.dir.string() << " (" << p.versions << " version(s); "
                  << joined(p.domains) << ")\n";
    }
    std::cerr << (o.revoke ? "Revoke and delete " : "Delete ") << plans.size()
              << " lineage(s)? [y/N] " << std::flush;
    std::string answer;
    return std::getline(std::cin, answer) && (answer == "y" || answer == "Y" || answer == "yes");
}

std::string revoke_current(const GlobalOptions& g, const acme::store::Store& store,
                           const DeletePlan& plan) {
    StderrLogger log(g);
    acme::ops::RevokeRequest request;
    request.lineage = plan.name;
    request.lock_held = true; // run_delete took it with lock_for_delete
    auto transport = make_transport(g);
    acme::Client client(*transport, acme::ops::revoke_server(store, request), log);
    return acme::ops::revoke(store, client, request).cert.serial_hex;
}

void print_deleted(const DeletePlan& p, const std::string& revoked) {
    if (!revoked.empty()) {
        std::cout << "Revoked certificate " << revoked << '\n';
    }
    std::cout << "Deleted " << p.name << ": removed " << p.dir.string() << " (config, state, "
              << p.versions << " version(s)) and its lock file\n";
    if (!p.install_targets.empty()) {
        std::cout << "  left in place (installed by its deploy steps; remove them once no "
                     "server reads them): "
                  << joined(p.install_targets) << '\n';
    }
}

int run_delete(const GlobalOptions& g, const DeleteOptions& o) {
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    std::vector<DeletePlan> plans;
    for (const auto& name : o.names) {
        plans.push_back(acme::ops::plan_delete(store, name)); // every name checked first
    }
    if (!confirmed(plans, o)) {
        std::cerr << "acmectl: nothing deleted\n";
        return 1;
    }
    auto doc = nlohmann::json::array();
    for (const auto& plan : plans) {
        auto lock = acme::ops::lock_for_delete(store, plan.name);
        const auto revoked =
            o.revoke && plan.has_certificate ? revoke_current(g, store, plan) : std::string();
        acme::ops::delete_lineage(store, plan);
        doc.push_back(
            {{"name", plan.name},
             {"dir", plan.dir.string()},
             {"versions", plan.versions},
             {"revoked_serial", revoked.empty() ? nlohmann::json() : nlohmann::json(revoked)},
             {"install_targets_left", plan.install_targets}});
        if (!g.json && !g.quiet) {
            print_deleted(plan, revoked);
        }
    }
    if (g.json) {
        print_json({{"deleted", doc}});
    }
    return 0;
}

} // namespace

Command setup_delete(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<DeleteOptions>();
    auto* sub = app.add_subcommand(
        "delete", "Remove lineages from the store (config, versions, state, lock file)");
    sub->add_option("name", o->names, "Lineages to delete")->required();
    sub->add_flag("-y,--yes", o->yes, "Do not ask (needed when stdin is not a terminal)");
    sub->add_flag("--revoke", o->revoke,
                  "Revoke the current certificate first (reason unspecified)");
    return {sub, [&global, o] { return run_delete(global, *o); }};
}

} // namespace acmectl
