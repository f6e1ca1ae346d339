// acmectl check --online: what the CA says about each lineage, added to the
// local verdicts of check_lineages: the account's status, the ARI renewal
// window (RFC 9773) and the certificate's revocation status (OCSP, or the
// CRL when the certificate names no OCSP responder).
#pragma once

#include "common/log.hpp"
#include "ops/check_lineages.hpp"
#include "ops/renew_lineages.hpp"
#include "store/store.hpp"

#include <vector>

namespace acme::ops {

// Fills h.online and adds findings: an account that is not valid and a
// certificate the CA's OCSP responder calls revoked are CRITICAL; a closed
// ARI window (renewal overdue by the CA's word) or an OCSP "unknown" is a
// WARNING; a CA that cannot be asked is UNKNOWN. Never throws for one
// lineage's trouble: it becomes a finding.
void check_online(const store::Store& store, std::vector<LineageHealth>& all,
                  const TransportFactory& transports, SysSeconds now, Logger& log);

} // namespace acme::ops
