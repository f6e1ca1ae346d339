// acmectl deploy-hook NAME: run a lineage's deploy steps now, or manage them.
#include "commands.hpp"
#include "common/error.hpp"
#include "ops/deploy_lineage.hpp"
#include "ops/lineage_endpoints.hpp"
#include "ops/lineage_hooks.hpp"
#include "served_format.hpp"
#include "value_sets.hpp"

#include <iostream>

namespace acmectl {

namespace {

struct DeployHookOptions {
    std::string name;
    std::string add;
    int remove = 0;
    bool list = false;
    std::string install_to;
    std::string what;
    std::string mode;
    std::string owner;
    int timeout = 300;
    EndpointFlags endpoints;
    int remove_endpoint = 0;
    bool clear_endpoints = false;
    VerifyFlags verify;
};

mode_t parse_mode(const std::string& text) {
    if (text.empty()) {
        return 0;
    }
    std::size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(text, &used, 8);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || value > 07777) {
        throw CLI::ValidationError("--mode", "'" + text + "' is not an octal mode like 0640");
    }
    return static_cast<mode_t>(value);
}

nlohmann::json endpoints_json(const std::vector<acme::ops::ServedEndpoint>& endpoints) {
    auto out = nlohmann::json::array();
    for (const auto& e : endpoints) {
        out.push_back(endpoint_json(e));
    }
    return out;
}

// The endpoints `check --served` probes: the ones set, or the defaults.
void list_endpoints(const acme::store::Store& store, const std::string& name) {
    const auto set = acme::ops::read_lineage_endpoints(store, name);
    int n = 0;
    for (const auto& e : set) {
        std::cout << "endpoint " << ++n << ". " << acme::ops::endpoint_label(e)
                  << (e.sni.empty() ? "" : " (sni " + e.sni + ")") << '\n';
    }
    if (!set.empty()) {
        return;
    }
    std::cout << "endpoints: the default (each non-wildcard name on port 443):";
    const auto defaults = acme::ops::effective_endpoints(store.read_config(name));
    for (const auto& e : defaults) {
        std::cout << ' ' << acme::ops::endpoint_label(e);
    }
    std::cout << (defaults.empty() ? " none, set them with --endpoint\n" : "\n");
}

int list_hooks(const GlobalOptions& g, const acme::store::Store& store, const std::string& name) {
    auto hooks = acme::ops::read_lineage_hooks(store, name);
    if (g.json) {
        auto install = nlohmann::json::array();
        for (const auto& s : hooks.install) {
            install.push_back(acme::renew::to_json(s));
        }
        print_json({{"name", name},
                    {"install", install},
                    {"deploy", hooks.deploy},
                    {"endpoints", endpoints_json(acme::ops::read_lineage_endpoints(store, name))},
                    {"effective_endpoints",
                     endpoints_json(acme::ops::effective_endpoints(store.read_config(name)))}});
        return 0;
    }
    int n = 0;
    for (const auto& s : hooks.install) {
        std::cout << ++n << ". install " << s.what << " to " << s.path << '\n';
    }
    for (const auto& c : hooks.deploy) {
        std::cout << ++n << ". " << c << '\n';
    }
    if (n == 0 && !g.quiet) {
        std::cout << name << " has no deploy hooks\n";
    }
    list_endpoints(store, name);
    return 0;
}

// --verify-served after the hooks ran: 0 when every endpoint serves current/.
int verify_now(const GlobalOptions& g, const acme::store::Store& store, const DeployHookOptions& o,
               acme::Logger& log, nlohmann::json& out) {
    const auto result =
        acme::ops::verify_served(store, o.name, std::chrono::seconds(o.verify.wait), log);
    out["served"] = served_json(result.endpoints);
    out["served_ok"] = result.ok;
    if (!result.ok) {
        out["ok"] = false;
        out["error"] = "served check failed: " + result.message;
        if (!g.json) {
            std::cerr << o.name << ": served check failed: " << result.message << '\n';
        }
    } else if (!g.json && !g.quiet) {
        for (const auto& r : result.endpoints) {
            std::cout << "  " << served_line(r) << '\n';
        }
    }
    return result.ok ? 0 : 1;
}

// What state.json's last_deploy_error becomes after this run ("" = it worked).
std::string deploy_error(const std::vector<acme::ops::HookReport>& reports,
                         const nlohmann::json& out) {
    for (const auto& r : reports) {
        if (!r.ok) {
            return r.hook + ": " + r.error;
        }
    }
    return out.value("served_ok", true) ? ""
                                        : out.value("error", std::string("served check failed"));
}

int run_now(const GlobalOptions& g, const acme::store::Store& store, const DeployHookOptions& o) {
    StderrLogger log(g);
    acme::ops::read_lineage_hooks(store, o.name); // clear error for an unknown lineage
    if (!store.current_version(o.name)) {
        throw acme::Error(acme::ErrorKind::config, o.name + " has no current certificate");
    }
    auto reports = acme::ops::run_deploy_hooks(store, o.name, store.read_config(o.name),
                                               store.current_dir(o.name),
                                               std::chrono::seconds(o.timeout), log);
    auto hooks = nlohmann::json::array();
    for (const auto& r : reports) {
        hooks.push_back({{"hook", r.hook}, {"ok", r.ok}, {"error", r.error}});
    }
    nlohmann::json out = {{"name", o.name}, {"hooks", hooks}, {"ok", acme::ops::all_ok(reports)}};
    if (!g.json && !g.quiet) {
        std::cout << o.name << ": " << reports.size() << " deploy hook(s) run"
                  << (acme::ops::all_ok(reports) ? "" : ", some FAILED") << '\n';
    }
    // A server cannot have reloaded what a failed hook did not install.
    const int status = !acme::ops::all_ok(reports) ? 1
                       : o.verify.verify           ? verify_now(g, store, o, log, out)
                                                   : 0;
    acme::ops::record_deploy_outcome(store, o.name, deploy_error(reports, out));
    if (g.json) {
        print_json(out);
    }
    return status;
}

int run_deploy_hook(const GlobalOptions& g, const DeployHookOptions& o) {
    if (o.name.empty()) {
        throw CLI::RequiredError("a lineage name (NAME or --name NAME)");
    }
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    if (o.list) {
        return list_hooks(g, store, o.name);
    }
    if (!o.add.empty()) {
        acme::ops::add_deploy_command(store, o.name, o.add);
    } else if (o.remove > 0) {
        acme::ops::remove_hook(store, o.name, o.remove);
    } else if (!o.install_to.empty()) {
        acme::ops::add_install_step(store, o.name,
                                    {o.install_to, o.what, parse_mode(o.mode), o.owner});
    } else if (!o.endpoints.endpoints.empty()) {
        acme::ops::add_endpoints(store, o.name, parse_endpoints(o.endpoints));
    } else if (o.remove_endpoint > 0) {
        acme::ops::remove_endpoint(store, o.name, o.remove_endpoint);
    } else if (o.clear_endpoints) {
        acme::ops::clear_endpoints(store, o.name);
    } else {
        return run_now(g, store, o);
    }
    return list_hooks(g, store, o.name);
}

} // namespace

