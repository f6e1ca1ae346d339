// The --dns-hook PROGRAM line is split into argv without a shell: the
// program gets its arguments (op, name, value) as separate words.
#pragma once

#include <string>
#include <vector>

namespace acme::process {

// Shell-like word splitting without a shell: whitespace separates words,
// '...' is literal, "..." honours \" \\ \$ \` escapes, a backslash outside
// quotes escapes the next character. No globbing, variables or operators:
// `a;b` is one word. Throws Error(usage) on an unterminated quote, a trailing
// backslash, or a command with no words.
std::vector<std::string> split_command(const std::string& command);

} // namespace acme::process
