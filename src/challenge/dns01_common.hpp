// What the dns-01 solvers (--dns-hook, --dns-rfc2136) share: the record of
// RFC 8555 §8.4 for a task, the wait until the records are visible, and the
// time and the one-line report of the helper process each one runs.
#pragma once

#include "challenge/dns_txt_query.hpp"
#include "challenge/solver.hpp"
#include "common/log.hpp"
#include "process/runner.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acme::challenge {

// "_acme-challenge.<name>" for an identifier (a leading "*." removed, as a
// wildcard's authorization is validated at its base name, RFC 8555 §8.4).
// Throws Error(protocol) when the identifier is not a DNS name.
std::string dns01_record_name(std::string_view identifier);

// base64url(SHA-256(key authorization)), the TXT value of RFC 8555 §8.4.
std::string dns01_txt_value(std::string_view key_authorization);

// Throws Error(usage) naming what when text holds a control character
// (newline, tab, escape, DEL, ...): such a byte must not reach a hook.
void require_no_control_chars(std::string_view text, const std::string& what);

struct Dns01Record {
    std::string identifier;
    std::string key_authorization;
    std::string fqdn;  // a DNS name: letters, digits, '-', '_' and dots only
    std::string value; // base64url
};

// The record a task needs. Throws Error(protocol) for an identifier that is
// not a DNS name (so neither fqdn nor value can carry a space, quote or newline).
Dns01Record dns01_record(const ChallengeTask& task);

// The record of records made for task, or records.end().
std::vector<Dns01Record>::iterator find_record(std::vector<Dns01Record>& records,
                                               const ChallengeTask& task);

using Dns01Clock = std::chrono::steady_clock;

// How long a helper process (hook, nsupdate) may run: what is left before the
// order's deadline, but at least 10 s (so cleanup gets its chance after a
// timeout) and at most 300 s.
std::chrono::milliseconds helper_timeout(Dns01Clock::time_point deadline);

// Why a helper failed ("exit status 2", "timed out", ...), then ": " and the
// last non-empty line of its output, printable.
std::string failure_text(const process::HookResult& result);

// The last non-empty line of a helper's output, shortened and printable.
std::string last_line(const std::string& output);

// Polls server until it answers every record's value among the TXT records of
// its fqdn. Throws Error(timeout) naming a missing record (and the last query
// error) when that does not happen before deadline.
void wait_until_visible(const DnsServer& server, const std::vector<Dns01Record>& records,
                        Dns01Clock::time_point deadline, Logger& log);

// --dns-wait and --dns-resolver.
struct Dns01Propagation {
    std::chrono::seconds wait{0};      // one pause after the records are added
    std::optional<DnsServer> resolver; // then poll it; none = no polling
};

// Error(usage) for a resolver that is not ADDR[:PORT] or a negative wait.
Dns01Propagation dns01_propagation(std::chrono::seconds wait, const std::string& resolver);

// The pause, then the polling. Throws Error(timeout) when the pause does not
// fit before deadline or the resolver does not serve the records by then.
void wait_for_propagation(const Dns01Propagation& propagation,
                          const std::vector<Dns01Record>& records, Dns01Clock::time_point deadline,
                          Logger& log);

} // namespace acme::challenge
