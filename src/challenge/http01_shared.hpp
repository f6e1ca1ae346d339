// One standalone http-01 listener per address and port for the whole process:
// parallel renewals that answer on the same port share it instead of failing
// with "address already in use" against each other.
#pragma once

#include <memory>
#include <string>

#include "challenge/http01_standalone.hpp"

namespace acme::challenge {

class SharedStandaloneHttp01 : public Solver {
  public:
    SharedStandaloneHttp01(std::string address, int port)
        : m_address(std::move(address)), m_port(port) {}
    ~SharedStandaloneHttp01() override { end(); }
    std::string challenge_type() const override { return "http-01"; }
    // Joins the listener another solver of this process already runs on the
    // port, or starts it (Error(usage) when another program holds the port).
    void begin() override;
    void present(const ChallengeTask& task) override;
    void cleanup(const ChallengeTask& task) noexcept override;
    // Leaves the listener; the last one to leave closes it.
    void end() noexcept override;

  private:
    std::string m_address;
    int m_port;
    std::shared_ptr<StandaloneHttp01> m_server;
};

} // namespace acme::challenge
