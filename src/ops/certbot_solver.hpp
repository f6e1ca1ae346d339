// How a certbot lineage answered its challenges (authenticator and its
// settings), as acmectl's solver; what cannot be mapped is listed with what
// to do instead, never dropped silently.
#pragma once

#include "ops/certbot_conf.hpp"
#include "ops/issue_certificate.hpp"

#include <string>
#include <vector>

namespace acme::ops {

// webroot (one folder for every name), standalone (its port and address),
// manual with an auth hook and dns-01 (a certbot-style dns-hook). Anything
// else gives the "manual" solver (renew then fails with a clear message) and a
// line in unmapped saying what to run instead.
SolverConfig certbot_solver(const CertbotRenewalConf& conf, const std::vector<std::string>& domains,
                            std::vector<std::string>& unmapped);

} // namespace acme::ops
