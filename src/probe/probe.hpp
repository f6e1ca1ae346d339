// Remote TLS certificate probes for `acmectl expiry`: connect (optionally
// through STARTTLS), shake hands, verify the chain the server sent, and
// report the leaf certificate. Silent: results are values, never printed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "crypto/x509.hpp"
#include "probe/target.hpp"

namespace acme::probe {

// error_kind values of a failed probe.
namespace error_kind {
inline constexpr const char* dns = "dns";                 // name did not resolve
inline constexpr const char* refused = "refused";         // TCP connection refused
inline constexpr const char* unreachable = "unreachable"; // no route to the address
inline constexpr const char* connect = "connect";         // other socket failure
inline constexpr const char* timeout = "timeout";         // deadline passed (any phase)
inline constexpr const char* starttls = "starttls";       // server refused the upgrade
inline constexpr const char* handshake = "handshake";     // TLS handshake failed
inline constexpr const char* io = "io";                   // local file unreadable
inline constexpr const char* certificate = "certificate"; // no certificate could be read
inline constexpr const char* internal = "internal";       // a bug or resource exhaustion
} // namespace error_kind

struct ProbeOptions {
    std::chrono::milliseconds timeout{10000}; // per target: DNS + connect + STARTTLS + TLS
    int concurrency = 32;                     // targets in flight at once
    std::string ca_bundle;                    // PEM roots replacing the system store; empty: system
};

struct ProbeResult {
    ProbeTarget target;
    std::string file;                 // --cert: the file read (then target.input == file)
    bool ok = false;                  // a certificate was obtained
    std::string error_kind;           // one of error_kind::*, empty when ok
    std::string error;                // one line, empty when ok
    std::string address;              // the address connected to, "127.0.0.1:443"
    std::string tls_version;          // "TLSv1.3"; empty for files
    crypto::CertInfo leaf;            // valid when ok
    std::optional<crypto::SysSeconds> chain_earliest_not_after; // over the verified
                                      // (or partially built) chain, leaf included
    bool verified = false;            // chain verifies to a trusted root for the name
    std::string verify_error;         // OpenSSL's reason when !verified and ok
    std::chrono::milliseconds duration{0};
};

// Probes every target, at most options.concurrency at once on event loops
// (one per core, at most two threads), each bounded by options.timeout;
// results are in input order. Per-target failures are results, never
// exceptions. Throws Error(usage) when the CA bundle cannot be loaded.
std::vector<ProbeResult> probe_all(const std::vector<ProbeTarget>& targets,
                                   const ProbeOptions& options);

// Reads PEM (one or more certificates, other blocks skipped) or DER files and
// verifies each file's first certificate with the rest as intermediates, for
// the name sni when not empty. An unreadable file is a result with error_kind
// io or certificate. Throws Error(usage) when the CA bundle cannot be loaded.
std::vector<ProbeResult> inspect_files(const std::vector<std::string>& paths,
                                       const std::string& sni, const ProbeOptions& options);

} // namespace acme::probe
