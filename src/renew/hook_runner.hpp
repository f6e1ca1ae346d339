// Running user hooks (DESIGN.md "Hooks"): no shell unless the user writes
// `sh -c`, a timeout that kills the hook's whole process group, output
// captured for the log, and the certbot-compatible environment.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acme::renew {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// Shell-like word splitting without a shell: whitespace separates words,
// '...' is literal, "..." honours \" \\ \$ \` escapes, a backslash outside
// quotes escapes the next character. No globbing, variables or operators:
// `a;b` is one word. Throws Error(usage) on an unterminated quote, a trailing
// backslash, or a command with no words.
std::vector<std::string> split_command(const std::string& command);

// Output beyond this is read and dropped, so a chatty hook cannot fill memory
// or block on a full pipe.
inline constexpr std::size_t k_hook_output_cap = 64 * 1024;

struct HookResult {
    int exit_status = -1; // -1 when killed by a signal or never started
    bool timed_out = false;
    bool started = false; // false when exec failed; `error` says why
    std::string output;   // stdout and stderr merged, capped with a note
    std::chrono::milliseconds elapsed{0};
    std::string error; // why it is not ok, e.g. "cannot execute foo: No such file or directory"

    bool ok() const { return started && !timed_out && exit_status == 0; }
};

// Input a hook may read on stdin: it is written into the pipe before the
// hook starts, so it must fit in the pipe's buffer.
inline constexpr std::size_t k_hook_input_cap = 32 * 1024;

// Runs argv[0] (searched in PATH when it has no '/') with the current
// environment plus extra_env (which overrides), in its own process group;
// stdin reads `input` (from /dev/null when it is empty). After `timeout` the
// group gets SIGTERM, then SIGKILL 2 s later. The child is always reaped. A
// failing hook is reported in the result; throws Error(usage) for an empty
// argv or an input over k_hook_input_cap, and Error(hook) only when the
// process cannot be created (pipe/fork failure).
HookResult run_hook(const std::vector<std::string>& argv, const EnvList& extra_env,
                    std::chrono::milliseconds timeout, std::string_view input = {});

// Where run_hook would find program: the first executable regular file among
// PATH's folders (or program itself when it has a '/'); "" when there is none.
std::filesystem::path find_program(const std::string& program);

// The hooks of a folder like run-parts(8): regular executable files in
// byte-wise name order, skipping hidden names and backups (~, .bak,
// .dpkg-old/-new/-dist). Empty when the folder does not exist; throws
// Error(io) when it cannot be read.
std::vector<std::filesystem::path> hook_dir_executables(const std::filesystem::path& dir);

// ACMECTL_NAME, ACMECTL_DOMAINS, ACMECTL_CERT_DIR, ACMECTL_FULLCHAIN,
// ACMECTL_KEY and certbot's RENEWED_LINEAGE and RENEWED_DOMAINS, so existing
// certbot deploy hooks keep working.
EnvList lineage_hook_env(const std::string& name, const std::vector<std::string>& domains,
                         const std::filesystem::path& cert_dir);

} // namespace acme::renew
