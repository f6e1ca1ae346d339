// The one factory of stores (DESIGN.md: "store/ one (store URL in, Store
// out)"): the file store by default, the etcd store for etcd:// and etcds://.
#pragma once

#include "store/store.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace acme::store {

struct StoreOptions {
    std::string url;              // "" or file:PATH = the file store; etcd[s]://h:p[,h:p]/PREFIX
    std::filesystem::path home;   // the local folder (the file store itself, else its cache)
    std::string node;             // this node's name in etcd locks; "" = the hostname
    std::string ca_file;          // etcds://: PEM roots for etcd's certificate
    std::string cert_file;        // etcds://: client certificate
    std::string key_file;         // etcds://: client certificate's key
    std::string credentials_file; // etcd user:password, one line, mode 0600
    std::string fleet_key_file;   // the AES-256-GCM key sealing private keys in etcd
    int lock_ttl = 0;             // seconds of the etcd lock's lease; 0 = the default (60)
};

// Throws Error(usage) for an unknown scheme or a malformed URL, Error(config)
// for an unreadable fleet key or credentials file. Does not contact etcd.
std::unique_ptr<Store> open_store(const StoreOptions& options);

} // namespace acme::store
