#include "renew/policy.hpp"

#include <algorithm>

namespace acme::renew {

using namespace std::chrono;

SysSeconds lifetime_renewal_time(SysSeconds not_before, SysSeconds not_after) {
    return not_after - (not_after - not_before) / 3;
}

SysSeconds last_resort_time(SysSeconds not_before, SysSeconds not_after) {
    return not_after - (not_after - not_before) / 50;
}

SysSeconds renewal_time(const DueInput& in) {
    SysSeconds when;
    if (in.days) {
        when = in.not_after - days(*in.days);
    } else if (in.ari_moment) {
        when = *in.ari_moment;
    } else {
        when = lifetime_renewal_time(in.not_before, in.not_after);
    }
    return std::min(when, last_resort_time(in.not_before, in.not_after));
}

SysSeconds choose_in_window(const AriWindow& window, double random01) {
    if (window.end <= window.start) {
        return window.start;
    }
    const auto span = (window.end - window.start).count();
    const auto offset = static_cast<long long>(static_cast<double>(span) * std::clamp(random01, 0.0, 1.0));
    return window.start + seconds(std::min<long long>(offset, span - 1));
}

seconds clamp_ari_retry_after(std::optional<seconds> retry_after) {
    if (!retry_after) {
        return hours(6);
    }
    return std::clamp<seconds>(*retry_after, minutes(1), hours(24));
}

seconds backoff_after(int consecutive_failures, SysSeconds now, SysSeconds not_before,
                      SysSeconds not_after) {
    if (consecutive_failures <= 0) {
        return seconds(0);
    }
    const int doublings = std::min(consecutive_failures - 1, 5); // 2^5 h > 24 h
    seconds wait = std::min<seconds>(hours(1) * (1 << doublings), hours(24));
    if (not_after - now < (not_after - not_before) / 10) {
        wait = std::min<seconds>(wait, hours(6));
    }
    return wait;
}

} // namespace acme::renew
