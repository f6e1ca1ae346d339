// acmectl store: the shared store (acmectl-store(1)): init-key, ls, status,
// migrate, rekey, and http01 (this node's share of http-01 in a fleet).
#include "commands.hpp"
#include "common/error.hpp"
#include "ops/fleet_http01.hpp"
#include "ops/migrate_store.hpp"
#include "store/etcd/etcd_store.hpp"
#include "store/etcd/fleet_key.hpp"
#include "value_sets.hpp"

#include <iostream>

namespace acmectl {

namespace {

struct StoreOptions {
    std::string key_file; // init-key FILE
    std::string from;     // migrate --from
    std::string to;       // migrate --to
    bool current_only = false;
    std::string new_key_file; // rekey --new-key-file
    std::string action;       // init-key, ls, status, migrate, rekey, http01
    std::string webroot;      // http01 --webroot
    int http_port = 0;        // http01 --http-port
    std::string http_address; // http01 --http-address
};

int run_init_key(const GlobalOptions& g, const StoreOptions& o) {
    acme::store::etcd::create_fleet_key(o.key_file);
    if (!g.quiet)
        std::cout << "Created fleet key " << o.key_file
                  << " (0600): copy it to every node, keep a backup\n";
    return 0;
}

nlohmann::json lineage_entry(const acme::store::Store& store, const std::string& name) {
    const auto current = store.current_version(name);
    const auto holder = store.lock_holder(name);
    const auto config = store.read_config(name);
    return {{"name", name},
            {"current", current ? nlohmann::json(*current) : nlohmann::json(nullptr)},
            {"versions", store.versions(name)},
            {"domains", config.value("domains", nlohmann::json::array())},
            {"lock_holder", holder ? nlohmann::json(*holder) : nlohmann::json(nullptr)}};
}

int run_ls(const GlobalOptions& g) {
    const auto store = open_store(g);
    auto all = nlohmann::json::array();
    for (const auto& name : store->list_lineages())
        all.push_back(lineage_entry(*store, name));
    if (g.json) {
        print_json({{"store", store->describe()}, {"lineages", all}});
        return 0;
    }
    for (const auto& l : all) {
        std::cout << l["name"].get<std::string>() << "  current "
                  << (l["current"].is_null() ? "-" : std::to_string(l["current"].get<int>()))
                  << "  versions " << l["versions"].size();
        if (!l["lock_holder"].is_null())
            std::cout << "  locked by " << l["lock_holder"].get<std::string>();
        std::cout << '\n';
    }
    return 0;
}

int run_status(const GlobalOptions& g) {
    const auto store = open_store(g);
    const auto names = store->list_lineages(); // also proves the store answers
    auto locks = nlohmann::json::object();
    for (const auto& name : names) {
        if (auto holder = store->lock_holder(name))
            locks[name] = *holder;
    }
    const auto accounts = store->list_accounts().size();
    if (g.json) {
        print_json({{"store", store->describe()},
                    {"reachable", true},
                    {"lineages", names.size()},
                    {"accounts", accounts},
                    {"locks", locks}});
        return 0;
    }
    std::cout << "store: " << store->describe() << "\nreachable: yes\nlineages: " << names.size()
              << "\naccounts: " << accounts << '\n';
    for (const auto& [name, holder] : locks.items())
        std::cout << "lock: " << name << " held by " << holder.get<std::string>() << '\n';
    return 0;
}

int run_migrate(const GlobalOptions& g, const StoreOptions& o) {
    StderrLogger log(g);
    const auto from = open_store(g, o.from);
    const auto to = open_store(g, o.to);
    acme::ops::MigrateRequest request;
    request.current_only = o.current_only;
    const auto result = acme::ops::migrate_store(*from, *to, request, log);
    auto lineages = nlohmann::json::array();
    for (const auto& l : result.lineages) {
        lineages.push_back({{"name", l.name},
                            {"copied", l.copied},
                            {"current", l.current ? nlohmann::json(*l.current) : nlohmann::json()},
                            {"ok", l.ok},
                            {"message", l.message}});
        if (!g.json && (!l.ok || !l.message.empty()))
            std::cerr << (l.ok ? "note: " : "error: ") << l.name << ": " << l.message << '\n';
    }
    for (const auto& e : result.account_errors) {
        if (!g.json)
            std::cerr << "error: account " << e << '\n';
    }
    if (g.json) {
        print_json({{"accounts", result.accounts},
                    {"account_errors", result.account_errors},
                    {"lineages", lineages}});
    } else if (!g.quiet) {
        std::cout << "Migrated " << result.accounts.size() << " account(s) and "
                  << result.lineages.size() << " lineage(s) to " << to->describe() << '\n';
    }
    return result.ok() ? 0 : 1;
}

int run_rekey(const GlobalOptions& g, const StoreOptions& o) {
    const auto store = open_store(g);
    const auto* etcd = dynamic_cast<const acme::store::etcd::EtcdStore*>(store.get());
    if (!etcd)
        throw CLI::ValidationError("store rekey needs an etcd store (--store etcd://...)");
    const auto result = etcd->rekey(acme::store::etcd::read_fleet_key(o.new_key_file));
    if (g.json)
        print_json({{"resealed", result.resealed}, {"already_new", result.already_new}});
    else if (!g.quiet)
        std::cout << "Resealed " << result.resealed << " key(s) under " << o.new_key_file << " ("
                  << result.already_new
                  << " were already): use it as --store-key-file on every node now\n";
    return 0;
}

// Runs until SIGTERM/SIGINT (exit 143/130), having removed what it wrote.
int run_http01(const GlobalOptions& g, const StoreOptions& o) {
    if (o.webroot.empty() == (o.http_port == 0))
        throw CLI::ValidationError("store http01 needs --webroot DIR or --http-port N");
    const auto store = open_store(g);
    const auto* etcd = dynamic_cast<const acme::store::etcd::EtcdStore*>(store.get());
    if (etcd == nullptr)
        throw acme::Error(acme::ErrorKind::usage,
                          "store http01 answers for a fleet: give --store etcd://...");
    StderrLogger log(g);
    acme::ops::ResponderOptions options;
    options.webroot = o.webroot.empty() ? "" : std::filesystem::absolute(o.webroot);
    options.http_port = o.http_port;
    options.http_address = o.http_address;
    acme::ops::serve_fleet_http01(*etcd, options, log);
    return 0;
}

int run_store(const GlobalOptions& g, const StoreOptions& o) {
    const bool migrate = o.action == "migrate";
    if (migrate != (!o.from.empty() && !o.to.empty()) ||
        (o.action == "rekey") == o.new_key_file.empty() ||
        (o.action == "init-key") == o.key_file.empty())
        throw CLI::ValidationError(
            "usage: store init-key FILE | ls | status | migrate --from URL --to URL | "
            "rekey --new-key-file FILE | http01 --webroot DIR|--http-port N");
    if (o.action == "http01")
        return run_http01(g, o);
    if (o.action == "init-key")
        return run_init_key(g, o);
    if (o.action == "ls")
        return run_ls(g);
    if (o.action == "status")
        return run_status(g);
    if (migrate)
        return run_migrate(g, o);
    return run_rekey(g, o);
}

} // namespace

Command setup_store(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<StoreOptions>();
    auto* sub = app.add_subcommand("store", "The shared certificate store (etcd) of a fleet");
    sub->add_option("action", o->action, "init-key, ls, status, migrate, rekey or http01")
        ->required()
        ->check(value_sets::one_of(value_sets::store_actions()));
    sub->add_option("file", o->key_file, "init-key: the fleet key file to create (0600)");
    sub->add_option("--from", o->from, "migrate: source store, a folder or etcd[s]://...");
    sub->add_option("--to", o->to, "migrate: destination store, a folder or etcd[s]://...");
    sub->add_flag("--current-only", o->current_only,
                  "migrate: copy each lineage's current version only");
    sub->add_option("--new-key-file", o->new_key_file, "rekey: the new fleet key file")
        ->check(CLI::ExistingFile);
    sub->add_option("--webroot", o->webroot,
                    "http01: write the fleet's tokens under DIR/.well-known/acme-challenge/");
    sub->add_option("--http-port", o->http_port,
                    "http01: answer the fleet's tokens on this port instead")
        ->check(CLI::Range(1, 65535));
    sub->add_option("--http-address", o->http_address,
                    "http01: address the --http-port server binds (default: all)");
    return {sub, [&global, o] { return run_store(global, *o); }};
}

} // namespace acmectl
