#include "run_log.hpp"

#include <memory>

#include "common/error.hpp"
#include "context.hpp"
#include "store/home_check.hpp"

namespace acmectl {

namespace {

std::unique_ptr<acme::log::RunLog> g_run_log;

} // namespace

acme::log::RunLog* run_log() { return g_run_log.get(); }

void open_run_log(const std::filesystem::path& home, const std::string& command,
                  const acme::log::RunLogOptions& options) {
    g_run_log = std::make_unique<acme::log::RunLog>(home / "log", command, options);
}

void close_run_log() { g_run_log.reset(); }

std::string redacted_command_line(int argc, char** argv) {
    std::string out;
    bool hide_next = false;
    for (int i = 0; i < argc; ++i) {
        std::string arg = argv[i];
        if (hide_next) {
            arg = "***";
            hide_next = false;
        } else if (arg == "--eab-hmac-key") {
            hide_next = true;
        } else if (arg.rfind("--eab-hmac-key=", 0) == 0) {
            arg = "--eab-hmac-key=***";
        }
        out += (out.empty() ? "" : " ") + arg;
    }
    return out;
}

int run_logged(const Command& command, const GlobalOptions& global, int argc, char** argv) {
    const auto name = command.app->get_name();
    const bool logged = name == "register" || name == "issue" || name == "renew" ||
                        name == "deploy-hook" || name == "revoke";
    if (!logged) {
        return command.run();
    }
    // These commands write into the store and run its hooks: not from
    // folders another local user can change.
    const auto home = resolve_home(global);
    acme::store::check_home_is_private(home);
    acme::log::RunLogOptions options;
    options.format = global.log_format;
    open_run_log(home, name, options);
    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count()) +
               " ms";
    };
    run_log()->write(acme::LogLevel::info, "start: " + redacted_command_line(argc, argv));
    try {
        const int status = command.run();
        run_log()->write(acme::LogLevel::info,
                         "end: exit " + std::to_string(status) + " after " + elapsed());
        close_run_log();
        return status;
    } catch (const std::exception& e) {
        run_log()->write(acme::LogLevel::warn,
                         std::string("end: failed after ") + elapsed() + ": " + e.what());
        close_run_log();
        throw;
    }
}

} // namespace acmectl
