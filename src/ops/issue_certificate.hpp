// acmectl issue: one order from identifiers to a new lineage version.
#pragma once

#include "acme/client.hpp"
#include "acme/directory.hpp"
#include "challenge/manual.hpp"
#include "common/log.hpp"
#include "crypto/key.hpp"
#include "crypto/x509.hpp"
#include "ops/deploy_lineage.hpp"
#include "ops/sni_dir.hpp"
#include "store/store.hpp"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

// How the challenges are answered; lineage_config records it in config.json
// so that renew answers them the same way.
struct SolverConfig {
    // "standalone" | "webroot" | "dns-hook" | "dns-rfc2136" | "alpn" | "manual" | "manual-dns"
    std::string kind = "standalone";
    int http_port = 80;
    std::string http_address; // "" = every address
    std::string webroot;
    std::string dns_hook; // dns-hook: the command, run without a shell
    // dns-hook from certbot's manual hooks: dns_hook adds, dns_cleanup_hook
    // deletes, both without arguments and with CERTBOT_* in the environment.
    bool certbot_hooks = false;
    std::string dns_cleanup_hook;
    int dns_wait = 0;           // dns-*: seconds to wait after adding the records
    std::string dns_resolver;   // dns-*: ADDR[:PORT] to poll; "" = none
    std::string rfc2136_server; // dns-rfc2136: ADDR[:PORT] nsupdate sends updates to
    std::string rfc2136_zone;   // dns-rfc2136: "" = found by asking the server
    std::string tsig_key;       // dns-rfc2136: key file for nsupdate -k (absolute path)
    int tls_port = 443;         // alpn
    std::string tls_address;    // alpn: "" = every address
    // manual: supplied by an interactive caller only (never saved). Without
    // them (renew from cron) a "manual" lineage fails with a clear message.
    challenge::ManualPrompt manual;
};

// The challenge type a solver kind answers: "http-01", "dns-01" or
// "tls-alpn-01". Throws Error(config) for an unknown kind.
std::string solver_challenge_type(const std::string& kind);

// Throws Error(usage) when the CA's directory does not offer the profile
// (none at all, or not this one, naming those it offers). "" always passes.
void require_profile(const Directory& directory, const std::string& profile);

struct IssueRequest {
    std::string server_url;
    std::string account_name = "default";
    std::vector<std::string> names; // from -d; may be empty with a CSR
    std::string lineage_name;       // "" = derived from the first name
    SolverConfig solver;
    crypto::KeyType key_type = crypto::KeyType::ec256;
    bool key_type_given = false; // key_type was asked for (else: reuse_key keeps the key's type)
    bool reuse_key = false;
    std::string csr_path;  // issue for an external CSR: no key stored
    std::string ca_bundle; // roots for the CA's HTTPS (absolute path), kept for renew; "" = system
    std::string preferred_chain;
    std::string profile; // newOrder "profile" (the CA's profiles extension); "" = default
    bool force = false;
    std::chrono::seconds timeout{300};
    std::string replaces;               // ARI certID of the certificate this one replaces
    bool dry_run = false;               // run the whole flow against the CA, save nothing
    nlohmann::json hooks = nullptr;     // config.json "hooks" to keep; null = none yet
    nlohmann::json endpoints = nullptr; // config.json "endpoints"; null = keep the lineage's
    // Group that may read privkey.pem (0640); "" = owner only; nullopt = the lineage's.
    std::optional<std::string> key_group;
    std::optional<int> keep_versions; // versions kept after pruning; nullopt = the lineage's
    // issue_certificate: bring this per-SNI folder up to date (sni_dir.hpp)
    // before the deploy steps; "" = none. This node's choice: not in config.json.
    std::string sni_dir;
};

struct IssueResult {
    std::string status; // "issued", "exists" or "dry-run"
    std::string name;
    std::vector<std::string> domains;
    crypto::CertInfo cert;
    std::string key_type; // "" for an external CSR
    int version = 0;
    // <lineage>/current: what servers should read (it follows renewals; versions/N/ does not)
    std::filesystem::path dir;
    std::chrono::sys_seconds due; // when renew will consider it due
    std::chrono::milliseconds elapsed{0};
    store::VersionFiles files;     // what was (or, in a dry run, would have been) saved
    std::vector<HookReport> hooks; // issue_certificate: the deploy steps run after it
    std::optional<SniReport> sni;  // issue_certificate with sni_dir: the folder's update
};

// The lineage's config.json content for this request (what renew redoes).
nlohmann::json lineage_config(const IssueRequest& request, const std::vector<std::string>& domains,
                              const std::string& name);

// Runs the whole flow, then (for a new version) the lineage's deploy steps,
// with the lineage locked; the client must already act as an account. Throws
// Error(usage) for bad names before contacting the CA, Error(conflict) when
// another process holds the lineage, Problem for CA refusals. On any failure
// the lineage's current version and config stay as they were.
IssueResult issue_certificate(const store::Store& store, Client& client,
                              const IssueRequest& request, Logger& log);

// The same for a caller that already holds the lineage's lock (renew). A
// certificate an earlier run kept in a recovery file (ops/recovery.hpp) is
// stored first and is the result, with no order. With `lock`, a lost lock
// stops the flow before the order and before any write (Error(conflict)). A
// certificate the CA issued that cannot be stored is kept in a recovery file
// whose path the error names.
IssueResult issue_certificate_locked(const store::Store& store, Client& client,
                                     const IssueRequest& request, Logger& log,
                                     const store::Lock* lock = nullptr);

// Validates names (and CSR) and derives the lineage name, without network.
// Returns {domains, lineage name}.
std::pair<std::vector<std::string>, std::string> plan_names(const IssueRequest& request);

} // namespace acme::ops
