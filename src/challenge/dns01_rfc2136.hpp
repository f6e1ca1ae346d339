// dns-01 by RFC 2136 dynamic update with TSIG (--dns-rfc2136 SERVER[:PORT]
// --tsig-key FILE): drives nsupdate(1) from Debian's bind9-dnsutils, without
// a shell, its commands on stdin. ready() adds every TXT record in one run,
// polls the server until it serves them all, then waits as --dns-wait and
// --dns-resolver ask; end() deletes them in one more run, also after failures.
#pragma once

#include "challenge/dns01_common.hpp"
#include "challenge/solver.hpp"
#include "common/log.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace acme::challenge {

struct Dns01Rfc2136Options {
    std::string server;   // ADDR[:PORT] (port 53 by default), an IP literal
    std::string tsig_key; // a key file nsupdate -k reads (tsig-keygen's output)
    // The zone to update; "" = nsupdate asks the server for the SOA of each
    // record name (one update per record, so names may be in several zones).
    std::string zone;
    std::chrono::seconds wait{0}; // --dns-wait
    std::string resolver;         // --dns-resolver ADDR[:PORT]; "" = none
    std::string program = "nsupdate";
    // Of the order: bounds nsupdate and the waiting.
    std::chrono::steady_clock::time_point deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(300);
};

// The checks the constructor makes, before any network: Error(usage) for a
// server that is not ADDR[:PORT], a key file that is missing or unreadable, a
// zone that is not a DNS name, a bad resolver or wait, or no `program` in PATH
// (naming the package that has nsupdate).
void check_dns01_rfc2136_options(const Dns01Rfc2136Options& options);

// nsupdate's input for op "add" or "delete" of records at server (without
// zone: one `send` per record, so nsupdate finds each record's zone by asking
// server; with it: one update). Throws Error(protocol) for a name or value
// that could smuggle a command in (anything but DNS name and base64url bytes).
std::string nsupdate_script(const DnsServer& server, const std::string& zone, const std::string& op,
                            const std::vector<Dns01Record>& records);

// nsupdate's output on one printable line ("update failed: NOTAUTH(BADSIG)"
// after the lines it comes from), at most ~300 characters.
std::string nsupdate_message(const std::string& output);

class Dns01Rfc2136 : public Solver {
  public:
    // Throws what check_dns01_rfc2136_options throws.
    Dns01Rfc2136(Dns01Rfc2136Options options, Logger& log);
    std::string challenge_type() const override { return "dns-01"; }
    // Records the task's TXT record (nothing runs yet). Throws
    // Error(protocol) for an identifier that is not a DNS name.
    void present(const ChallengeTask& task) override;
    // Adds every record; throws Error(hook) with nsupdate's message when the
    // update fails, Error(timeout) when the records are not visible in time.
    void ready() override;
    // Marks the task's record for deletion.
    void cleanup(const ChallengeTask& task) noexcept override;
    // Deletes the marked records that ready() tried to add; failures are logged.
    void end() noexcept override;

  private:
    // Runs nsupdate for op on records; returns "" on success, else why not.
    std::string update(const std::string& op, const std::vector<Dns01Record>& records);

    DnsServer m_server;
    std::string m_zone;
    std::string m_tsig_key;
    std::string m_program;
    Dns01Propagation m_propagation;
    std::chrono::steady_clock::time_point m_deadline;
    Logger& m_log;
    std::vector<Dns01Record> m_records;   // presented, not cleaned up yet
    std::vector<Dns01Record> m_to_delete; // cleaned up, to delete in end()
    bool m_added = false;                 // ready() ran nsupdate: there may be records
};

} // namespace acme::challenge
