#include "renew/policy.hpp"

namespace acme::renew {

SysSeconds lifetime_renewal_time(SysSeconds not_before, SysSeconds not_after) {
    const auto lifetime = not_after - not_before;
    return not_after - lifetime / 3;
}

} // namespace acme::renew
