// Before acmectl writes into the store or runs hooks from it: a folder of the
// store that another local user can write to (or owns) lets that user plant a
// hook, a config.json with hook command lines, or a link, and have it run or
// followed with our privileges.
#pragma once

#include <filesystem>

namespace acme::store {

// Checks $ACMECTL_HOME, its top folders (accounts, certs, hooks and its
// pre/post/deploy, locks, log), every lineage folder and the hook files:
// each that exists must belong to this user and be writable by no one else.
// Missing ones are fine (the store creates them with its own modes).
// Throws Error(config) naming the first offender and the command that fixes it.
void check_home_is_private(const std::filesystem::path& home);

} // namespace acme::store
