// The environment a hook runs with: a minimal base taken from acmectl's own
// (so a secret exported for acmectl does not reach every hook), the
// variables the caller documents for that hook, and what the user allows.
#pragma once

#include <string>
#include <sys/types.h>
#include <string_view>
#include <utility>
#include <vector>

namespace acme::process {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// Used when acmectl's environment has no PATH: root's usual one, as sbin
// holds the servers hooks reload.
inline constexpr const char* k_default_path =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Names of acmectl's variables passed on to hooks besides the base (PATH,
// HOME, LANG, LC_*, TZ). Process-wide: the CLI sets it once from
// --hook-env / `hook-env =` before any hook runs. Throws Error(usage) for a
// name that is not a valid variable name.
void allow_environment(const std::vector<std::string>& names);

// True for the variables every hook gets from acmectl's environment.
bool passes_to_hooks(std::string_view name);

// "NAME=value" entries: the base and allowed variables of `parent` (an
// environ-style list), then extra (which overrides), and PATH always set.
std::vector<std::string> hook_environment(const std::vector<std::string>& parent,
                                          const EnvList& extra);

// The umask hooks start with: acmectl runs with 077, but a hook (cp, a
// script writing a combined PEM for HAProxy) expects the umask of the cron job
// or shell that started acmectl, as under certbot. Process-wide, set once by
// the CLI before it narrows its own; 022 until then.
void set_hook_umask(mode_t mask);
mode_t hook_umask();

// acmectl's own environ as a list.
std::vector<std::string> current_environment();

} // namespace acme::process
