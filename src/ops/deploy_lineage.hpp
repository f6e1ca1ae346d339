// Running a lineage's deploy steps: install copies, its own commands, then the
// global hooks in $ACMECTL_HOME/hooks/deploy/ (DESIGN.md "Hooks").
#pragma once

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "process/runner.hpp"
#include "renew/hook_env.hpp"
#include "store/store.hpp"

namespace acme::ops {

struct HookReport {
    std::string hook; // the command, install target or hook file
    bool ok = false;
    std::string error;   // one line when not ok
    int exit_code = -1;  // -1 when not started, killed, or an install step that failed
    std::chrono::milliseconds duration{0};
};

inline constexpr std::chrono::minutes k_default_hook_timeout{5};

// The "hooks" member of a lineage's config.json: {"deploy": [...], "install": [...]}.
std::vector<std::string> deploy_commands(const nlohmann::json& config);

// Runs every deploy step for the certificate in cert_dir, in order, each even
// when an earlier one failed; a failing step is reported, never thrown, and
// never undoes the certificate. Hook output goes to the log (debug level).
// A dry run skips the install steps (they would put a test certificate where
// servers read theirs) and gives the commands ACMECTL_DRY_RUN=1.
// extra_commands (`renew --deploy-hook`) run after the lineage's own
// commands, except those the lineage has already.
std::vector<HookReport> run_deploy_hooks(const store::Store& store, const std::string& name,
                                         const nlohmann::json& config,
                                         const std::filesystem::path& cert_dir,
                                         std::chrono::milliseconds timeout, Logger& log,
                                         bool dry_run = false,
                                         const std::vector<std::string>& extra_commands = {});

// Runs a user command given as one string by `/bin/sh -c`, as certbot
// does, logging it. Everything it needs to know comes in env.
HookReport run_command_hook(const std::string& command, const process::EnvList& env,
                            std::chrono::milliseconds timeout, Logger& log);

// Runs the executables of $ACMECTL_HOME/hooks/<kind>/ in name order.
std::vector<HookReport> run_hook_dir(const store::Store& store, const std::string& kind,
                                     const process::EnvList& env, std::chrono::milliseconds timeout,
                                     Logger& log);

bool all_ok(const std::vector<HookReport>& reports);

} // namespace acme::ops
