#include "challenge/manual.hpp"

#include "challenge/identifier.hpp"
#include "challenge/token.hpp"
#include "common/error.hpp"

#include <algorithm>

namespace acme::challenge {

namespace {

std::string url_host(const std::string& identifier) {
    return identifier.find(':') != std::string::npos ? "[" + identifier + "]" : identifier;
}

} // namespace

ManualHttp01::ManualHttp01(ManualPrompt prompt) : m_prompt(std::move(prompt)) {
    if (!m_prompt.show || !m_prompt.confirm) {
        throw Error(ErrorKind::usage,
                    "the manual solver needs a person at a terminal: it cannot run unattended");
    }
}

void ManualHttp01::present(const ChallengeTask& task) {
    require_valid_token(task.token);
    require_identifier(task.identifier, true);
    // token "." thumbprint: both base64url, so nothing here can break a line.
    const auto dot = task.key_authorization.find('.');
    if (dot == std::string::npos || task.key_authorization.substr(0, dot) != task.token ||
        !is_valid_token(std::string_view(task.key_authorization).substr(dot + 1))) {
        throw Error(ErrorKind::protocol,
                    "invalid key authorization for token '" + printable(task.token) + "'");
    }
    m_tasks.push_back(task);
}

void ManualHttp01::ready() {
    if (m_tasks.empty())
        return;
    m_prompt.show(manual_http01_instructions(m_tasks));
    if (!m_prompt.confirm())
        throw Error(ErrorKind::usage, "not confirmed: the order was abandoned");
}

void ManualHttp01::cleanup(const ChallengeTask& task) noexcept {
    std::erase_if(m_tasks, [&](const ChallengeTask& t) { return t.token == task.token; });
}

std::string manual_http01_instructions(const std::vector<ChallengeTask>& tasks) {
    std::string out;
    for (const auto& task : tasks) {
        const auto path = ".well-known/acme-challenge/" + task.token;
        out += "Create this file on the web server of " + task.identifier + ":\n";
        out += "  URL:     http://" + url_host(task.identifier) + "/" + path + "\n";
        out += "  path:    " + path + "  (under the web root)\n";
        out += "  content: " + task.key_authorization + "\n";
        out += "  (exactly this one line; a final newline is allowed)\n";
    }
    return out;
}

ManualDns01::ManualDns01(ManualPrompt prompt, Dns01Propagation propagation,
                         std::chrono::steady_clock::time_point deadline, Logger& log)
    : m_prompt(std::move(prompt)), m_propagation(std::move(propagation)), m_deadline(deadline),
      m_log(log) {
    if (!m_prompt.show || !m_prompt.confirm) {
        throw Error(ErrorKind::usage,
                    "the manual solver needs a person at a terminal: it cannot run unattended");
    }
}

void ManualDns01::present(const ChallengeTask& task) {
    m_records.push_back(dns01_record(task)); // checks the name: nothing odd reaches the terminal
}

void ManualDns01::ready() {
    if (m_records.empty())
        return;
    m_prompt.show(manual_dns01_instructions(m_records));
    m_done = m_records;
    if (!m_prompt.confirm())
        throw Error(ErrorKind::usage, "not confirmed: the order was abandoned");
    wait_for_propagation(m_propagation, m_records, m_deadline, m_log);
}

void ManualDns01::cleanup(const ChallengeTask& task) noexcept {
    const auto found = find_record(m_records, task);
    if (found != m_records.end())
        m_records.erase(found);
}

void ManualDns01::end() noexcept {
    if (m_done.empty())
        return;
    try {
        std::string text = "The CA no longer needs these TXT records; you may delete them:\n";
        for (const auto& r : m_done)
            text += "  " + r.fqdn + ". TXT \"" + r.value + "\"\n";
        m_done.clear();
        m_prompt.show(text);
    } catch (...) {
    }
}

std::string manual_dns01_instructions(const std::vector<Dns01Record>& records) {
    auto sorted = records;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.fqdn < b.fqdn; });
    std::string out = "Create these DNS TXT records (a name listed twice needs both values):\n";
    for (const auto& r : sorted)
        out += "  " + r.fqdn + ". TXT \"" + r.value + "\"  (for " + r.identifier + ")\n";
    out += "and wait until your DNS servers answer them.\n";
    return out;
}

} // namespace acme::challenge
