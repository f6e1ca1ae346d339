#include "store/group.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <cerrno>
#include <grp.h>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace acme::store {

namespace {

constexpr std::size_t k_max_buffer = 1 << 20; // a group with many members

// getgrnam_r / getgrgid_r with a buffer that grows on ERANGE; nullopt when
// there is no such group.
template <typename Lookup> std::optional<group> lookup(Lookup call, std::vector<char>& buffer) {
    buffer.resize(4096);
    for (;;) {
        group entry{};
        group* found = nullptr;
        int err = call(&entry, buffer.data(), buffer.size(), &found);
        if (err == ERANGE && buffer.size() < k_max_buffer) {
            buffer.resize(buffer.size() * 2);
            continue;
        }
        // ENOENT, ESRCH and friends also mean "no such group" (getgrnam_r(3)).
        if (found != nullptr)
            return entry;
        if (err == 0 || err == ENOENT || err == ESRCH || err == EBADF || err == EPERM)
            return std::nullopt;
        throw Error(ErrorKind::io,
                    "cannot read the group database: " + std::system_category().message(err));
    }
}

} // namespace

std::optional<gid_t> find_group(const std::string& name) {
    std::vector<char> buffer;
    auto entry = lookup([&](group* g, char* buf, std::size_t size,
                            group** out) { return ::getgrnam_r(name.c_str(), g, buf, size, out); },
                        buffer);
    if (!entry)
        return std::nullopt;
    return entry->gr_gid;
}

bool may_use_group(gid_t gid) {
    if (::geteuid() == 0 || ::getegid() == gid)
        return true;
    int count = ::getgroups(0, nullptr);
    std::vector<gid_t> groups(static_cast<std::size_t>(count > 0 ? count : 0));
    count = ::getgroups(count, groups.data());
    groups.resize(static_cast<std::size_t>(count > 0 ? count : 0));
    return std::find(groups.begin(), groups.end(), gid) != groups.end();
}

std::string group_name(gid_t gid) {
    std::vector<char> buffer;
    auto entry = lookup([&](group* g, char* buf, std::size_t size,
                            group** out) { return ::getgrgid_r(gid, g, buf, size, out); },
                        buffer);
    return entry ? std::string(entry->gr_name) : std::to_string(gid);
}

} // namespace acme::store
