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

} // namespace acme::challenge
