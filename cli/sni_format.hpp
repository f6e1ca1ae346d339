// What issue, renew (and sync) share about the per-SNI folder: the --sni-dir
// flag, and how the folder's update is printed.
#pragma once

#include "ops/sni_dir.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace acmectl {

// Adds --sni-dir DIR (also `sni-dir =` in acmectl.conf).
CLI::Option* add_sni_dir_flag(CLI::App& app, std::string& dir);
// DIR as the core gets it: absolute, so a hook or a later run finds the same folder.
std::string sni_dir_path(const std::string& flag);
// {"dir", "entries", "linked", "removed", "problems"}, or null when not asked.
nlohmann::json sni_json(const std::optional<acme::ops::SniReport>& report);
// Problems to stderr (one line each); a summary line to stdout unless quiet
// or nothing changed.
void print_sni(const std::optional<acme::ops::SniReport>& report, bool quiet);
// True when the update was asked for and something was left undone.
bool sni_failed(const std::optional<acme::ops::SniReport>& report);

} // namespace acmectl
