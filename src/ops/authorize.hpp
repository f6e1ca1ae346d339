// Getting every authorization of an order valid with one solver.
#pragma once

#include <memory>
#include <vector>

#include "acme/order.hpp"
#include "challenge/solver.hpp"
#include "common/log.hpp"

namespace acme::ops {

// Presents what the CA asks for each pending authorization, tells it to
// validate, and waits for all of them. Authorizations already valid are
// skipped (reuse). Every presented challenge is cleaned up and the solver
// ended on every path. Throws Error(usage) when the solver's challenge type
// is not offered (a wildcard with http-01), Problem naming the identifier and
// quoting the CA's detail when a validation fails, Error(timeout).
void authorize_order(Client& client, const Order& order, challenge::Solver& solver,
                     Clock::time_point deadline, Logger& log);

} // namespace acme::ops
