// acmectl import --from-certbot: certbot's accounts, lineages and hooks into
// the store. Reads DIR (/etc/letsencrypt) only; a dry run unless apply.
// Idempotent: what the store already has the same is reported "exists".
#pragma once

#include "store/store.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace acme::ops {

struct ImportedAccount {
    std::string certbot_id;
    std::string server;
    std::string url;    // the account URL at the CA: the same account, no new registration
    std::string name;   // acmectl's account name
    std::string status; // "import", "exists" or "skipped"
    std::string note;   // why it was skipped
};

struct ImportedLineage {
    std::string name;
    std::vector<std::string> domains;
    std::string key_type;
    std::string server;
    std::string account; // acmectl's account name
    std::string solver;  // how renew will answer the challenges
    std::vector<std::string> deploy_hooks;
    std::string status; // "import", "exists" or "skipped"
    // certbot settings acmectl cannot take over, each with what to do instead
    std::vector<std::string> unmapped;
};

struct ImportedHook {
    std::string kind;   // pre, post, deploy ($ACMECTL_HOME/hooks/<kind>/)
    std::string file;   // the executable written there
    std::string source; // the certbot hook line or file it runs
    std::string status; // "import" or "exists"
};

struct ImportReport {
    std::filesystem::path dir;
    bool applied = false;
    std::vector<ImportedAccount> accounts;
    std::vector<ImportedLineage> lineages;
    std::vector<ImportedHook> hooks;
};

// Reads DIR's accounts/, renewal/*.conf, live/ and renewal-hooks/; with apply,
// writes what is not in the store yet. Throws Error(usage) when DIR has no
// renewal/ or accounts/ folder; a lineage that cannot be read is "skipped"
// with the reason, never a failure of the whole import.
ImportReport import_certbot(const store::Store& store, const std::filesystem::path& dir,
                            bool apply);

} // namespace acme::ops
