// When a lineage is due (DESIGN.md "Renewal policy").
#pragma once

#include <chrono>

namespace acme::renew {

using SysSeconds = std::chrono::sys_seconds;

// notAfter - lifetime/3: 30 days before expiry for a 90-day certificate,
// 2 days for a 6-day one.
SysSeconds lifetime_renewal_time(SysSeconds not_before, SysSeconds not_after);

} // namespace acme::renew
