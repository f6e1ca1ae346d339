#include "ops/certificate_checks.hpp"

#include "common/error.hpp"
#include "common/time_format.hpp"

namespace acme::ops {

namespace {

[[noreturn]] void refuse(const std::string& why) {
    throw Error(ErrorKind::protocol, "the CA's certificate " + why + "; it was not installed");
}

} // namespace

void check_validity_window(const crypto::CertInfo& leaf, crypto::SysSeconds now) {
    if (leaf.not_after <= leaf.not_before) {
        refuse("has an empty validity period");
    }
    if (leaf.not_after - leaf.not_before > k_max_lifetime) {
        refuse("claims a lifetime over " + std::to_string(k_max_lifetime.count()) + " days");
    }
    if (now + k_clock_skew < leaf.not_before) {
        refuse("is not valid before " + iso8601_utc(leaf.not_before) +
               " (check this machine's clock)");
    }
    if (now >= leaf.not_after) {
        refuse("expired at " + iso8601_utc(leaf.not_after));
    }
}

void check_chain_links(const std::vector<std::string>& chain) {
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
        if (!crypto::issued_by(chain[i], chain[i + 1])) {
            // Counted from 1, leaf first, as a user reading fullchain.pem would.
            refuse("chain is broken: certificate " + std::to_string(i + 1) +
                   " is not signed by certificate " + std::to_string(i + 2));
        }
    }
}

} // namespace acme::ops
