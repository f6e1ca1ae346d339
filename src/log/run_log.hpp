// The run log: $ACMECTL_HOME/log/acmectl.log, one timestamped line (or JSON
// line) per step, appended under flock and rotated by size (acmectl.log.1 ..
// .keep). A log that cannot be written never fails the command.
#pragma once

#include <cstddef>
#include <filesystem>
#include <mutex>
#include <string>

#include "common/log.hpp"

namespace acme::log {

struct RunLogOptions {
    std::string format = "text"; // "text" or "json"
    std::size_t max_bytes = 1 << 20;
    int keep = 5; // rotated files acmectl.log.1 .. .keep
};

class RunLog {
  public:
    RunLog(std::filesystem::path dir, std::string command, RunLogOptions options);
    void write(LogLevel level, const std::string& message);

  private:
    bool rotate_if_needed(int fd); // true when it rotated: reopen
    std::filesystem::path m_dir;
    std::string m_command;
    RunLogOptions m_options;
    std::mutex m_mutex; // parallel renewals log from several threads
};

} // namespace acme::log
