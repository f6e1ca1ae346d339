// Private to src/probe: the clock every probe deadline is on, and the
// exception every failed step throws. Its kind is one of probe::error_kind,
// which probe.cpp turns into the target's result.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>

namespace acme::probe::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

class Failure : public std::runtime_error {
  public:
    Failure(std::string_view kind, const std::string& detail)
        : std::runtime_error(detail), m_kind(kind) {}
    const std::string& kind() const { return m_kind; }

  private:
    std::string m_kind;
};

} // namespace acme::probe::net
