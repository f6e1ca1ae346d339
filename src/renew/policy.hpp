// When a lineage is due, and how long to back off after failures
// (DESIGN.md "Renewal policy").
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace acme::renew {

using SysSeconds = std::chrono::sys_seconds;
using std::chrono::seconds;

// notAfter - lifetime/3: 30 days before expiry for a 90-day certificate,
// 2 days for a 6-day one.
SysSeconds lifetime_renewal_time(SysSeconds not_before, SysSeconds not_after);

// Whatever ARI says, a certificate with less than 1/50 of its lifetime left is
// due now: this is the moment that happens.
SysSeconds last_resort_time(SysSeconds not_before, SysSeconds not_after);

struct AriWindow {
    SysSeconds start;
    SysSeconds end;
};

struct DueInput {
    SysSeconds not_before;
    SysSeconds not_after;
    std::optional<int> days;                 // --days N: due when fewer than N days left
    std::optional<SysSeconds> ari_moment;    // chosen moment inside the ARI window
};

// The renewal time for a lineage: --days when given, else the ARI moment when
// known, else lifetime/3; never later than last_resort_time.
SysSeconds renewal_time(const DueInput& in);

// A random moment inside [start, end) (RFC 9773 §4.2); start itself when the
// window is empty or inverted. random01 is a uniform sample in [0, 1).
SysSeconds choose_in_window(const AriWindow& window, double random01);

// ARI's Retry-After clamped to [1 minute, 1 day]; 6 hours when absent.
seconds clamp_ari_retry_after(std::optional<seconds> retry_after);

// Exponential backoff after consecutive failures: 1 h, 2 h, 4 h, ... capped at
// 24 h; at most 6 h when less than a tenth of the lifetime is left. 0 when
// there were no failures.
seconds backoff_after(int consecutive_failures, SysSeconds now, SysSeconds not_before,
                      SysSeconds not_after);

} // namespace acme::renew
