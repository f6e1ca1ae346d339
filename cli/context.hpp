// What every subcommand shares: the global flags, the store, the HTTP
// transport, the stderr logger and JSON printing.
#pragma once

#include "common/log.hpp"
#include "http/curl_client.hpp"
#include "store/store.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acmectl {

struct GlobalOptions {
    std::string home;
    std::string config; // --config FILE: read instead of /etc/acmectl/acmectl.conf
    std::string server = "letsencrypt";
    std::string ca_bundle;
    bool insecure = false;
    bool json = false;
    int verbose = 0;
    bool quiet = false;
    std::string log_format = "text";   // of $ACMECTL_HOME/log/acmectl.log
    std::vector<std::string> hook_env; // variables passed on to hooks besides the base
    // The shared store (acmectl-store(1)); "" = the file store in home.
    std::string store;
    std::string node;              // this node's name in etcd locks (default hostname)
    std::string store_ca;          // etcds://: roots for etcd's certificate
    std::string store_cert;        // etcds://: client certificate
    std::string store_key;         // etcds://: its key
    std::string store_credentials; // USER:PASSWORD file, 0600
    std::string store_key_file;    // fleet key sealing private keys in etcd
    int store_lock_ttl = 60;       // seconds of an etcd lineage lock's lease
};

// A subcommand: its CLI11 node and what to run when it was chosen.
struct Command {
    CLI::App* app = nullptr;
    std::function<int()> run;
};

// Adds --home, --server, ... to app (they may also follow the subcommand).
void add_global_options(CLI::App& app, GlobalOptions& options);

// --home, else ACMECTL_HOME (handled by CLI11), else `home` of the system
// acmectl.conf (apply_config_files), else /var/lib/acmectl for root and
// $XDG_STATE_HOME/acmectl or ~/.local/state/acmectl otherwise.
std::filesystem::path resolve_home(const GlobalOptions& options);
// The directory URL of --server (alias or URL). Throws acme::Error(usage).
std::string resolve_server_url(const GlobalOptions& options);
// ca_bundle: roots to trust when the run was given none (--ca-bundle and
// acmectl.conf win), e.g. the bundle a lineage was issued with.
std::unique_ptr<acme::http::CurlClient> make_transport(const GlobalOptions& options,
                                                       const std::string& ca_bundle = "");
// The store the global options name (--store, else the file store in resolve_home).
std::unique_ptr<acme::store::Store> open_store(const GlobalOptions& options);
// The same for another store URL (store migrate --from/--to).
std::unique_ptr<acme::store::Store> open_store(const GlobalOptions& options,
                                               const std::string& url);

// Progress on stderr: info unless -q, debug (with elapsed time) with -v.
class StderrLogger : public acme::Logger {
  public:
    explicit StderrLogger(const GlobalOptions& options);
    void log(acme::LogLevel level, const std::string& message) override;

  private:
    int m_verbose;
    bool m_quiet;
    std::mutex m_mutex; // parallel renewals log from several threads
    std::chrono::steady_clock::time_point m_start;
};

void print_json(const nlohmann::json& doc);
// An ISO 8601 UTC string, or null.
nlohmann::json time_or_null(const std::optional<std::chrono::sys_seconds>& t);

} // namespace acmectl
