#include "challenge/dns01_rfc2136.hpp"

#include "challenge/identifier.hpp"
#include "challenge/tsig_key.hpp"
#include "common/error.hpp"
#include "process/runner.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace acme::challenge {

namespace {

constexpr int k_ttl = 60;
constexpr std::size_t k_max_message = 300;
constexpr off_t k_max_key_file = 64 * 1024;

bool is_base64url(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

// An absolute name, so nsupdate appends no origin.
std::string absolute(std::string name) {
    if (name.back() != '.')
        name += '.';
    return name;
}

// nsupdate reads words separated by spaces and lines: a name or value with
// anything but these bytes must never reach it.
void require_plain(const Dns01Record& record) {
    if (!is_dns_name(record.fqdn) || !is_base64url(record.value)) {
        throw Error(ErrorKind::protocol,
                    "refusing to pass the TXT record '" + printable(record.fqdn) + "' to nsupdate");
    }
}

std::string update_line(const std::string& op, const Dns01Record& record) {
    require_plain(record);
    const auto ttl = op == "add" ? " " + std::to_string(k_ttl) + " IN" : std::string();
    return "update " + op + " " + absolute(record.fqdn) + ttl + " TXT \"" + record.value + "\"\n";
}

// Error(usage) unless path names a regular file this process can read that
// holds a TSIG key (parse_tsig_key).
void require_readable_file(const std::string& path) {
    if (path.empty())
        throw Error(ErrorKind::usage, "--dns-rfc2136 needs a TSIG key file (--tsig-key FILE)");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorKind::usage, "cannot read the TSIG key file " + printable(path) + ": " +
                                          std::system_category().message(errno));
    }
    struct stat st {};
    const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    std::string text;
    if (regular && st.st_size <= k_max_key_file) {
        text.resize(static_cast<std::size_t>(st.st_size));
        const auto got = ::read(fd, text.data(), text.size());
        text.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
    }
    ::close(fd);
    if (!regular)
        throw Error(ErrorKind::usage, "the TSIG key file " + printable(path) + " is not a file");
    parse_tsig_key(text, printable(path)); // a key nsupdate would refuse fails before the order
}

} // namespace

void check_dns01_rfc2136_options(const Dns01Rfc2136Options& options) {
    parse_dns_server(options.server);
    require_readable_file(options.tsig_key);
    if (!options.zone.empty() && !is_dns_name(options.zone))
        throw Error(ErrorKind::usage, "invalid DNS zone '" + printable(options.zone) + "'");
    dns01_propagation(options.wait, options.resolver);
    if (process::find_program(options.program).empty()) {
        throw Error(ErrorKind::usage, options.program + " is not installed (not found in PATH): " +
                                          "--dns-rfc2136 needs it, from Debian's bind9-dnsutils");
    }
}

std::string nsupdate_script(const DnsServer& server, const std::string& zone, const std::string& op,
                            const std::vector<Dns01Record>& records) {
    if (!is_ip_address(server.address) || (!zone.empty() && !is_dns_name(zone)))
        throw Error(ErrorKind::protocol, "refusing to pass a bad server or zone to nsupdate");
    std::string script = "server " + server.address + " " + std::to_string(server.port) + "\n";
    if (!zone.empty())
        script += "zone " + absolute(zone) + "\n";
    for (const auto& record : records) {
        script += update_line(op, record);
        if (zone.empty())
            script += "send\n";
    }
    if (!zone.empty())
        script += "send\n";
    return script;
}

std::string nsupdate_message(const std::string& output) {
    std::string joined;
    std::size_t start = 0;
    while (start < output.size()) {
        auto end = std::min(output.find('\n', start), output.size());
        auto line = std::string_view(output).substr(start, end - start);
        start = end + 1;
        while (!line.empty() && (line.front() == ';' || line.front() == ' '))
            line.remove_prefix(1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.remove_suffix(1);
        if (!line.empty())
            joined += (joined.empty() ? "" : " / ") + std::string(line);
    }
    std::string out;
    for (const char c : joined.substr(0, k_max_message))
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    return joined.size() > k_max_message ? out + "..." : out;
}

Dns01Rfc2136::Dns01Rfc2136(Dns01Rfc2136Options options, Logger& log)
    : m_deadline(options.deadline), m_log(log) {
    check_dns01_rfc2136_options(options);
    m_server = parse_dns_server(options.server);
    m_zone = options.zone;
    m_tsig_key = options.tsig_key;
    m_program = options.program;
    m_propagation = dns01_propagation(options.wait, options.resolver);
}

std::string Dns01Rfc2136::update(const std::string& op, const std::vector<Dns01Record>& records) {
    const auto script = nsupdate_script(m_server, m_zone, op, records);
    const auto timeout = helper_timeout(m_deadline);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
    // nsupdate's own timeout comes first, so its message says what went wrong.
    const std::vector<std::string> argv = {m_program, "-k", m_tsig_key, "-t",
                                           std::to_string(std::max<long long>(1, seconds - 2))};
    const auto result = process::run_hook(argv, {}, timeout, script);
    if (result.ok())
        return {};
    if (!result.started)
        return result.error + " (nsupdate is in Debian's bind9-dnsutils)";
    const auto message = nsupdate_message(result.output);
    return message.empty() ? failure_text(result) : message;
}

void Dns01Rfc2136::present(const ChallengeTask& task) {
    auto record = dns01_record(task);
    require_plain(record);
    m_records.push_back(std::move(record));
}

void Dns01Rfc2136::ready() {
    m_added = true; // from here on, end() deletes what may have been added
    m_log.info("Adding " + std::to_string(m_records.size()) + " TXT record(s) at " +
               to_string(m_server) + " by RFC 2136 update");
    const auto failure = update("add", m_records);
    if (!failure.empty()) {
        throw Error(ErrorKind::hook, "the DNS server " + to_string(m_server) +
                                         " did not add the TXT records: " + failure);
    }
    wait_until_visible(m_server, m_records, m_deadline, m_log);
    wait_for_propagation(m_propagation, m_records, m_deadline, m_log);
}

void Dns01Rfc2136::cleanup(const ChallengeTask& task) noexcept {
    const auto found = find_record(m_records, task);
    if (found == m_records.end())
        return;
    try {
        m_to_delete.push_back(*found);
    } catch (...) {
    }
    m_records.erase(found);
}

void Dns01Rfc2136::end() noexcept {
    if (!m_added || m_to_delete.empty())
        return;
    try {
        m_log.info("Deleting the TXT record(s) at " + to_string(m_server));
        const auto failure = update("delete", m_to_delete);
        if (!failure.empty()) {
            m_log.warn("the DNS server " + to_string(m_server) +
                       " did not delete the TXT records: " + failure);
        }
    } catch (const std::exception& e) {
        try {
            m_log.warn(std::string("nsupdate could not run for cleanup: ") + e.what());
        } catch (...) {
        }
    }
    m_to_delete.clear();
}

} // namespace acme::challenge
