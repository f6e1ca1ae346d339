// How the etcd client reaches etcds:// endpoints: the CA, the client
// certificate checked before the first request, and hints for the failures
// that curl alone reports obscurely.
#pragma once

#include "http/curl_client.hpp"

#include <string>

namespace acme::store::etcd {

struct TlsFiles {
    std::string ca_file;   // --store-ca
    std::string cert_file; // --store-cert
    std::string key_file;  // --store-key
};

// Fills options for endpoints that speak TLS (tls) or plain HTTP. Throws
// Error(config) naming the files when the client key is missing, unreadable
// or not the key of the client certificate: no request is sent then.
void apply_tls_files(http::ClientOptions& options, bool tls, const TlsFiles& files);

} // namespace acme::store::etcd
