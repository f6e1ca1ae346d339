#include "process/environment.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <mutex>
#include <unistd.h>

namespace acme::process {

namespace {

std::mutex g_allowed_mutex;
std::vector<std::string> g_allowed; // guarded by g_allowed_mutex

std::string_view key_of(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

bool valid_name(std::string_view name) {
    if (name.empty() || (name.front() >= '0' && name.front() <= '9'))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               (c >= '0' && c <= '9');
    });
}

// What a hook needs to behave like a command the user typed: where
// programs are, whose home, language and time zone. Nothing else by default.
bool base_variable(std::string_view name) {
    return name == "PATH" || name == "HOME" || name == "LANG" || name == "TZ" ||
           name.starts_with("LC_");
}

} // namespace

void allow_environment(const std::vector<std::string>& names) {
    for (const std::string& name : names)
        if (!valid_name(name))
            throw Error(ErrorKind::usage,
                        "--hook-env: '" + name + "' is not an environment variable name");
    std::lock_guard lock(g_allowed_mutex);
    g_allowed = names;
}

bool passes_to_hooks(std::string_view name) {
    if (base_variable(name))
        return true;
    std::lock_guard lock(g_allowed_mutex);
    return std::find(g_allowed.begin(), g_allowed.end(), name) != g_allowed.end();
}

std::vector<std::string> hook_environment(const std::vector<std::string>& parent,
                                          const EnvList& extra) {
    std::vector<std::string> env;
    for (const std::string& entry : parent)
        if (entry.find('=') != std::string::npos && passes_to_hooks(key_of(entry)))
            env.push_back(entry);
    for (const auto& [key, value] : extra) {
        std::erase_if(env, [&key = key](const std::string& e) { return key_of(e) == key; });
        env.push_back(key + "=" + value);
    }
    if (std::none_of(env.begin(), env.end(),
                     [](const std::string& e) { return key_of(e) == "PATH"; }))
        env.push_back(std::string("PATH=") + k_default_path);
    return env;
}

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry)
        env.emplace_back(*entry);
    return env;
}

namespace {
mode_t g_hook_umask = 022;
} // namespace

void set_hook_umask(mode_t mask) { g_hook_umask = mask & 0777; }

mode_t hook_umask() { return g_hook_umask; }

} // namespace acme::process
