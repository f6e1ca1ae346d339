// Usage errors that help: the nearest command or flag for a typo, the
// subcommand's --help to read, and validators for the habits users bring
// (certbot's `-d a,b`, IDNs, http:// directory URLs).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace acmectl {

// The candidate closest to word by edit distance, or "" when none is close
// enough to be a typo of it.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// The message for a parse error of app (already parsed): an unknown command
// or flag gets its nearest match, and the last line names the --help to read.
std::string usage_message(CLI::App& app, const CLI::ParseError& error);

// -d: a name in ASCII (an IDN must be given as punycode).
CLI::Validator ascii_name();
// --server: an alias or an https:// URL (RFC 8555 §6.1: ACME is HTTPS only).
CLI::Validator https_directory();

} // namespace acmectl
