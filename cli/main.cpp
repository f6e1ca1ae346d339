// acmectl: parse flags, run one subcommand, map its outcome to an exit status.
// The one top-level catch and the one table from error kind to exit status.
#include "acme/problem.hpp"
#include "challenge/responder_child.hpp"
#include "commands.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "common/version.hpp"
#include "config_file.hpp"
#include "dump_cli.hpp"
#include "process/environment.hpp"
#include "run_log.hpp"
#include "usage_hints.hpp"
#include "value_sets.hpp"

#include <iostream>
#include <string_view>
#include <sys/stat.h>

namespace acmectl {

namespace {

constexpr int k_exit_ok = 0;
constexpr int k_exit_failure = 1;
constexpr int k_exit_usage = 64;        // EX_USAGE: bad flags
constexpr int k_exit_temporary = 75;    // EX_TEMPFAIL: rate limited, CA unavailable
constexpr int k_exit_signal_base = 128; // as a shell reports "killed by signal N"

// The commands that publish challenges or run hooks: on SIGINT, SIGTERM and
// SIGHUP they stop their hooks, clean up and exit 128+N (interrupt.hpp).
// The others keep the default action, which loses nothing.
bool cleans_up_on_signals(const Command& command) {
    const auto name = command.app->get_name();
    return name == "issue" || name == "renew" || name == "deploy-hook" || name == "sync";
}

// Core ErrorKind::usage is a bad input value (a name, an e-mail, a file) and
// exits 1 like any failed request; only flag errors caught by CLI11 exit 64.
int exit_status(const acme::Error& e) {
    if (e.kind() == acme::ErrorKind::interrupted) {
        return k_exit_signal_base + acme::interrupt::signal_number();
    }
    if (e.temporary() || e.kind() == acme::ErrorKind::conflict) {
        return k_exit_temporary;
    }
    return k_exit_failure;
}

int run(int argc, char** argv) {
    CLI::App app("acmectl: obtain, renew, deploy and monitor TLS certificates over ACME",
                 "acmectl");
    app.set_version_flag("--version", "acmectl " ACMECTL_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    GlobalOptions global;
    add_global_options(app, global);
    std::vector<Command> commands = {setup_register(app, global), setup_issue(app, global),
                                     setup_renew(app, global),    setup_deploy_hook(app, global),
                                     setup_revoke(app, global),   setup_check(app, global),
                                     setup_expiry(app, global),   setup_store(app, global),

                                     setup_list(app, global),     setup_delete(app, global),
                                     setup_import(app, global),   setup_sync(app, global)};
    add_dump_cli_flag(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) {
            return app.exit(e);
        }
        std::cerr << usage_message(app, e);
        return k_exit_usage;
    }
    apply_config_files(app, global); // throws ConfigFileError (exit 64)
    acme::process::allow_environment(global.hook_env);
    for (const auto& command : commands) {
        if (command.app->parsed()) {
            if (cleans_up_on_signals(command)) {
                acme::interrupt::install_handlers();
            }
            const int status = run_logged(command, global, argc, argv);
            const int signal = acme::interrupt::signal_number();
            return signal != 0 ? k_exit_signal_base + signal : status;
        }
    }
    return k_exit_usage;
}

} // namespace

std::vector<std::string> key_type_names() {
    return value_sets::key_types().values;
}

} // namespace acmectl

int main(int argc, char** argv) {
    // Whatever umask cron or a shell left: nothing acmectl creates is open to
    // others unless its code sets a wider mode on purpose (certificates 0644,
    // webroot tokens, --mode of install steps, the store's folders).
    // Hooks get back the umask acmectl was started with.
    acme::process::set_hook_umask(::umask(077));
    // The unprivileged challenge server this program starts as root
    // (src/challenge/responder_child.hpp): not a command a user types.
    if (argc == 3 && std::string_view(argv[1]) == acme::challenge::k_responder_argument)
        return acme::challenge::run_responder(argv[2]);
    try {
        return acmectl::run(argc, argv);
    } catch (const CLI::Error& e) {
        std::cerr << "acmectl: " << e.what() << '\n';
        return acmectl::k_exit_usage;
    } catch (const acme::Error& e) {
        std::cerr << "acmectl: " << e.what() << '\n';
        return acmectl::exit_status(e);
    } catch (const std::exception& e) {
        std::cerr << "acmectl: internal error: " << e.what() << '\n';
        return acmectl::k_exit_failure;
    }
}
