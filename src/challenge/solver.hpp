// Challenge solvers: make a challenge answerable, then clean up after it.
#pragma once

#include <string>

namespace acme::challenge {

struct ChallengeTask {
    std::string identifier;        // the DNS name or IP being validated
    std::string token;             // already checked to be base64url
    std::string key_authorization; // token "." thumbprint (RFC 8555 §8.1)
};

class Solver {
  public:
    virtual ~Solver() = default;
    virtual std::string challenge_type() const = 0; // "http-01", "dns-01", ...
    // Before any present(): bind ports, check folders are writable.
    // Throws Error(usage|io) with a one-line reason (port in use, not writable).
    virtual void begin() {}
    virtual void present(const ChallengeTask& task) = 0;
    // After every task is presented and before the CA is told to validate:
    // wait for DNS propagation, ask a human, ... Throws to abort the order.
    virtual void ready() {}
    // Never throws: cleanup must run on every path, also after failures.
    virtual void cleanup(const ChallengeTask& task) noexcept = 0;
    // After the last cleanup: close listeners. Never throws.
    virtual void end() noexcept {}
};

} // namespace acme::challenge
