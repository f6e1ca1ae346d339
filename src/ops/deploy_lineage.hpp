// Running a lineage's deploy steps: install copies, its own commands, then the
// global hooks in $ACMECTL_HOME/hooks/deploy/ (DESIGN.md "Hooks").
#pragma once

#include "common/log.hpp"
#include "process/runner.hpp"
#include "renew/hook_env.hpp"
#include "renew/install_step.hpp"
#include "store/store.hpp"

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acme::ops {

struct HookReport {
    std::string hook; // the command, install target or hook file
    bool ok = false;
    std::string error;  // one line when not ok
    int exit_code = -1; // -1 when not started, killed, or an install step that failed
    std::chrono::milliseconds duration{0};
};

inline constexpr std::chrono::minutes k_default_hook_timeout{5};

// The "hooks" member of a lineage's config.json: {"deploy": [...], "install": [...]}.
std::vector<std::string> deploy_commands(const nlohmann::json& config);
// Its install steps ("hooks"."install"). Throws Error(config) on a wrong shape.
std::vector<renew::InstallStep> install_steps(const nlohmann::json& config);

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

// Records the outcome of deploy steps run outside a renewal (deploy-hook
// NAME): "" clears state.json's last_deploy_error, so check stops warning
// once the user fixed the hook and ran it again.
void record_deploy_outcome(const store::Store& store, const std::string& name,
                           const std::string& error);

// After `issue` saved a new version (certbot runs --deploy-hook right after
// certonly): the lineage's deploy steps for current/, as renew runs them, and
// the outcome recorded in state.json (last_deploy_error) for check.
std::vector<HookReport> deploy_after_issue(const store::Store& store, const std::string& name,
                                           std::chrono::milliseconds timeout, Logger& log);

} // namespace acme::ops
