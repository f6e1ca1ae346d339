// http-01 webroot: writes <root>/.well-known/acme-challenge/<token> (0644)
// for an existing web server to serve, and removes it afterwards.
#pragma once

#include <filesystem>

#include "challenge/solver.hpp"

namespace acme::challenge {

class WebrootHttp01 : public Solver {
  public:
    explicit WebrootHttp01(std::filesystem::path root);
    std::string challenge_type() const override { return "http-01"; }
    void begin() override; // Error(usage) when root is missing or not writable
    void present(const ChallengeTask& task) override;
    void cleanup(const ChallengeTask& task) noexcept override;
    void end() noexcept override;

  private:
    std::filesystem::path m_root;
    bool m_created_dirs = false; // remove .well-known/acme-challenge if we made it
    bool m_created_well_known = false; // and .well-known itself if we made that too
};

} // namespace acme::challenge