Command setup_deploy_hook(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<DeployHookOptions>();
    auto* sub = app.add_subcommand(
        "deploy-hook", "Run a lineage's deploy hooks now, or add, remove and list them");
    auto* positional = sub->add_option("name", o->name, "Lineage name");
    auto* name_flag = sub->add_option("--name", o->name,
                                      "The same as the positional name (also for a name that "
                                      "begins with '-')");
    name_flag->excludes(positional);
    auto* add = sub->add_option("--add", o->add, "Add a shell command (run by /bin/sh, as certbot does)");
    auto* remove = sub->add_option("--remove", o->remove, "Remove hook number N (see --list)")
                       ->check(CLI::PositiveNumber);
    auto* list = sub->add_flag("--list", o->list, "List the lineage's deploy hooks and endpoints");
    auto* install = sub->add_option("--install-to", o->install_to,
                                    "Add a step copying the certificate to PATH before commands");
    auto* what = sub->add_option("--what", o->what, "What --install-to writes")
                     ->check(value_sets::one_of(value_sets::install_what()));
    auto* mode = sub->add_option("--mode", o->mode,
                                 "Octal mode for --install-to (default 0644, "
                                 "0600 for key and combined)");
    auto* owner = sub->add_option("--owner", o->owner, "user[:group] for --install-to");
    sub->add_option("--timeout", o->timeout, "Seconds each hook may run")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    auto* endpoint = add_endpoint_flags(*sub, o->endpoints);
    auto* remove_endpoint = sub->add_option("--remove-endpoint", o->remove_endpoint,
                                            "Remove endpoint number N (see --list)")
                                ->check(CLI::PositiveNumber);
    auto* clear = sub->add_flag("--clear-endpoints", o->clear_endpoints,
                                "Remove every endpoint (the defaults apply again)");
    auto* verify = add_verify_flags(*sub, o->verify,
                                    "After running the hooks now, wait until every endpoint "
                                    "serves the current certificate; fail if one does not");
    const std::vector<CLI::Option*> changes = {add,      remove,          list, install,
                                               endpoint, remove_endpoint, clear};
    for (auto* a : {endpoint, remove_endpoint, clear, verify}) {
        for (auto* b : changes) {
            if (a != b) {
                a->excludes(b);
            }
        }
    }
    install->needs(what);
    what->needs(install);
    mode->needs(install);
    owner->needs(install);
    add->excludes(remove)->excludes(list)->excludes(install);
    remove->excludes(list)->excludes(install);
    list->excludes(install);
    return {sub, [&global, o] { return run_deploy_hook(global, *o); }};
}

} // namespace acmectl
