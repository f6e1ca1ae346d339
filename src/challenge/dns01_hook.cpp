#include "challenge/dns01_hook.hpp"

#include "common/error.hpp"
#include "process/command_split.hpp"

namespace acme::challenge {

void check_dns01_hook_options(const Dns01HookOptions& options) {
    require_no_control_chars(options.command, "the DNS hook command");
    process::split_command(options.command); // empty, unterminated quote
    dns01_propagation(options.wait, options.resolver);
}

Dns01Hook::Dns01Hook(Dns01HookOptions options, Logger& log)
    : m_deadline(options.deadline), m_log(log) {
    check_dns01_hook_options(options);
    m_argv = process::split_command(options.command);
    m_propagation = dns01_propagation(options.wait, options.resolver);
}

std::string Dns01Hook::run(const std::string& op, const Dns01Record& record) {
    auto argv = m_argv;
    argv.insert(argv.end(), {op, record.fqdn, record.value});
    const process::EnvList env = {{"ACMECTL_DNS_FQDN", record.fqdn},
                                  {"ACMECTL_DNS_VALUE", record.value},
                                  {"ACMECTL_DOMAIN", record.identifier}};
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
        if (!failure.empty())
            m_log.warn("the DNS hook failed to delete the TXT record " + record.fqdn + ": " +
                       failure);
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
