#include "store/etcd/etcd_tls.hpp"

#include "common/error.hpp"
#include "crypto/key.hpp"
#include "crypto/x509.hpp"
#include "store/posix_file.hpp"

namespace acme::store::etcd {

namespace {

std::string read_pem(const std::string& path, const char* what) {
    auto text = detail::read_file_if_exists(path, 1 << 20);
    if (!text)
        throw Error(ErrorKind::config, std::string("the ") + what + " " + path + " does not exist");
    return *text;
}

// curl would only say "unable to set private key file" on every request, and
// the run would look like an unreachable etcd: say what is wrong once, here.
void check_client_identity(const TlsFiles& files) {
    if (files.key_file.empty())
        throw Error(ErrorKind::config, "--store-cert " + files.cert_file +
                                           " needs its private key: give --store-key FILE");
    const auto cert = read_pem(files.cert_file, "client certificate (--store-cert)");
    const auto key_pem = read_pem(files.key_file, "client key (--store-key)");
    bool matches = false;
    try {
        matches = crypto::key_matches_certificate(crypto::PrivateKey::from_pem(key_pem), cert);
    } catch (const Error& e) {
        throw Error(ErrorKind::config, "cannot use the etcd client certificate " + files.cert_file +
                                           " with key " + files.key_file + ": " + e.what());
    }
    if (!matches)
        throw Error(ErrorKind::config, "--store-key " + files.key_file +
                                           " is not the private key of --store-cert " +
                                           files.cert_file);
}

} // namespace

void apply_tls_files(http::ClientOptions& options, bool tls, const TlsFiles& files) {
    if (!tls) {
        options.dropped_hint = "does etcd speak TLS there? then use etcds://";
        return;
    }
    if (!files.cert_file.empty())
        check_client_identity(files);
    else if (!files.key_file.empty())
        throw Error(ErrorKind::config, "--store-key " + files.key_file +
                                           " needs its certificate: give --store-cert FILE");
    options.ca_bundle = files.ca_file;
    options.client_cert = files.cert_file;
    options.client_key = files.key_file;
    options.verify_hint =
        files.ca_file.empty()
            ? "give --store-ca FILE, the CA that signed etcd's certificate"
            : "is --store-ca " + files.ca_file + " the CA that signed etcd's certificate?";
    options.dropped_hint =
        files.cert_file.empty()
            ? "etcd closed the connection: does it demand a client certificate? "
              "give --store-cert and --store-key"
            : "etcd closed the connection: does it trust the CA of --store-cert " +
                  files.cert_file + "?";
}

} // namespace acme::store::etcd
