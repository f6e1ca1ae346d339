// The one way anything under src/store writes a file: a temporary file in the
// same folder created with its final mode (keys 0600 from the first byte),
// written, fsynced, renamed over the target, and the folder fsynced.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace acme::store {

// "Leave the group as the system chose it" (the process's or the folder's).
inline constexpr gid_t k_keep_group = static_cast<gid_t>(-1);
// "Leave the owner as the process": only root may give a file away.
inline constexpr uid_t k_keep_owner = static_cast<uid_t>(-1);

// Throws Error(io) naming the path when any step fails; the target is then
// untouched and the temporary file removed. An owner or group other than the
// k_keep_ ones is set, like the mode, before the first byte is written.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       mode_t mode = 0644, gid_t group = k_keep_group, uid_t owner = k_keep_owner);
// Whole file; throws Error(io) when missing/unreadable or larger than max_bytes.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes = 16 << 20);
// mkdir -p with the given mode for the folders it creates. Throws Error(io).
void make_dirs(const std::filesystem::path& dir, mode_t mode = 0755);
// fsync a directory so that a rename inside it is durable.
void sync_dir(const std::filesystem::path& dir);

} // namespace acme::store
