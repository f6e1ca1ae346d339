// dns-01 through a user command (--dns-hook CMD): for every identifier
// `CMD add <fqdn> <value>` in present(), `CMD del <fqdn> <value>` in
// cleanup(), run without a shell (split like a shell would, then execve) with
// ACMECTL_DNS_FQDN, ACMECTL_DNS_VALUE and ACMECTL_DOMAIN (and certbot's
// CERTBOT_DOMAIN and CERTBOT_VALIDATION) in the environment.
// ready() waits for propagation: a fixed pause, and/or polling one DNS server
// until every record is visible, bounded by the order's deadline.
#pragma once

#include "challenge/dns01_common.hpp"
#include "challenge/solver.hpp"
#include "common/log.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace acme::challenge {

struct Dns01HookOptions {
    std::string command;          // --dns-hook, split without a shell
    std::chrono::seconds wait{0}; // --dns-wait: one pause after the records are added
    std::string resolver;         // --dns-resolver ADDR[:PORT]; "" = no polling
    // certbot's manual hooks (import --from-certbot): `command` adds and
    // `cleanup_command` ("" = none) deletes, both run with no arguments, as
    // certbot runs them; the record is in CERTBOT_DOMAIN and CERTBOT_VALIDATION.
    bool certbot_style = false;
    std::string cleanup_command;
    // Of the order: bounds the hooks and the waiting.
    std::chrono::steady_clock::time_point deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(300);
};

// The checks the constructor makes, for a caller that wants them before any
// network: Error(usage) for an empty or unterminated command, a control
// character in it, a program that does not exist or is not executable, a
// resolver that is not ADDR[:PORT] or a negative wait.
void check_dns01_hook_options(const Dns01HookOptions& options);

class Dns01Hook : public Solver {
  public:
    // Throws what check_dns01_hook_options throws.
    Dns01Hook(Dns01HookOptions options, Logger& log);
    std::string challenge_type() const override { return "dns-01"; }
    // Runs `CMD add`. Throws Error(protocol) for an identifier that is not a
    // DNS name (nothing is run), Error(hook) when the hook fails.
    void present(const ChallengeTask& task) override;
    // Throws Error(timeout) when the records are not visible at the resolver
    // by the deadline, or the wait does not fit before it.
    void ready() override;
    // Runs `CMD del` for a record present() tried to add; a failure is logged
    // (as a warning only when the add had succeeded).
    void cleanup(const ChallengeTask& task) noexcept override;

  private:
    // Runs CMD op fqdn value; returns "" on success, else why it failed.
    std::string run(const std::string& op, const Dns01Record& record);

    std::vector<std::string> m_argv;
    std::vector<std::string> m_cleanup_argv; // certbot style only
    bool m_certbot_style = false;
    Dns01Propagation m_propagation;
    std::chrono::steady_clock::time_point m_deadline;
    Logger& m_log;
    std::vector<Dns01Record> m_records;     // every record an `add` was run for
    std::vector<std::string> m_failed_adds; // "fqdn value" of those whose add failed
};

} // namespace acme::challenge
