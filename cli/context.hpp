// What every subcommand shares: the global flags, the store, the HTTP
// transport, the stderr logger and JSON printing.
#pragma once

#include "common/log.hpp"
#include "http/curl_client.hpp"

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
