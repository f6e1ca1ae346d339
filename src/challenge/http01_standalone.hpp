// http-01 standalone: a small built-in HTTP server, listening from begin() to
// end() only, answering GET /.well-known/acme-challenge/<token> for the tokens
// presented and 404 for everything else.
#pragma once

#include <memory>
#include <string>

#include "challenge/solver.hpp"

namespace acme::challenge {

class StandaloneHttp01 : public Solver {
  public:
    // address "" listens on every address (IPv6 dual-stack, else 0.0.0.0).
    StandaloneHttp01(std::string address, int port);
    ~StandaloneHttp01() override;
    std::string challenge_type() const override { return "http-01"; }
    void begin() override; // Error(usage) "port 80 is already in use" etc.
    void present(const ChallengeTask& task) override;
    void cleanup(const ChallengeTask& task) noexcept override;
    void end() noexcept override;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace acme::challenge
