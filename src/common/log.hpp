// The core reports progress through this interface; cli/ implements it.
#pragma once

#include <string>

namespace acme {

enum class LogLevel { debug, info, warn };

class Logger {
  public:
    virtual ~Logger() = default;
    virtual void log(LogLevel level, const std::string& message) = 0;
    void debug(const std::string& m) { log(LogLevel::debug, m); }
    void info(const std::string& m) { log(LogLevel::info, m); }
    void warn(const std::string& m) { log(LogLevel::warn, m); }
};

// A logger that drops everything (tests, library callers that do not care).
class NullLogger : public Logger {
  public:
    void log(LogLevel, const std::string&) override {}
};

} // namespace acme
