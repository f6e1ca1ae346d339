#include "ops/deploy_lineage.hpp"

#include "common/error.hpp"
#include "ops/lineage_state.hpp"
#include "renew/hook_dir.hpp"
#include "renew/install_step.hpp"

#include <algorithm>

namespace acme::ops {

namespace {

std::string first_line(const std::string& text) {
    auto end = text.find('\n');
    return text.substr(0, std::min<std::size_t>(end, 300));
}

HookReport run_argv(const std::string& label, const std::vector<std::string>& argv,
                    const process::EnvList& env, std::chrono::milliseconds timeout, Logger& log) {
    log.info("Running hook: " + label);
    auto result = process::run_hook(argv, env, timeout);
    if (!result.output.empty()) {
        log.debug("hook output (" + label + "):\n" + result.output);
    }
    HookReport report{label, result.ok(), "", result.exit_status, result.elapsed};
    if (!result.ok()) {
        report.error = !result.error.empty() ? result.error
                       : result.timed_out
                           ? "timed out after " + std::to_string(timeout.count() / 1000) + " s"
                           : "exited with status " + std::to_string(result.exit_status);
        if (!result.output.empty()) {
            report.error += ": " + first_line(result.output);
        }
        log.warn("hook '" + label + "' failed: " + report.error);
    }
    return report;
}

HookReport run_install(const renew::InstallStep& step, const std::filesystem::path& cert_dir,
                       Logger& log) {
    const std::string label = "install " + step.what + " to " + step.path;
    log.info("Running hook: " + label);
    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
    };
    try {
        renew::run_install_step(step, cert_dir);
        return {label, true, "", 0, elapsed()};
    } catch (const Error& e) {
        log.warn("hook '" + label + "' failed: " + e.what());
        return {label, false, e.what(), -1, elapsed()};
    }
}

} // namespace

std::vector<renew::InstallStep> install_steps(const nlohmann::json& config) {
    std::vector<renew::InstallStep> steps;
    auto hooks = config.find("hooks");
    if (hooks == config.end() || !hooks->is_object() || !hooks->contains("install")) {
        return steps;
    }
    const auto& list = (*hooks)["install"];
    if (!list.is_array()) {
        throw Error(ErrorKind::config, "config.json: hooks.install is not a list");
    }
    for (const auto& item : list) {
        steps.push_back(renew::install_step_from_json(item));
    }
    return steps;
}

std::vector<std::string> deploy_commands(const nlohmann::json& config) {
    std::vector<std::string> out;
    auto hooks = config.find("hooks");
    if (hooks == config.end() || !hooks->is_object() || !hooks->contains("deploy")) {
        return out;
    }
    const auto& list = (*hooks)["deploy"];
    if (!list.is_array()) {
        throw Error(ErrorKind::config, "config.json: hooks.deploy is not a list");
    }
    for (const auto& item : list) {
        if (!item.is_string()) {
            throw Error(ErrorKind::config, "config.json: a deploy hook is not a string");
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

HookReport run_command_hook(const std::string& command, const process::EnvList& env,
                            std::chrono::milliseconds timeout, Logger& log) {
    try {
        return run_argv(command, process::shell_argv(command), env, timeout, log);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::interrupted)
            throw;
        log.warn("hook '" + command + "' failed: " + e.what());
        return {command, false, e.what(), -1, std::chrono::milliseconds(0)};
    }
}

std::vector<HookReport> run_hook_dir(const store::Store& store, const std::string& kind,
                                     const process::EnvList& env, std::chrono::milliseconds timeout,
                                     Logger& log) {
    std::vector<HookReport> reports;
    for (const auto& file : renew::hook_dir_executables(store.home() / "hooks" / kind)) {
        reports.push_back(run_argv(file.string(), {file.string()}, env, timeout, log));
    }
    return reports;
}

std::vector<HookReport>
run_deploy_hooks(const store::Store& store, const std::string& name, const nlohmann::json& config,
                 const std::filesystem::path& cert_dir, std::chrono::milliseconds timeout,
                 Logger& log, bool dry_run, const std::vector<std::string>& extra_commands) {
    std::vector<std::string> domains;
    if (config.contains("domains") && config["domains"].is_array()) {
        domains = config["domains"].get<std::vector<std::string>>();
    }
    auto env = renew::lineage_hook_env(name, domains, cert_dir);
    std::vector<HookReport> reports;
    if (dry_run) {
        env.emplace_back("ACMECTL_DRY_RUN", "1");
    } else {
        for (const auto& step : install_steps(config)) {
            reports.push_back(run_install(step, cert_dir, log));
        }
    }
    auto commands = deploy_commands(config);
    for (const auto& extra : extra_commands)
        if (std::find(commands.begin(), commands.end(), extra) == commands.end())
            commands.push_back(extra);
    for (const auto& command : commands) {
        reports.push_back(run_command_hook(command, env, timeout, log));
    }
    auto global = run_hook_dir(store, "deploy", env, timeout, log);
    reports.insert(reports.end(), global.begin(), global.end());
    return reports;
}

bool all_ok(const std::vector<HookReport>& reports) {
    for (const auto& r : reports) {
        if (!r.ok) {
            return false;
        }
    }
    return true;
}

void record_deploy_outcome(const store::Store& store, const std::string& name,
                           const std::string& error) {
    auto state = state_from_json(store.read_state(name));
    if (state.last_deploy_error == error) {
        return;
    }
    state.last_deploy_error = error;
    store.write_state(name, state_to_json(state));
}

std::vector<HookReport> deploy_after_issue(const store::Store& store, const std::string& name,
                                           std::chrono::milliseconds timeout, Logger& log) {
    auto reports = run_deploy_hooks(store, name, store.read_config(name), store.current_dir(name),
                                    timeout, log);
    std::string error;
    for (const auto& r : reports) {
        if (!r.ok) {
            error = r.hook + ": " + r.error;
            break;
        }
    }
    record_deploy_outcome(store, name, error);
    return reports;
}

} // namespace acme::ops
