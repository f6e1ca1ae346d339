// etcd://host:port[,host:port...]/PREFIX and etcds://... (TLS).
#pragma once

#include <string>
#include <vector>

namespace acme::store::etcd {

struct EtcdUrl {
    std::vector<std::string> endpoints; // "http://h:p" or "https://h:p"
    std::string prefix;                 // "/PREFIX/" (default "/acmectl/")
    bool tls = false;                   // etcds://
};

bool is_etcd_url(const std::string& url);
// Throws Error(usage) naming the URL and what is wrong with it.
EtcdUrl parse_etcd_url(const std::string& url);

} // namespace acme::store::etcd
