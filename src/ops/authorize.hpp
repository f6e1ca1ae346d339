// Getting every authorization of an order valid with one solver.
#pragma once

#include <memory>
#include <vector>

#include "acme/order.hpp"
#include "challenge/solver.hpp"
#include "common/log.hpp"

namespace acme::ops {

// Begins the solver (binding ports, checking folders) when made, and cleans up
// what was presented and ends the solver when it goes out of scope, also when
// validation threw.
class SolverScope {
  public:
    explicit SolverScope(challenge::Solver& solver) : m_solver(solver) { m_solver.begin(); }
    ~SolverScope();
    SolverScope(const SolverScope&) = delete;
    SolverScope& operator=(const SolverScope&) = delete;
    void present(const challenge::ChallengeTask& task);
    void ready() { m_solver.ready(); }
    std::string challenge_type() const { return m_solver.challenge_type(); }

  private:
    challenge::Solver& m_solver;
    std::vector<challenge::ChallengeTask> m_presented;
};

// Presents what the CA asks for each pending authorization, tells it to
// validate, and waits for all of them. Authorizations already valid are
// skipped (reuse). Throws Error(usage) when the solver's challenge type
// is not offered (a wildcard with http-01), Problem naming the identifier and
// quoting the CA's detail when a validation fails, Error(timeout).
void authorize_order(Client& client, const Order& order, SolverScope& solver,
                     Clock::time_point deadline, Logger& log);

} // namespace acme::ops
