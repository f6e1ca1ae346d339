// http-01 by hand (--manual) and dns-01 by hand (--manual-dns, for one-off
// wildcards): the solver says exactly which file or TXT record to create
// with which content, then waits for a human to confirm. The core never
// prints or reads a terminal: the CLI supplies both ends as callbacks.
#pragma once

#include "challenge/dns01_common.hpp"
#include "challenge/solver.hpp"
#include "common/log.hpp"

#include <chrono>
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

class ManualDns01 : public Solver {
  public:
    // Throws Error(usage) when either callback is missing (see ManualHttp01).
    // propagation: --dns-wait / --dns-resolver after the human confirmed.
    ManualDns01(ManualPrompt prompt, Dns01Propagation propagation,
                std::chrono::steady_clock::time_point deadline, Logger& log);
    std::string challenge_type() const override { return "dns-01"; }
    // Remembers the record to ask for; Error(protocol) for an identifier that
    // is not a DNS name.
    void present(const ChallengeTask& task) override;
    // Shows every record at once, asks, then waits for propagation.
    // Error(usage) when not confirmed, Error(timeout) as wait_for_propagation.
    void ready() override;
    void cleanup(const ChallengeTask& task) noexcept override;
    // Says which records may be deleted again.
    void end() noexcept override;

  private:
    ManualPrompt m_prompt;
    Dns01Propagation m_propagation;
    std::chrono::steady_clock::time_point m_deadline;
    Logger& m_log;
    std::vector<Dns01Record> m_records;
    std::vector<Dns01Record> m_done; // shown, to be deleted by the human afterwards
};

// The instructions ManualDns01::ready() shows (exposed for tests): one line
// per record, `fqdn. TXT "value"`, records of one name together.
std::string manual_dns01_instructions(const std::vector<Dns01Record>& records);

} // namespace acme::challenge
