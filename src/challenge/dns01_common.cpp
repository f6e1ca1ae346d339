#include "challenge/dns01_common.hpp"

#include "challenge/identifier.hpp"
#include "common/error.hpp"
#include "common/interrupt.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"

#include <algorithm>

namespace acme::challenge {

namespace {

using Clock = Dns01Clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto k_min_helper_time = seconds(10);
constexpr auto k_max_helper_time = seconds(300);
constexpr auto k_poll_interval = seconds(2);
constexpr auto k_query_timeout = seconds(3);

bool is_control(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7f;
}

// The fqdns of records not (yet) visible at server; last_error says why a query failed.
std::vector<std::string> missing_records(const DnsServer& server,
                                         const std::vector<Dns01Record>& records,
                                         std::string& last_error) {
    std::vector<std::string> missing;
    for (const auto& record : records) {
        std::vector<std::string> texts;
        try {
            texts = query_txt(server, record.fqdn, k_query_timeout);
        } catch (const Error& e) {
            last_error = e.what();
        }
        if (std::find(texts.begin(), texts.end(), record.value) == texts.end())
            missing.push_back(record.fqdn);
    }
    return missing;
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

Dns01Record dns01_record(const ChallengeTask& task) {
    return {task.identifier, task.key_authorization, dns01_record_name(task.identifier),
            dns01_txt_value(task.key_authorization)};
}

std::vector<Dns01Record>::iterator find_record(std::vector<Dns01Record>& records,
                                               const ChallengeTask& task) {
    return std::find_if(records.begin(), records.end(), [&](const Dns01Record& r) {
        return r.identifier == task.identifier && r.key_authorization == task.key_authorization;
    });
}

milliseconds helper_timeout(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    return std::clamp<milliseconds>(left, k_min_helper_time, k_max_helper_time);
}

std::string last_line(const std::string& output) {
    auto end = output.find_last_not_of("\r\n \t");
    if (end == std::string::npos)
        return {};
    auto start = output.find_last_of('\n', end);
    start = start == std::string::npos ? 0 : start + 1;
    return printable(std::string_view(output).substr(start, end + 1 - start));
}

std::string failure_text(const process::HookResult& result) {
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

void wait_until_visible(const DnsServer& server, const std::vector<Dns01Record>& records,
                        Clock::time_point deadline, Logger& log) {
    const auto where = to_string(server);
    log.info("Waiting until " + where + " serves the TXT records");
    std::string last_error;
    // Bounded by the deadline; the count is a second net.
    for (int round = 0; round < 100'000; ++round) {
        const auto missing = missing_records(server, records, last_error);
        if (missing.empty())
            return;
        const auto next = Clock::now() + k_poll_interval;
        if (next >= deadline) {
            throw Error(ErrorKind::timeout,
                        "the TXT record " + missing.front() + " is not visible at " + where +
                            " before the order's timeout" +
                            (last_error.empty() ? "" : " (last error: " + last_error + ")"));
        }
        log.debug("not yet visible at " + where + ": " + missing.front());
        interrupt::sleep_for(std::min(next, deadline) - Clock::now());
    }
}

Dns01Propagation dns01_propagation(std::chrono::seconds wait, const std::string& resolver) {
    if (wait.count() < 0)
        throw Error(ErrorKind::usage, "the DNS propagation wait cannot be negative");
    Dns01Propagation out{wait, std::nullopt};
    if (!resolver.empty())
        out.resolver = parse_dns_server(resolver);
    return out;
}

void wait_for_propagation(const Dns01Propagation& propagation,
                          const std::vector<Dns01Record>& records, Clock::time_point deadline,
                          Logger& log) {
    const auto wait = propagation.wait;
    if (wait.count() > 0) {
        if (Clock::now() + wait >= deadline) {
            throw Error(ErrorKind::timeout, "the DNS propagation wait of " +
                                                std::to_string(wait.count()) +
                                                " s does not fit in the order's timeout");
        }
        log.info("Waiting " + std::to_string(wait.count()) + " s for DNS propagation");
        interrupt::sleep_for(wait);
    }
    if (propagation.resolver)
        wait_until_visible(*propagation.resolver, records, deadline, log);
}

} // namespace acme::challenge
