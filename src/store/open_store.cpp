#include "store/open_store.hpp"

#include "common/error.hpp"
#include "store/etcd/etcd_store.hpp"
#include "store/etcd/etcd_tls.hpp"
#include "store/etcd/etcd_url.hpp"
#include "store/etcd/fleet_key.hpp"
#include "store/file_store.hpp"

#include <unistd.h>

namespace acme::store {

namespace {

std::string hostname() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return "localhost";
    return name;
}

std::unique_ptr<Store> open_etcd(const StoreOptions& options) {
    const auto url = etcd::parse_etcd_url(options.url);
    etcd::ClientConfig client;
    client.endpoints = url.endpoints;
    etcd::apply_tls_files(client.http, url.tls,
                          {options.ca_file, options.cert_file, options.key_file});
    client.http.connect_timeout = std::chrono::milliseconds(3000);
    client.http.total_timeout = std::chrono::milliseconds(15000);
    if (!options.credentials_file.empty())
        std::tie(client.user, client.password) = etcd::read_credentials(options.credentials_file);
    etcd::EtcdStoreOptions store;
    store.prefix = url.prefix;
    store.node = options.node.empty() ? hostname() : options.node;
    if (options.lock_ttl > 0)
        store.lock_ttl = options.lock_ttl;
    if (!options.fleet_key_file.empty())
        store.fleet_key = etcd::read_fleet_key(options.fleet_key_file);
    return std::make_unique<etcd::EtcdStore>(std::move(client), std::move(store), options.home);
}

} // namespace

std::unique_ptr<Store> open_store(const StoreOptions& options) {
    if (etcd::is_etcd_url(options.url))
        return open_etcd(options);
    const std::string& url = options.url;
    if (url.empty())
        return std::make_unique<FileStore>(options.home);
    if (url.rfind("file:", 0) == 0) {
        std::string path = url.substr(url.rfind("file://", 0) == 0 ? 7 : 5);
        if (path.empty())
            throw Error(ErrorKind::usage, "store URL " + url + " names no folder");
        return std::make_unique<FileStore>(path);
    }
    if (url.front() == '/' || url.front() == '.')
        return std::make_unique<FileStore>(url); // a folder: another file store
    throw Error(ErrorKind::usage, "unknown store URL " + url +
                                      ": use etcd://HOST:PORT/PREFIX, etcds://..., or a folder");
}

} // namespace acme::store
