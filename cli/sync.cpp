// acmectl sync: bring the shared (etcd) store's certificates to this node's
// local file store and run their deploy steps here (--once from cron,
// --watch as the acmectl-sync service).
#include "commands.hpp"
#include "common/error.hpp"
#include "ops/sync_run.hpp"

#include <iostream>

namespace acmectl {

namespace {

struct SyncFlags {
    bool once = false;
    bool watch = false;
    std::vector<std::string> only;
    int hook_timeout = 300;
    int node_ttl = 0; // 0 = 60 with --watch, a day with --once
};

nlohmann::json to_json(const acme::ops::LineageSync& s) {
    auto or_null = [](const std::string& text) {
        return text.empty() ? nlohmann::json() : nlohmann::json(text);
    };
    return {{"name", s.name},
            {"version", s.version ? nlohmann::json(*s.version) : nlohmann::json()},
            {"previous", s.previous ? nlohmann::json(*s.previous) : nlohmann::json()},
            {"changed", s.changed},
            {"deploy_hooks", s.hooks.size()},
            {"deploy_error", or_null(s.deploy_error)},
            {"error", or_null(s.error)}};
}

std::string text_line(const acme::ops::LineageSync& s) {
    if (!s.error.empty())
        return s.name + ": FAILED: " + s.error;
    if (!s.version)
        return s.name + ": no current version in the shared store yet";
    std::string line = s.name + ": version " + std::to_string(*s.version);
    if (!s.changed)
        return line + " (up to date)";
    line += " now current" + (s.previous ? " (was " + std::to_string(*s.previous) + ")" : "");
    if (!s.hooks.empty())
        line += s.deploy_error.empty() ? ", deploy steps OK" : ", deploy FAILED: " + s.deploy_error;
    return line;
}

void print(const GlobalOptions& g, const acme::ops::LineageSync& s) {
    if (g.json)
        std::cout << to_json(s).dump() << std::endl; // one line per lineage, at once
    else if (!g.quiet || !s.error.empty() || !s.deploy_error.empty())
        std::cout << text_line(s) << std::endl;
}

bool failed(const acme::ops::LineageSync& s) {
    return !s.error.empty() || !s.deploy_error.empty();
}

int run_sync(const GlobalOptions& g, const SyncFlags& f) {
    if (f.once == f.watch)
        throw CLI::ValidationError("sync needs one of --once (cron) and --watch (service)");
    const auto store = open_store(g);
    const auto* shared = dynamic_cast<const acme::store::etcd::EtcdStore*>(store.get());
    if (!shared)
        throw acme::Error(acme::ErrorKind::usage,
                          "sync copies from a shared store: give --store etcd://HOST:PORT/PREFIX "
                          "(or store = in acmectl.conf)");
    acme::ops::SyncOptions options;
    options.only = f.only;
    options.hook_timeout = std::chrono::seconds(f.hook_timeout);
    options.node_ttl = f.node_ttl > 0 ? f.node_ttl : f.watch ? 60 : 86400;
    StderrLogger log(g);
    acme::ops::Syncer syncer(*shared, options, log, [&g, &f](const auto& s) {
        if (f.watch)
            print(g, s);
    });
    if (f.watch)
        syncer.watch();
    bool ok = true;
    for (const auto& s : syncer.sync_all()) {
        print(g, s);
        ok = ok && !failed(s);
    }
    return ok ? 0 : 1;
}

} // namespace

Command setup_sync(CLI::App& app, const GlobalOptions& global) {
    auto f = std::make_shared<SyncFlags>();
    auto* sub = app.add_subcommand(
        "sync", "Copy the shared store's certificates to this node and run their deploy steps");
    sub->add_flag("--once", f->once, "Bring every lineage up to date once, then exit (cron)");
    sub->add_flag("--watch", f->watch,
                  "Follow the shared store and act on each new version within a second "
                  "(the acmectl-sync service)");
    sub->add_option("--only,--sync-names", f->only,
                    "Sync only these lineages (repeatable; default: every lineage)");
    sub->add_option("--hook-timeout", f->hook_timeout, "Seconds each deploy step may take")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    sub->add_option("--node-ttl", f->node_ttl,
                    "Seconds this node's record in the shared store outlives the node "
                    "(default: 60 with --watch, 86400 with --once)")
        ->check(CLI::Range(10, 30 * 86400));
    return {sub, [&global, f] { return run_sync(global, *f); }};
}

} // namespace acmectl
