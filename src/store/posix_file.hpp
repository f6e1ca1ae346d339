// Private to src/store: the small POSIX pieces the store's files share
// (an owning file descriptor, errno-carrying errors, exclusive creation).
#pragma once

#include "common/unique_fd.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace acme::store::detail {

using acme::UniqueFd;

// An empty temporary file beside target (same folder, hidden name), open for
// writing, that already has exactly `mode` and `group` (unless k_keep_group):
// what write_file_atomic then fills and renames. Throws Error(io).
struct TempFile {
    std::filesystem::path path;
    UniqueFd fd;
};
TempFile create_temp_beside(const std::filesystem::path& target, mode_t mode, gid_t group,
                            uid_t owner = static_cast<uid_t>(-1));

// Throws Error(io) "cannot <verb> <path>: <strerror(err)>".
[[noreturn]] void throw_io(std::string_view verb, const std::filesystem::path& path, int err);

// The file's content, or nullopt when it does not exist. Throws Error(io)
// on any other failure or when it is larger than max_bytes.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path,
                                               std::size_t max_bytes = 16 << 20);

// Like write_file_atomic, but publishes with link(2) so an existing target is
// never replaced, even by a concurrent writer. Returns false (and writes
// nothing) when the target already exists. Throws Error(io) otherwise.
bool write_file_exclusive(const std::filesystem::path& path, std::string_view content, mode_t mode);

// mkdir(2) of one folder with exactly `mode`; false when it already exists
// (as a folder). Throws Error(io) on any other failure.
bool make_dir(const std::filesystem::path& dir, mode_t mode);

// Names of the entries of a folder, unsorted; empty when it does not exist.
// Throws Error(io) on any other failure.
std::vector<std::string> list_dir(const std::filesystem::path& dir);

// rm -r; nothing when it does not exist. Throws Error(io).
void remove_tree(const std::filesystem::path& path);

} // namespace acme::store::detail
