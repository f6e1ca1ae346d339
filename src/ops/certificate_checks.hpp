// Checks on a certificate the CA just issued, before it is saved or made
// current: the CA is semi-trusted, and a certificate that cannot work must
// not replace one that does (issue #15 item 9).
#pragma once

#include "crypto/x509.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace acme::ops {

// Clocks of CA and client may differ this much (CAs backdate notBefore by
// about an hour, so this only matters for a CA that does not).
inline constexpr std::chrono::minutes k_clock_skew{10};
// The CA/Browser Forum's ceiling for publicly trusted certificates (398 days,
// since 2020) plus a day of slack; a longer one means a CA gone wrong.
inline constexpr std::chrono::days k_max_lifetime{399};

// Throws Error(protocol) unless now lies in [not_before - skew, not_after)
// and the lifetime is positive and at most k_max_lifetime.
void check_validity_window(const crypto::CertInfo& leaf, crypto::SysSeconds now);
// Throws Error(protocol) unless each certificate of chain (PEM blocks, leaf
// first) is issued by the next one, so the leaf chains to the intermediates
// the CA sent. A chain of the leaf alone passes: there is nothing to check.
void check_chain_links(const std::vector<std::string>& chain);

} // namespace acme::ops
