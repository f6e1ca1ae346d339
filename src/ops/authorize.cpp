#include "ops/authorize.hpp"

#include "acme/problem.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"

namespace acme::ops {

namespace {

std::string display(const Authorization& authz) {
    return (authz.wildcard ? "*." : "") + authz.identifier.value;
}

const Challenge& pick_challenge(const Authorization& authz, const std::string& type) {
    if (const auto* ch = authz.find(type)) {
        return *ch;
    }
    if (authz.wildcard) {
        throw Error(ErrorKind::usage, "'" + display(authz) + "' is a wildcard name: the CA " +
                                          "validates wildcards only with dns-01, not " + type);
    }
    throw Error(ErrorKind::usage, "the CA offers no " + type + " challenge for '" +
                                      display(authz) + "'");
}

[[noreturn]] void validation_failed(const Authorization& authz, const std::string& type) {
    const auto* ch = authz.find(type);
    std::string context = "the " + type + " validation of " + display(authz);
    if (ch != nullptr && ch->error.is_object()) {
        throw problem_from_json(ch->error, context);
    }
    throw Error(ErrorKind::acme_problem,
                "the CA refused " + context + ": authorization is " + authz.status);
}

} // namespace

SolverScope::~SolverScope() {
    // After a signal too: the DNS `del` and token removals must run.
    interrupt::Shield cleanup_runs_to_the_end;
    for (const auto& task : m_presented) {
        m_solver.cleanup(task);
    }
    m_solver.end();
}

void SolverScope::present(const challenge::ChallengeTask& task) {
    m_presented.push_back(task);
    m_solver.present(task);
}

void authorize_order(Client& client, const Order& order, SolverScope& scope,
                     Clock::time_point deadline, Logger& log) {
    const auto type = scope.challenge_type();
    std::vector<Authorization> pending;
    for (const auto& url : order.authorizations) {
        auto authz = fetch_authorization(client, url);
        check_authorization_in_order(order, authz);
        if (authz.status == "valid") {
            log.debug(display(authz) + ": authorization already valid, reused");
        } else if (authz.status == "pending") {
            pick_challenge(authz, type);
            pending.push_back(std::move(authz));
        } else {
            validation_failed(authz, type);
        }
    }
    const auto thumbprint = client.signer().thumbprint();
    for (const auto& authz : pending) {
        const auto& ch = pick_challenge(authz, type);
        scope.present({authz.identifier.value, ch.token, ch.token + "." + thumbprint});
    }
    if (!pending.empty()) {
        scope.ready();
    }
    for (const auto& authz : pending) {
        log.info("Validating " + display(authz) + " (" + type + ")");
        respond_challenge(client, pick_challenge(authz, type));
    }
    for (const auto& authz : pending) {
        auto done = wait_authorization(client, authz.url, deadline);
        if (done.status != "valid") {
            validation_failed(done, type);
        }
    }
}

} // namespace acme::ops
