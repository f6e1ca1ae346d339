#include "store/etcd/fleet_key.hpp"

#include "common/error.hpp"
#include "crypto/seal.hpp"
#include "store/atomic_file.hpp"
#include "store/etcd/gateway_json.hpp"
#include "store/posix_file.hpp"

#include <sys/stat.h>

namespace acme::store::etcd {

namespace {

// Secrets must be private: refuse a file group or others can read.
std::string read_private_line(const std::filesystem::path& path, const char* what) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error(ErrorKind::config, std::string("cannot read the ") + what + " " +
                                           path.string() + ": it does not exist or is unreadable");
    if ((st.st_mode & 077) != 0)
        throw Error(ErrorKind::config, std::string("the ") + what + " " + path.string() +
                                           " is readable by others: chmod 600 it");
    std::string text = read_file(path, 4096);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text;
}

} // namespace

std::string encode_fleet_key(const std::string& key) {
    return base64_encode(key) + "\n";
}

std::string read_fleet_key(const std::filesystem::path& path) {
    const auto text = read_private_line(path, "fleet key file");
    std::string key;
    try {
        key = base64_decode(text);
    } catch (const Error&) {
    }
    if (key.size() != crypto::k_fleet_key_bytes)
        throw Error(ErrorKind::config, "the fleet key file " + path.string() +
                                           " does not hold a key made by acmectl store init-key");
    return key;
}

void create_fleet_key(const std::filesystem::path& path) {
    if (!detail::write_file_exclusive(path, encode_fleet_key(crypto::random_fleet_key()), 0600))
        throw Error(ErrorKind::usage, path.string() + " exists: refusing to overwrite a fleet key");
}

std::pair<std::string, std::string> read_credentials(const std::filesystem::path& path) {
    const auto text = read_private_line(path, "etcd credentials file");
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
        throw Error(ErrorKind::config, "the etcd credentials file " + path.string() +
                                           " is not one USER:PASSWORD line");
    return {text.substr(0, colon), text.substr(colon + 1)};
}

} // namespace acme::store::etcd
