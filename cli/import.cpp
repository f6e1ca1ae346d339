// acmectl import --from-certbot [DIR]: bring certbot's accounts, certificates
// and hooks over. A dry run unless --apply; DIR is only read.
#include "commands.hpp"
#include "ops/import_certbot.hpp"

#include <iostream>

namespace acmectl {

namespace {

using acme::ops::ImportReport;

struct ImportOptions {
    bool from_certbot = false;
    std::string dir = "/etc/letsencrypt";
    bool apply = false;
};

std::string verb(const std::string& status, bool applied) {
    if (status == "import") {
        return applied ? "imported" : "would import";
    }
    return status == "exists" ? "already in the store" : "skipped";
}

nlohmann::json to_json(const ImportReport& r) {
    auto accounts = nlohmann::json::array();
    for (const auto& a : r.accounts) {
        accounts.push_back({{"certbot_id", a.certbot_id},
                            {"server", a.server},
                            {"url", a.url},
                            {"name", a.name},
                            {"status", a.status},
                            {"note", a.note}});
    }
    auto lineages = nlohmann::json::array();
    for (const auto& l : r.lineages) {
        lineages.push_back({{"name", l.name},
                            {"domains", l.domains},
                            {"key_type", l.key_type},
                            {"server", l.server},
                            {"account", l.account},
                            {"solver", l.solver},
                            {"deploy_hooks", l.deploy_hooks},
                            {"status", l.status},
                            {"unmapped", l.unmapped}});
    }
    auto hooks = nlohmann::json::array();
    for (const auto& h : r.hooks) {
        hooks.push_back(
            {{"kind", h.kind}, {"file", h.file}, {"source", h.source}, {"status", h.status}});
    }
    return {{"dir", r.dir.string()},
            {"applied", r.applied},
            {"accounts", accounts},
            {"lineages", lineages},
            {"hooks", hooks}};
}

void print_text(const ImportReport& r) {
    for (const auto& a : r.accounts) {
        std::cout << "account " << a.certbot_id << " (" << a.server
                  << "): " << verb(a.status, r.applied) << (a.name.empty() ? "" : " as " + a.name)
                  << (a.note.empty() ? "" : ": " + a.note) << '\n';
    }
    for (const auto& l : r.lineages) {
        std::cout << "lineage " << l.name << ": " << verb(l.status, r.applied);
        if (!l.domains.empty()) {
            std::cout << " (" << l.domains.size() << " name(s), " << l.key_type << ", solver "
                      << l.solver << ", " << l.deploy_hooks.size() << " deploy hook(s))";
        }
        std::cout << '\n';
        for (const auto& u : l.unmapped) {
            std::cout << "  not taken over: " << u << '\n';
        }
    }
    for (const auto& h : r.hooks) {
        std::cout << h.kind << " hook " << h.source << ": " << verb(h.status, r.applied) << " as "
                  << h.file << '\n';
    }
    if (!r.applied) {
        std::cout << "Dry run: nothing was written. Run again with --apply to import.\n";
    } else {
        std::cout << "Done; " << r.dir.string()
                  << " was not changed. Check with "
                     "'acmectl renew --dry-run', then stop certbot's timer.\n";
    }
}

int run_import(const GlobalOptions& g, const ImportOptions& o) {
    if (!o.from_certbot) {
        throw CLI::ValidationError("say what to import from: --from-certbot [DIR]");
    }
    const auto store_owner = open_store(g);
    const acme::store::Store& store = *store_owner;
    const auto report = acme::ops::import_certbot(store, o.dir, o.apply);
    if (g.json) {
        print_json(to_json(report));
    } else if (!g.quiet) {
        print_text(report);
    }
    return 0;
}

} // namespace

Command setup_import(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<ImportOptions>();
    auto* sub = app.add_subcommand(
        "import",
        "Bring certbot's accounts, certificates and hooks over (a dry run unless --apply)");
    sub->add_flag("--from-certbot", o->from_certbot,
                  "Import from certbot's configuration folder DIR (default /etc/letsencrypt)");
    sub->add_option("dir", o->dir, "certbot's configuration folder")
        ->check(CLI::ExistingDirectory)
        ->capture_default_str();
    sub->add_flag("--apply", o->apply,
                  "Write to the store (without it: only show what would be done)");
    return {sub, [&global, o] { return run_import(global, *o); }};
}

} // namespace acmectl
