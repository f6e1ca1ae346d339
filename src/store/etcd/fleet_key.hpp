// The fleet key file (one line: base64 of 32 random bytes, mode 0600) and
// the etcd credentials file (one line: USER:PASSWORD, mode 0600).
#pragma once

#include <filesystem>
#include <string>
#include <utility>

namespace acme::store::etcd {

// The 32 key bytes. Throws Error(config) when missing, readable by group or
// others, or not one base64 line of 32 bytes.
std::string read_fleet_key(const std::filesystem::path& path);
// Creates a new key file (0600 from its first byte). Throws Error(usage) when
// the file exists: a fleet key is never overwritten.
void create_fleet_key(const std::filesystem::path& path);
std::string encode_fleet_key(const std::string& key);
// {user, password}. Throws Error(config) like read_fleet_key.
std::pair<std::string, std::string> read_credentials(const std::filesystem::path& path);

} // namespace acme::store::etcd
