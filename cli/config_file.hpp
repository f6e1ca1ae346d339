// acmectl.conf: defaults for a few flags, in the TOML subset CLI11 reads
// (key = "value", key = ["a", "b"], [subcommand] sections, # comments).
// Read from /etc/acmectl/acmectl.conf (or --config FILE instead), then from
// $ACMECTL_HOME/acmectl.conf, which wins. Precedence, highest first: flags,
// environment (ACMECTL_HOME, ACMECTL_SERVER), the store's file, the system
// file, built-in defaults. CLI11 2.1 would let a config file beat the
// environment, so acmectl applies the files itself after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "context.hpp"

namespace acmectl {

inline constexpr const char* k_system_config_file = "/etc/acmectl/acmectl.conf";
inline constexpr const char* k_home_config_file = "acmectl.conf"; // in $ACMECTL_HOME

// A malformed, unreadable or wrong config file: "FILE:LINE: what". Exits 64.
class ConfigFileError : public CLI::Error {
  public:
    explicit ConfigFileError(const std::string& message)
        : CLI::Error("ConfigFileError", message, CLI::ExitCodes::ValidationError) {}
};

// One `key = value` line; section is "" at the top of the file.
struct ConfigEntry {
    std::string section;
    std::string key;
    std::vector<std::string> values;
    std::string origin; // FILE:LINE
};

// A parsed acmectl.conf: its entries, and every [section] header (key "").
struct ConfigText {
    std::vector<ConfigEntry> entries;
    std::vector<ConfigEntry> sections;
};

// Parses acmectl.conf text. Throws ConfigFileError naming path and line.
ConfigText parse_config(std::string_view text, const std::string& path);

// The key under which acmectl.conf may set opt ("email" for --email), or ""
// when the option cannot be set from a config file.
std::string config_key(const CLI::Option& opt);

// Gives every option of app and of its chosen subcommand that neither a flag
// nor the environment set its value from the config files. Throws
// ConfigFileError for an unreadable or malformed file, an unknown section or
// key, or a value the option's check refuses.
void apply_config_files(CLI::App& app, GlobalOptions& global);

} // namespace acmectl
