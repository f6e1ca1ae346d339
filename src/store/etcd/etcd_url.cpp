#include "store/etcd/etcd_url.hpp"

#include "common/error.hpp"

#include <algorithm>

namespace acme::store::etcd {

namespace {

Error bad_url(const std::string& url, const std::string& why) {
    return Error(ErrorKind::usage, "invalid store URL " + url + ": " + why);
}

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
}

bool is_prefix_char(char c) {
    return is_host_char(c) || c == '/' || c == '_';
}

// host:port with an explicit port (etcd has no well-known default for clients
// behind a load balancer, so say it).
void check_endpoint(const std::string& url, const std::string& hostport) {
    const auto colon = hostport.rfind(':');
    if (hostport.empty() || colon == std::string::npos || colon + 1 == hostport.size() ||
        !std::all_of(hostport.begin(), hostport.end(), is_host_char) ||
        !std::all_of(hostport.begin() + static_cast<long>(colon) + 1, hostport.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
        throw bad_url(url, "endpoint '" + hostport + "' is not HOST:PORT");
}

} // namespace

bool is_etcd_url(const std::string& url) {
    return url.rfind("etcd://", 0) == 0 || url.rfind("etcds://", 0) == 0;
}

EtcdUrl parse_etcd_url(const std::string& url) {
    if (!is_etcd_url(url))
        throw bad_url(url, "use etcd://HOST:PORT[,HOST:PORT...]/PREFIX or etcds://...");
    const bool tls = url.rfind("etcds://", 0) == 0;
    const std::string rest = url.substr(tls ? 8 : 7);
    const auto slash = rest.find('/');
    const std::string hosts = rest.substr(0, slash);
    std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
    EtcdUrl out;
    out.tls = tls;
    std::size_t start = 0;
    while (start <= hosts.size()) {
        const auto comma = std::min(hosts.find(',', start), hosts.size());
        const std::string hostport = hosts.substr(start, comma - start);
        check_endpoint(url, hostport);
        out.endpoints.push_back((tls ? "https://" : "http://") + hostport);
        start = comma + 1;
    }
    while (!prefix.empty() && prefix.back() == '/')
        prefix.pop_back();
    if (!std::all_of(prefix.begin(), prefix.end(), is_prefix_char) ||
        prefix.find("..") != std::string::npos)
        throw bad_url(url, "the prefix may hold letters, digits, '.', '_', '-' and '/'");
    out.prefix = "/" + (prefix.empty() ? std::string("acmectl") : prefix) + "/";
    return out;
}

} // namespace acme::store::etcd
