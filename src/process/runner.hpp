// Running hooks and helper programs (DESIGN.md "Hooks"): execve of an argv
// (hook strings go through shell_argv, as certbot runs them), a minimal
// environment, a timeout that kills the child's whole process group, output
// captured for the log.
#pragma once

#include "process/environment.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acme::process {

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

// Runs argv[0] (searched in PATH when it has no '/') with
// hook_environment(acmectl's environment, extra_env), in its own process group;
// stdin reads `input` (from /dev/null when it is empty). After `timeout` the
// group gets SIGTERM, then SIGKILL 2 s later. The child is always reaped. A
// failing hook is reported in the result; throws Error(usage) for an empty
// argv or an input over k_hook_input_cap, Error(hook) only when the
// process cannot be created (pipe/fork failure), and Error(interrupted),
// after stopping the group the same way, when acmectl gets SIGINT, SIGTERM or
// SIGHUP while the hook runs (unless under an interrupt::Shield).
HookResult run_hook(const std::vector<std::string>& argv, const EnvList& extra_env,
                    std::chrono::milliseconds timeout, std::string_view input = {});

// Where run_hook would find program: the first executable regular file among
// PATH's folders (or program itself when it has a '/'); "" when there is none.
std::filesystem::path find_program(const std::string& program);

// A regular file (symlinks followed) we may execute.
bool is_executable_file(const std::filesystem::path& path);

// How a hook given as one string runs, the way certbot runs it: by
// `/bin/sh -c STRING`. Server data must reach it only through the
// environment, never spliced into the string.
std::vector<std::string> shell_argv(const std::string& command);

// Throws Error(usage) for a hook string that could never run: blank, or
// holding a NUL or another control character than tab and newline.
void require_shell_command(const std::string& command);

} // namespace acme::process
