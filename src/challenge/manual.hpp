// http-01 by hand (--manual): the solver says exactly which file to create
// with which content, then waits for a human to confirm. The core never
// prints or reads a terminal: the CLI supplies both ends as callbacks.
#pragma once

#include "challenge/solver.hpp"

#include <functional>
#include <string>
#include <vector>

namespace acme::challenge {

struct ManualPrompt {
    // Shows the instructions (several lines, ending in a newline).
    std::function<void(const std::string& instructions)> show;
    // Waits for the human; false when they declined or the input ended.
    std::function<bool()> confirm;
};

class ManualHttp01 : public Solver {
  public:
    // Throws Error(usage) when either callback is missing: without a human
    // to ask (a renewal from cron) this solver cannot work.
    explicit ManualHttp01(ManualPrompt prompt);
    std::string challenge_type() const override { return "http-01"; }
    // Checks the token and identifier and remembers the file to ask for;
    // Error(protocol) for a token or identifier that could escape the path.
    void present(const ChallengeTask& task) override;
    // Shows every file at once, then asks. Error(usage) when not confirmed.
    void ready() override;
    void cleanup(const ChallengeTask& task) noexcept override;

  private:
    ManualPrompt m_prompt;
    std::vector<ChallengeTask> m_tasks;
};

// The instructions ready() shows for these tasks (exposed for tests).
std::string manual_http01_instructions(const std::vector<ChallengeTask>& tasks);

} // namespace acme::challenge
