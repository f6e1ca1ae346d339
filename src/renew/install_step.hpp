// A deploy "copy step": after a renewal, the lineage's files are copied to
// where a server reads them (nginx wants fullchain + key, haproxy one
// combined file), with the mode and owner the server needs.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>

namespace acme::renew {

struct InstallStep {
    std::string path;  // absolute target file
    std::string what;  // fullchain | cert | chain | key | combined (privkey + fullchain)
    mode_t mode = 0;   // 0: 0644, or 0600 for key and combined
    std::string owner; // "" (leave as created), "user", "user:group" or ":group"
};

// {"path", "what", "mode" (octal string, only when set), "owner" (only when set)}.
nlohmann::json to_json(const InstallStep& step);
// Reads what to_json writes; "mode" may also be a number. Throws Error(config)
// on a wrong shape; does not validate (see validate()).
InstallStep install_step_from_json(const nlohmann::json& json);

// Throws Error(usage) for an unknown `what`, a relative or empty path, a mode
// beyond 07777 or a malformed owner.
void validate(const InstallStep& step);

// validate(), and what a renewal months later would meet: the target's
// folder exists, the owner's user and group exist. Throws Error(usage).
void check_target(const InstallStep& step);

// The mode the target gets: step.mode, or the default for its content.
mode_t effective_mode(const InstallStep& step);

// Writes the step's content from cert_dir ({cert,chain,fullchain,privkey}.pem)
// to step.path atomically; the file has its final owner and mode before its
// first byte is written. Throws Error(usage) for an invalid step or unknown
// user/group, Error(io) when a source cannot be read or the target written
// (the target is then untouched).
void run_install_step(const InstallStep& step, const std::filesystem::path& cert_dir);

} // namespace acme::renew
