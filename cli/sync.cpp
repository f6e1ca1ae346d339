// acmectl sync: bring the shared (etcd) store's certificates to this node's
// local file store and run their deploy steps here (--once from cron,
// --watch as the acmectl-sync service).
#include "commands.hpp"
#include "common/error.hpp"
#include "ops/fleet_http01.hpp"
#include "ops/sync_run.hpp"
#include "sni_format.hpp"
#include "store/file_store.hpp"

#include <iostream>

namespace acmectl {

namespace {

struct SyncFlags {
    bool once = false;
    bool watch = false;
    std::vector<std::string> only;
    int hook_timeout = 300;
    int node_ttl = 0; // 0 = 60 with --watch, a day with --once
    std::string webroot;      // http-01 across the fleet (fleet_http01.hpp)
    int http_port = 0;        // or answered on this port
    std::string http_address; // by a responder bound here
    std::string sni_dir;      // the per-SNI folder (sni_dir.hpp)
};

// --webroot / --http-port: this node serves the fleet's http-01 tokens.
std::unique_ptr<acme::ops::FleetChallenges>
fleet_challenges(const acme::store::etcd::EtcdStore& shared, const SyncFlags& f,
                 acme::Logger& log) {
    if (f.webroot.empty() && f.http_port == 0)
        return nullptr;
    if (!f.webroot.empty() && f.http_port != 0)
        throw CLI::ValidationError("--webroot and --http-port exclude each other");
    acme::ops::ResponderOptions options;
    options.webroot = f.webroot.empty() ? "" : std::filesystem::absolute(f.webroot);
    options.http_port = f.http_port;
    options.http_address = f.http_address;
    auto challenges = std::make_unique<acme::ops::FleetChallenges>(shared, options, log);
    challenges->begin(); // an unwritable webroot or a port in use fails here
    return challenges;
}

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
    const auto challenges = f.watch ? fleet_challenges(*shared, f, log) : nullptr;
    if (challenges)
        options.http01 = challenges->mode();
    const acme::store::FileStore local(shared->home());
    const auto sni_dir = sni_dir_path(f.sni_dir);
    acme::ops::Syncer syncer(*shared, options, log, [&](const acme::ops::LineageSync& s) {
        if (!f.watch)
            return;
        print(g, s);
        if (!sni_dir.empty() && s.changed)
            print_sni(acme::ops::try_update_sni_dir(local, sni_dir, log), g.quiet);
    });
    if (challenges)
        syncer.add_handler({challenges->challenges_prefix(),
                            [&](const auto& events) { challenges->on_events(events); },
                            [&] { challenges->resync(); }});
    if (f.watch) {
        if (!sni_dir.empty()) // what the node has before the first change
            print_sni(acme::ops::try_update_sni_dir(local, sni_dir, log), g.quiet);
        syncer.watch();
    }
    bool ok = true;
    for (const auto& s : syncer.sync_all()) {
        print(g, s);
        ok = ok && !failed(s);
    }
    std::optional<acme::ops::SniReport> sni;
    if (!sni_dir.empty())
        sni = acme::ops::try_update_sni_dir(local, sni_dir, log);
    print_sni(sni, g.quiet || g.json);
    return ok && !sni_failed(sni) ? 0 : 1;
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
    auto* watch = sub->get_option("--watch");
    sub->add_option("--webroot", f->webroot,
                    "With --watch: write the fleet's http-01 tokens under "
                    "DIR/.well-known/acme-challenge/ and ack them")
        ->needs(watch);
    sub->add_option("--http-port", f->http_port,
                    "With --watch: answer the fleet's http-01 tokens on this port instead")
        ->check(CLI::Range(1, 65535))
        ->needs(watch);
    sub->add_option("--http-address", f->http_address,
                    "Address the --http-port responder binds (default: all)");
    add_sni_dir_flag(*sub, f->sni_dir);
    return {sub, [&global, f] { return run_sync(global, *f); }};
}

} // namespace acmectl
