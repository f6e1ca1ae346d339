// Global hook folders ($ACMECTL_HOME/hooks/<kind>/), read like run-parts(8).
#pragma once

#include <filesystem>
#include <vector>

namespace acme::renew {

// The hooks of a folder like run-parts(8): regular executable files in
// byte-wise name order, skipping hidden names and backups (~, .bak,
// .dpkg-old/-new/-dist). Empty when the folder does not exist; throws
// Error(io) when it cannot be read.
std::vector<std::filesystem::path> hook_dir_executables(const std::filesystem::path& dir);

} // namespace acme::renew
