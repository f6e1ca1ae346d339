// http-01 webroot: writes <root>/.well-known/acme-challenge/<token> (0644)
// for an existing web server to serve, and removes it afterwards.
//
// The web root usually belongs to another user (www-data, a deploy user) who
// can rename and replace anything below it while we run as root. So every
// step below the root is relative to a directory descriptor opened with
// O_NOFOLLOW: a symbolic link planted at .well-known, acme-challenge or a
// token name is refused or replaced, never followed.
#pragma once

#include <filesystem>
#include <sys/stat.h>

#include "challenge/solver.hpp"
#include "common/unique_fd.hpp"

namespace acme::challenge {

class WebrootHttp01 : public Solver {
  public:
    explicit WebrootHttp01(std::filesystem::path root);
    std::string challenge_type() const override { return "http-01"; }
    // Error(usage) when root is missing or not writable, or when .well-known
    // or .well-known/acme-challenge is a symbolic link or not a directory.
    void begin() override;
    void present(const ChallengeTask& task) override; // Error(io|usage)
    void cleanup(const ChallengeTask& task) noexcept override;
    void end() noexcept override;

  private:
    std::filesystem::path m_root;
    UniqueFd m_root_fd;
    struct stat m_owner {}; // the web root's owner and group get the token files
    UniqueFd m_well_known_fd;
    UniqueFd m_challenge_fd;
    bool m_created_dirs = false;       // remove .well-known/acme-challenge if we made it
    bool m_created_well_known = false; // and .well-known itself if we made that too
};

} // namespace acme::challenge
