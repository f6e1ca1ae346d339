#include "challenge/dns01_hook.hpp"

#include "challenge/identifier.hpp"
#include "common/error.hpp"
#include "process/command_split.hpp"
#include "process/runner.hpp"
#include "renew/hook_env.hpp"

#include <algorithm>

namespace acme::challenge {

namespace {

// A typo in the program's path must not cost an order (and a CA's rate limit).
void check_hook_program(const std::string& command, const std::string& what) {
    const auto argv = process::split_command(command); // empty, unterminated quote
    if (process::find_program(argv.front()).empty()) {
        throw Error(ErrorKind::usage, "the " + what + " program '" + printable(argv.front()) +
                                          "' does not exist or is not executable");
    }
}

// certbot runs its manual hooks through the shell; acmectl's own --dns-hook
// keeps its argument contract and runs without one.
std::vector<std::string> split_hook(const std::string& command, bool certbot_style) {
    return certbot_style ? process::shell_argv(command) : process::split_command(command);
}

} // namespace

void check_dns01_hook_options(const Dns01HookOptions& options) {
    if (options.certbot_style) {
        // A shell line (`VAR=x cmd`, `cd dir && ./hook`): its first word need
        // not be a program, so only what could never run is refused here.
        process::require_shell_command(options.command);
        if (!options.cleanup_command.empty())
            process::require_shell_command(options.cleanup_command);
    } else {
        require_no_control_chars(options.command, "the DNS hook command");
        check_hook_program(options.command, "DNS hook");
        if (!options.cleanup_command.empty()) {
            require_no_control_chars(options.cleanup_command, "the DNS cleanup hook command");
            check_hook_program(options.cleanup_command, "DNS cleanup hook");
        }
    }
    dns01_propagation(options.wait, options.resolver);
}

Dns01Hook::Dns01Hook(Dns01HookOptions options, Logger& log)
    : m_deadline(options.deadline), m_log(log) {
    check_dns01_hook_options(options);
    m_argv = split_hook(options.command, options.certbot_style);
    m_certbot_style = options.certbot_style;
    if (!options.cleanup_command.empty())
        m_cleanup_argv = split_hook(options.cleanup_command, options.certbot_style);
    m_propagation = dns01_propagation(options.wait, options.resolver);
}

std::string Dns01Hook::run(const std::string& op, const Dns01Record& record) {
    auto argv = m_certbot_style && op == "del" ? m_cleanup_argv : m_argv;
    if (argv.empty())
        return ""; // a certbot lineage without a cleanup hook
    if (!m_certbot_style)
        argv.insert(argv.end(), {op, record.fqdn, record.value});
    process::EnvList env = {{"ACMECTL_DNS_FQDN", record.fqdn},
                                   {"ACMECTL_DNS_VALUE", record.value},
                                   {"ACMECTL_DOMAIN", record.identifier}};
    const auto certbot = renew::certbot_challenge_env(record.identifier, record.value, "");
    env.insert(env.end(), certbot.begin(), certbot.end());
    const auto result = process::run_hook(argv, env, helper_timeout(m_deadline));
    if (!result.output.empty())
        m_log.debug("dns hook " + op + " " + record.fqdn + ": " + last_line(result.output));
    return result.ok() ? std::string() : failure_text(result);
}

// Everything is checked before the hook sees it: the record name comes from
// the CA's identifier, the value is base64url by construction.
void Dns01Hook::present(const ChallengeTask& task) {
    const auto record = dns01_record(task);
    require_no_control_chars(record.identifier, "the identifier");
    m_records.push_back(record); // cleanup runs `del` even when `add` failed half-way
    m_log.info("Adding the TXT record " + record.fqdn + " with the DNS hook");
    const auto failure = run("add", record);
    if (!failure.empty()) {
        m_failed_adds.push_back(record.fqdn + " " + record.value);
        throw Error(ErrorKind::hook,
                    "the DNS hook failed to add the TXT record " + record.fqdn + ": " + failure);
    }
}

void Dns01Hook::cleanup(const ChallengeTask& task) noexcept {
    try {
        const auto found = find_record(m_records, task);
        if (found == m_records.end())
            return; // present() refused it before running anything
        const auto record = *found;
        m_records.erase(found);
        const auto failure = run("del", record);
        // After a failed add, a failed del is expected: the add's error says it all.
        const bool added = std::find(m_failed_adds.begin(), m_failed_adds.end(),
                                     record.fqdn + " " + record.value) == m_failed_adds.end();
        const auto message =
            "the DNS hook failed to delete the TXT record " + record.fqdn + ": " + failure;
        if (!failure.empty() && added)
            m_log.warn(message);
        else if (!failure.empty())
            m_log.debug(message);
    } catch (const std::exception& e) {
        try {
            m_log.warn(std::string("the DNS hook could not run for cleanup: ") + e.what());
        } catch (...) {
        }
    }
}

void Dns01Hook::ready() {
    wait_for_propagation(m_propagation, m_records, m_deadline, m_log);
}

} // namespace acme::challenge
