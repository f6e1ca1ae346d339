#include "renew/hook_dir.hpp"

#include "common/error.hpp"
#include "process/runner.hpp"

#include <algorithm>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace acme::renew {

namespace fs = std::filesystem;

namespace {

// run-parts' rule: no hidden files, and no leftovers of editors and dpkg.
bool is_hook_name(std::string_view name) {
    if (name.empty() || name.front() == '.')
        return false;
    for (std::string_view suffix : {"~", ".dpkg-old", ".dpkg-new", ".dpkg-dist", ".bak"})
        if (name.ends_with(suffix))
            return false;
    return true;
}

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    try {
        for (const fs::directory_entry& entry : fs::directory_iterator(dir))
            names.push_back(entry.path().filename().string());
    } catch (const fs::filesystem_error& e) {
        throw Error(ErrorKind::io,
                    "cannot read hook folder " + dir.string() + ": " + e.code().message());
    }
    return names;
}

} // namespace

std::vector<fs::path> hook_dir_executables(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec) && !ec)
        return {};
    std::vector<std::string> names = names_in(dir);
    // std::string compares as unsigned char: byte-wise, like run-parts in the C locale.
    std::sort(names.begin(), names.end());
    std::vector<fs::path> hooks;
    for (const std::string& name : names)
        if (is_hook_name(name) && process::is_executable_file(dir / name))
            hooks.push_back(dir / name);
    return hooks;
}

} // namespace acme::renew
