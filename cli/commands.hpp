// The subcommands: each file cli/<name>.cpp defines one setup_<name>.
#pragma once

#include <vector>

#include "context.hpp"

namespace acmectl {

Command setup_register(CLI::App& app, const GlobalOptions& global);
Command setup_issue(CLI::App& app, const GlobalOptions& global);
Command setup_renew(CLI::App& app, const GlobalOptions& global);
Command setup_deploy_hook(CLI::App& app, const GlobalOptions& global);
Command setup_revoke(CLI::App& app, const GlobalOptions& global);
Command setup_check(CLI::App& app, const GlobalOptions& global);
Command setup_expiry(CLI::App& app, const GlobalOptions& global);
Command setup_store(CLI::App& app, const GlobalOptions& global);
Command setup_list(CLI::App& app, const GlobalOptions& global);
Command setup_delete(CLI::App& app, const GlobalOptions& global);
Command setup_import(CLI::App& app, const GlobalOptions& global);
Command setup_sync(CLI::App& app, const GlobalOptions& global);

// The names --key-type accepts, in --help order.
std::vector<std::string> key_type_names();

} // namespace acmectl
