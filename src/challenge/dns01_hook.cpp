#include "challenge/dns01_hook.hpp"

#include "challenge/identifier.hpp"
#include "common/error.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"
#include "renew/hook_runner.hpp"

#include <algorithm>
#include <thread>

namespace acme::challenge {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A hook gets what is left of the order's time, within these bounds: even
// after a timeout, `del` gets a fair chance to clean up.
constexpr auto k_min_hook_time = seconds(10);
constexpr auto k_max_hook_time = seconds(300);
constexpr auto k_poll_interval = seconds(2);
constexpr auto k_query_timeout = seconds(3);

bool is_control(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
}

// The last non-empty line of a hook's output, shortened and printable.
std::string last_line(const std::string& output) {
    auto end = output.find_last_not_of("\r\n \t");
    if (end == std::string::npos)
        return {};
    auto start = output.find_last_of('\n', end);
    start = start == std::string::npos ? 0 : start + 1;
    auto line = printable(std::string_view(output).substr(start, end + 1 - start));
    return line;
}

std::string failure_text(const renew::HookResult& result) {
    std::string why;
    if (!result.started)
        why = result.error;
    else if (result.timed_out)
        why = "timed out";
    else if (result.exit_status < 0)
        why = "killed by a signal";
    else
        why = "exit status " + std::to_string(result.exit_status);
    const auto line = last_line(result.output);
    return line.empty() ? why : why + ": " + line;
}

void sleep_until_at_most(Clock::time_point when, Clock::time_point deadline) {
    std::this_thread::sleep_until(std::min(when, deadline));
}

} // namespace

std::string dns01_record_name(std::string_view identifier) {
    if (identifier.starts_with("*."))
        identifier.remove_prefix(2);
    require_identifier(identifier, false);
    if (identifier.back() == '.')
        identifier.remove_suffix(1);
    std::string out = "_acme-challenge.";
    out += identifier;
    if (!is_dns_name(out))
        throw Error(ErrorKind::protocol, "the dns-01 record name for '" + printable(identifier) +
                                             "' is longer than DNS allows");
    return out;
}

std::string dns01_txt_value(std::string_view key_authorization) {
    return crypto::base64url_encode(crypto::sha256(key_authorization));
}

void require_no_control_chars(std::string_view text, const std::string& what) {
    if (std::any_of(text.begin(), text.end(), is_control)) {
        throw Error(ErrorKind::usage,
                    what + " contains a control character: '" + printable(text) + "'");
    }
}

void check_dns01_hook_options(const Dns01HookOptions& options) {
    require_no_control_chars(options.command, "the DNS hook command");
    renew::split_command(options.command); // empty, unterminated quote
    if (!options.resolver.empty())
        parse_dns_server(options.resolver);
    if (options.wait.count() < 0)
        throw Error(ErrorKind::usage, "the DNS propagation wait cannot be negative");
}

Dns01Hook::Dns01Hook(Dns01HookOptions options, Logger& log)
    : m_wait(options.wait), m_deadline(options.deadline), m_log(log) {
    check_dns01_hook_options(options);
    m_argv = renew::split_command(options.command);
    if (!options.resolver.empty())
        m_resolver = parse_dns_server(options.resolver);
}

milliseconds Dns01Hook::hook_timeout() const {
    const auto left = std::chrono::duration_cast<milliseconds>(m_deadline - Clock::now());
    return std::clamp<milliseconds>(left, k_min_hook_time, k_max_hook_time);
}

std::string Dns01Hook::run(const std::string& op, const Record& record) {
    auto argv = m_argv;
    argv.insert(argv.end(), {op, record.fqdn, record.value});
    const renew::EnvList env = {{"ACMECTL_DNS_FQDN", record.fqdn},
                                {"ACMECTL_DNS_VALUE", record.value},
                                {"ACMECTL_DOMAIN", record.identifier}};
    const auto result = renew::run_hook(argv, env, hook_timeout());
    if (!result.output.empty())
        m_log.debug("dns hook " + op + " " + record.fqdn + ": " + last_line(result.output));
    return result.ok() ? std::string() : failure_text(result);
}

// Everything is checked before the hook sees it: the record name comes from
// the CA's identifier, the value is base64url by construction.
void Dns01Hook::present(const ChallengeTask& task) {
    Record record{task.identifier, task.key_authorization, dns01_record_name(task.identifier),
                  dns01_txt_value(task.key_authorization)};
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
        const auto found = std::find_if(m_records.begin(), m_records.end(), [&](const Record& r) {
            return r.identifier == task.identifier && r.key_authorization == task.key_authorization;
        });
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
    if (m_wait.count() > 0) {
        if (Clock::now() + m_wait >= m_deadline) {
            throw Error(ErrorKind::timeout, "the DNS propagation wait of " +
                                                std::to_string(m_wait.count()) +
                                                " s does not fit in the order's timeout");
        }
        m_log.info("Waiting " + std::to_string(m_wait.count()) + " s for DNS propagation");
        std::this_thread::sleep_for(m_wait);
    }
    if (m_resolver)
        poll_resolver();
}

// The records not (yet) visible at the resolver; last_error says why a query failed.
std::vector<std::string> Dns01Hook::missing_records(std::string& last_error) {
    std::vector<std::string> missing;
    for (const auto& record : m_records) {
        std::vector<std::string> texts;
        try {
            texts = query_txt(*m_resolver, record.fqdn, k_query_timeout);
        } catch (const Error& e) {
            last_error = e.what();
        }
        if (std::find(texts.begin(), texts.end(), record.value) == texts.end())
            missing.push_back(record.fqdn);
    }
    return missing;
}

void Dns01Hook::poll_resolver() {
    const auto where = to_string(*m_resolver);
    m_log.info("Waiting until " + where + " serves the TXT records");
    std::string last_error;
    // Bounded by the deadline; the count is a second net.
    for (int round = 0; round < 100'000; ++round) {
        const auto missing = missing_records(last_error);
        if (missing.empty())
            return;
        const auto next = Clock::now() + k_poll_interval;
        if (next >= m_deadline) {
            throw Error(ErrorKind::timeout,
                        "the TXT record " + missing.front() + " is not visible at " + where +
                            " before the order's timeout" +
                            (last_error.empty() ? "" : " (last error: " + last_error + ")"));
        }
        m_log.debug("not yet visible at " + where + ": " + missing.front());
        sleep_until_at_most(next, m_deadline);
    }
}

} // namespace acme::challenge
