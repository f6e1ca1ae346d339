// `acmectl --dump-cli`: the CLI11 command tree as JSON, the one source the
// man pages' OPTIONS blocks and the shell completions are generated from
// (scripts/gen-docs). The flag is hidden from --help.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace acmectl {

// The tree under app: name, description, options (names, description, flag,
// required, positional, repeatable, choices, envname, default, config key,
// needs, excludes) and subcommands. Hidden options are left out.
nlohmann::json dump_cli(CLI::App& app);

// Adds the hidden --dump-cli to app: prints dump_cli(app) and ends parsing
// with CLI::Success (exit 0). Call after every subcommand is set up.
void add_dump_cli_flag(CLI::App& app);

} // namespace acmectl
