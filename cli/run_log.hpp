// The run log of this process (src/log/run_log.hpp) for the commands that
// change state. It never holds a private key, an EAB secret or a JWS: only
// what the core logs (progress, outcomes, the CA's problem details) and the
// command line with secrets redacted.
#pragma once

#include <filesystem>
#include <string>

#include "log/run_log.hpp"

namespace acmectl {

// The run log of this process, or nullptr when none is open.
acme::log::RunLog* run_log();
void open_run_log(const std::filesystem::path& home, const std::string& command,
                  const acme::log::RunLogOptions& options);
void close_run_log();

struct Command;
struct GlobalOptions;

// Runs a command with the run log open (for the commands that change state:
// register, issue, renew, deploy-hook): a start line with the redacted
// command line, the core's progress, and an end line with the exit status,
// the error if any, and the duration. Errors are rethrown for main to map.
int run_logged(const Command& command, const GlobalOptions& global, int argc, char** argv);

// argv joined for the log, with secret values (--eab-hmac-key) replaced.
std::string redacted_command_line(int argc, char** argv);

} // namespace acmectl
