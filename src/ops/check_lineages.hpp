// acmectl check: the health of the local store, lineage by lineage, as
// monitoring verdicts (OK / WARNING / CRITICAL / UNKNOWN) with reasons.
#pragma once

#include "ops/served_probe.hpp"
#include "probe/report.hpp"
#include "store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace acme::ops {

using probe::Status;
using SysSeconds = std::chrono::sys_seconds;

struct Finding {
    Status status;
    std::string message; // one line
};

// What the CA says (check --online); empty strings when it was not asked or
// could not tell.
struct OnlineHealth {
    std::string account_status; // valid, deactivated, revoked
    std::optional<SysSeconds> ari_start;
    std::optional<SysSeconds> ari_end;
    std::string revocation;        // good, revoked, unknown; "none" when nothing to ask
    std::string revocation_source; // "OCSP responder" or "CRL"
};

struct LineageHealth {
    std::string name;
    std::vector<std::string> domains;
    Status status = Status::ok; // the worst finding
    std::vector<Finding> findings;
    std::optional<SysSeconds> not_after;
    std::string serial; // of current/cert.pem; "" when it could not be read
    std::optional<long long> days_left;
    std::optional<SysSeconds> due;
    std::optional<SysSeconds> last_attempt;
    std::optional<SysSeconds> last_success;
    int consecutive_failures = 0;
    std::string last_error;
    std::vector<std::string> deploy_hooks;
    bool revoked = false;
    std::optional<OnlineHealth> online;
    // check --served: what each endpoint serves (nullopt when not asked)
    std::optional<std::vector<ServedEndpointReport>> served;
};

// Records a finding and raises h.status to it.
void add_finding(LineageHealth& h, Status status, const std::string& message);

// Checks the given lineages (all when names is empty): current/ and its four
// files, key vs certificate, chain vs certificate, names vs config.json,
// privkey.pem mode and owner, days left against the thresholds, due time,
// recorded failures (WARNING even while the certificate is valid), a revoked
// certificate (CRITICAL), the last deploy error. A key this user cannot read
// is an OK finding (key match not checked). Throws Error(usage) for an
// unknown name, Error(config) for a store without lineages (a wrong --home
// must not look healthy) unless allow_empty.
std::vector<LineageHealth> check_lineages(const store::Store& store,
                                          const std::vector<std::string>& names,
                                          const probe::Thresholds& thresholds, SysSeconds now,
                                          bool allow_empty = false);

// check --served: probes every endpoint of the lineages (all at once, each
// bounded by options.timeout), records what they serve and adds a finding
// for each endpoint not serving the current certificate (see classify_served)
// and an UNKNOWN one for a lineage that cannot be checked.
void check_served(std::vector<LineageHealth>& lineages, const store::Store& store,
                  const ServedOptions& options, SysSeconds now);

} // namespace acme::ops
