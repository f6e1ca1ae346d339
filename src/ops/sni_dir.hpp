// The per-SNI folder (issue #18 item 3): DIR/<hostname>/{fullchain.pem,
// privkey.pem} for every DNS name of every lineage's current certificate, so
// that nginx >= 1.15.9 can serve `ssl_certificate DIR/$ssl_server_name/
// fullchain.pem` and picks up a renewal at its next handshake, with no reload.
//
//   DIR/.versions/<lineage>/<version>-<serial>/{fullchain.pem,privkey.pem}
//   DIR/<hostname> -> .versions/<lineage>/<version>-<serial>     (one per name)
//   DIR/_wildcard.<domain> -> ...                               (for *.<domain>)
//   DIR/.versions/.lock                                         (one updater at a time)
//
// A target folder is written completely under a temporary name and renamed
// into place; each name then moves to it with one rename(2) of a symlink, so
// a path resolved through DIR/<hostname> always finds a matching pair.
#pragma once

#include "common/log.hpp"
#include "store/store.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

// The entry under which a certificate name appears in the folder:
// "foo.example.com" as itself (lower-cased), "*.example.com" as
// "_wildcard.example.com" (nginx then needs a map from $ssl_server_name to it).
// nullopt for an IP address (TLS clients send no SNI for one, RFC 6066 §3).
// Throws Error(usage) for a name that is not one safe path component (empty,
// "/", "..", a leading '.', '*' other than a leading "*.", other characters
// than [a-z0-9._-], longer than 253 bytes, or spelled like a wildcard entry).
std::optional<std::string> sni_entry_name(const std::string& cert_name);

struct SniReport {
    std::filesystem::path dir;
    std::vector<std::string> linked;   // entries now pointing to a new target
    std::vector<std::string> removed;  // entries of names no lineage has any more
    std::vector<std::string> problems; // one line each, for the caller to show: what was
                                       // left alone, and why
    std::size_t entries = 0;           // entries the folder holds for the store now
};

// Brings dir up to date with every lineage's current version in store (dir
// is created when missing). A lineage that cannot be read keeps the entries
// it had; a name that cannot be an entry, or whose entry is not acmectl's
// link (an operator's own file or folder), is left alone; both are named in
// problems. Targets no entry uses are removed, except the newest previous
// one of each lineage (a handshake may be reading it). Throws Error(io) when
// the folder itself cannot be written.
SniReport update_sni_dir(const store::Store& store, const std::filesystem::path& dir, Logger& log);

// The same for callers whose certificate is saved either way (issue, renew,
// sync): a failure of the whole update is one more line in problems, never
// thrown.
SniReport try_update_sni_dir(const store::Store& store, const std::filesystem::path& dir,
                             Logger& log) noexcept;

} // namespace acme::ops
