// dns-01 through a hook, and the tiny TXT query used to wait for propagation.
#include "challenge/dns01_hook.hpp"
#include "challenge/dns01_rfc2136.hpp"
#include "challenge/dns_txt_query.hpp"
#include "challenge/tsig_key.hpp"
#include "common/error.hpp"
#include "loopback_server.hpp"
#include "shell_helpers.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <sys/stat.h>

using acme::Error;
using acme::ErrorKind;
using acme::NullLogger;
using acme::challenge::ChallengeTask;
using acme::challenge::Dns01Hook;
using acme::challenge::Dns01HookOptions;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const ChallengeTask k_task{"dns.example", "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA",
                           "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA."
                           "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"};
const std::string k_value = "lCM7cZyQXcVHK2nnW3jjAhNT3Fvm18UN-kWZZknKoYM";

template <typename Call> Error error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no acme::Error thrown");
    throw std::logic_error("unreachable");
}

void put16(std::string& out, unsigned v) {
    out.push_back(static_cast<char>((v >> 8) & 0xff));
    out.push_back(static_cast<char>(v & 0xff));
}

std::string txt_rdata(const std::vector<std::string>& strings) {
    std::string out;
    for (const auto& s : strings) {
        out.push_back(static_cast<char>(s.size()));
        out += s;
    }
    return out;
}

// A DNS answer to `query`: its question copied, then one TXT record per text
// (owner: a pointer to the question's name).
std::string answer_for(std::string_view query, const std::vector<std::string>& texts,
                       unsigned flags = 0x8180) {
    std::size_t end = 12;
    while (end < query.size() && query[end] != 0)
        end += 1 + static_cast<unsigned char>(query[end]);
    end += 5; // root label, QTYPE, QCLASS
    std::string out(query.substr(0, 2));
    put16(out, flags);
    put16(out, 1);
    put16(out, static_cast<unsigned>(texts.size()));
    put16(out, 0);
    put16(out, 0);
    out += query.substr(12, end - 12);
    for (const auto& text : texts) {
        put16(out, 0xc00c);
        put16(out, 16);
        put16(out, 1);
        put16(out, 0);
        put16(out, 60);
        const auto rdata = txt_rdata({text});
        put16(out, static_cast<unsigned>(rdata.size()));
        out += rdata;
    }
    return out;
}

// A UDP DNS server on 127.0.0.1 answering every TXT query with `texts`
// (changeable while it runs); with truncate, it sets TC over UDP and serves
// the full answer over TCP on the same port.
class FakeDns {
  public:
    explicit FakeDns(bool truncate = false) : m_truncate(truncate) {
        m_udp = acme::test::Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        auto address = acme::test::loopback_address(0);
        REQUIRE(::bind(m_udp.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        m_port = acme::test::bound_port(m_udp.get());
        if (truncate) {
            m_tcp = acme::test::Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
            auto same = acme::test::loopback_address(m_port);
            REQUIRE(::bind(m_tcp.get(), reinterpret_cast<sockaddr*>(&same), sizeof same) == 0);
            REQUIRE(::listen(m_tcp.get(), 4) == 0);
        }
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeDns() {
        m_stop = true;
        m_thread.join();
    }
    FakeDns(const FakeDns&) = delete;
    FakeDns& operator=(const FakeDns&) = delete;
    int port() const { return m_port; }
    void set(std::vector<std::string> texts) {
        const std::lock_guard lock(m_mutex);
        m_texts = std::move(texts);
    }
    int queries() const { return m_queries; }

  private:
    std::vector<std::string> texts() {
        const std::lock_guard lock(m_mutex);
        return m_texts;
    }
    void serve() {
        while (!m_stop) {
            pollfd fds[2] = {{m_udp.get(), POLLIN, 0}, {m_tcp.get(), POLLIN, 0}};
            if (::poll(fds, m_tcp.get() >= 0 ? 2 : 1, 50) <= 0)
                continue;
            if (fds[0].revents & POLLIN)
                answer_udp();
            if (m_tcp.get() >= 0 && (fds[1].revents & POLLIN))
                answer_tcp();
        }
    }
    void answer_udp() {
        char buffer[1500];
        sockaddr_storage from{};
        socklen_t length = sizeof from;
        const auto n = ::recvfrom(m_udp.get(), buffer, sizeof buffer, 0,
                                  reinterpret_cast<sockaddr*>(&from), &length);
        if (n <= 0)
            return;
        ++m_queries;
        const std::string_view query(buffer, static_cast<std::size_t>(n));
        const auto reply = m_truncate ? answer_for(query, {}, 0x8380) : answer_for(query, texts());
        ::sendto(m_udp.get(), reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from),
                 length);
    }
    void answer_tcp() {
        acme::test::Fd client(::accept(m_tcp.get(), nullptr, nullptr));
        char buffer[1500];
        std::size_t have = 0;
        auto wanted = [&] {
            return have < 2 ? std::size_t{2}
                            : 2 + (std::size_t{static_cast<unsigned char>(buffer[0])} << 8 |
                                   static_cast<unsigned char>(buffer[1]));
        };
        for (int i = 0; i < 100 && have < wanted(); ++i) {
            const auto n = ::recv(client.get(), buffer + have, sizeof buffer - have, 0);
            if (n <= 0)
                return;
            have += static_cast<std::size_t>(n);
        }
        ++m_queries;
        const auto reply = answer_for(std::string_view(buffer + 2, have - 2), texts());
        std::string framed;
        put16(framed, static_cast<unsigned>(reply.size()));
        framed += reply;
        ::send(client.get(), framed.data(), framed.size(), MSG_NOSIGNAL);
    }

    bool m_truncate;
    acme::test::Fd m_udp;
    acme::test::Fd m_tcp;
    int m_port = 0;
    std::mutex m_mutex;
    std::vector<std::string> m_texts;
    std::atomic<int> m_queries{0};
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

// A hook script that appends "<args> env:<FQDN>|<VALUE>|<DOMAIN>"
// to log and exits with the status in the file `status` (0 when absent).
struct HookScript {
    acme::test::TempDir dir;
    fs::path script = dir.path() / "hook.sh";
    fs::path log = dir.path() / "calls.log";

    HookScript() {
        std::ofstream out(script);
        out << "#!/bin/sh\n"
            << "echo \"$* env:$ACMECTL_DNS_FQDN|$ACMECTL_DNS_VALUE|$ACMECTL_DOMAIN\" >> '"
            << log.string() << "'\n"
            << "status=$(cat '" << (dir.path() / "status").string() << "' 2>/dev/null || echo 0)\n"
            << "if [ \"$status\" != 0 ]; then echo 'zone example. not found' >&2; fi\n"
            << "exit \"$status\"\n";
        out.close();
        ::chmod(script.c_str(), 0755);
    }
    void fail_with(int status) const { std::ofstream(dir.path() / "status") << status << "\n"; }
    std::string calls() const { return fs::exists(log) ? acme::test::slurp(log) : ""; }
    Dns01HookOptions options(const std::string& extra = "") const {
        Dns01HookOptions o;
        o.command = script.string() + extra;
        o.deadline = Clock::now() + std::chrono::seconds(30);
        return o;
    }
};

} // namespace

TEST_CASE("dns-01 record name and value (RFC 8555 §8.4)", "[challenge][dns]") {
    using acme::challenge::dns01_record_name;
    CHECK(dns01_record_name("dns.example") == "_acme-challenge.dns.example");
    CHECK(dns01_record_name("*.dns.example") == "_acme-challenge.dns.example");
    CHECK(dns01_record_name("dns.example.") == "_acme-challenge.dns.example");
    CHECK(acme::challenge::dns01_txt_value(k_task.key_authorization) == k_value);
    for (const char* bad : {"a\nb.example", "a b.example", "../etc", "a/b.example", "", "*.",
                            "a..b", "x\x01.example", "*.*.example"}) {
        CHECK(error_of([&] { dns01_record_name(bad); }).kind() == ErrorKind::protocol);
    }
}

TEST_CASE("the dns hook adds and deletes each record, with its environment", "[challenge][dns]") {
    HookScript hook;
    NullLogger log;
    Dns01Hook solver(hook.options(" --zone 'my zone'"), log);
    CHECK(solver.challenge_type() == "dns-01");
    ChallengeTask wildcard = k_task;
    wildcard.token = "other";
    wildcard.key_authorization = "other.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    solver.begin();
    solver.present(k_task);
    solver.present(wildcard); // *.dns.example: the same name, another value
    solver.ready();
    auto calls = hook.calls();
    const auto other = acme::challenge::dns01_txt_value(wildcard.key_authorization);
    // The script sees its own arguments first: "--zone" "my zone" split without a shell.
    const std::string fqdn = "_acme-challenge.dns.example";
    CHECK(calls == "--zone my zone add " + fqdn + " " + k_value + " env:" + fqdn + "|" + k_value +
                       "|dns.example\n"
                       "--zone my zone add " +
                       fqdn + " " + other + " env:" + fqdn + "|" + other + "|dns.example\n");
    solver.cleanup(k_task);
    solver.cleanup(wildcard);
    solver.cleanup(wildcard); // a second cleanup runs nothing
    solver.end();
    calls = hook.calls();
    CHECK(calls.find("del _acme-challenge.dns.example " + k_value +
                     " env:_acme-challenge.dns.example|" + k_value + "|dns.example") !=
          std::string::npos);
    CHECK(calls.find("del _acme-challenge.dns.example " + other) != std::string::npos);
    CHECK(std::count(calls.begin(), calls.end(), '\n') == 4);
}

TEST_CASE("a failing dns hook fails the order, and del still runs", "[challenge][dns]") {
    HookScript hook;
    NullLogger log;
    Dns01Hook solver(hook.options(), log);
    hook.fail_with(3);
    auto e = error_of([&] { solver.present(k_task); });
    CHECK(e.kind() == ErrorKind::hook);
    CHECK_THAT(e.what(), Catch::Contains("_acme-challenge.dns.example") &&
                             Catch::Contains("exit status 3") &&
                             Catch::Contains("zone example. not found"));
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
    solver.cleanup(k_task);
    CHECK_THAT(hook.calls(), Catch::Contains("del _acme-challenge.dns.example " + k_value));
}

TEST_CASE("a missing dns hook program is refused before any order", "[challenge][dns]") {
    NullLogger log;
    HookScript hook;
    for (const std::string bad : {"/nonexistent/acmectl-hook", "acmectl-no-such-hook add"}) {
        Dns01HookOptions o;
        o.command = bad;
        auto e = error_of([&] { acme::challenge::check_dns01_hook_options(o); });
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("does not exist or is not executable"));
    }
    ::chmod(hook.script.c_str(), 0644); // there, but not executable
    auto e = error_of([&] { Dns01Hook(hook.options(), log); });
    CHECK_THAT(e.what(), Catch::Contains(hook.script.string()));
}

namespace {

struct RecordingLogger : acme::Logger {
    std::vector<std::pair<acme::LogLevel, std::string>> lines;
    void log(acme::LogLevel level, const std::string& message) override {
        lines.emplace_back(level, message);
    }
    int warnings() const {
        return static_cast<int>(std::count_if(lines.begin(), lines.end(), [](const auto& l) {
            return l.first == acme::LogLevel::warn;
        }));
    }
};

} // namespace

TEST_CASE("a failed add is reported alone, without a warning about its del", "[challenge][dns]") {
    HookScript hook;
    RecordingLogger log;
    Dns01Hook solver(hook.options(), log);
    hook.fail_with(3); // add and del both fail
    CHECK(error_of([&] { solver.present(k_task); }).kind() == ErrorKind::hook);
    solver.cleanup(k_task);
    CHECK_THAT(hook.calls(), Catch::Contains("del _acme-challenge.dns.example"));
    CHECK(log.warnings() == 0);
    // A record that was added and then cannot be deleted is worth a warning.
    HookScript other;
    RecordingLogger log2;
    Dns01Hook added(other.options(), log2);
    added.present(k_task);
    other.fail_with(4);
    added.cleanup(k_task);
    CHECK(log2.warnings() == 1);
}

TEST_CASE("TSIG key files are parsed before any order", "[challenge][dns][tsig]") {
    using acme::challenge::parse_tsig_key;
    auto key = parse_tsig_key(
        "key \"acme\" {\n\talgorithm hmac-sha256;\n\tsecret \"c2VjcmV0\";\n};\n", "k");
    CHECK(key.name == "acme");
    CHECK(key.algorithm == "hmac-sha256");
    CHECK(
        parse_tsig_key("# tsig-keygen\nkey acme { secret \"AAAA\"; algorithm hmac-sha512; };", "k")
            .algorithm == "hmac-sha512");
    CHECK(parse_tsig_key("Private-key-format: v1.3\nAlgorithm: 165 (HMAC_SHA512)\n", "k")
              .name.empty());
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"", "no 'key"},
        {"secret \"AAAA\";", "no 'key"},
        {"key \"a\" { algorithm hmac-sha256; };", "no secret"},
        {"key \"a\" { secret \"AAAA\"; };", "no algorithm"},
        {"key \"a\" { algorithm rot13; secret \"AAAA\"; };", "unknown algorithm rot13"},
        {"key \"a\" { algorithm hmac-sha256; secret \"not base64!\"; };", "not base64"},
        {"key \"a\" { algorithm hmac-sha256; secret \"AAAA\";", "no '}'"},
        {"key \"a\" { algorithm hmac-sha256 secret \"AAAA\"; };", "unexpected"},
    };
    for (const auto& [text, why] : bad) {
        auto e = error_of([&] { parse_tsig_key(text, "/etc/acmectl/tsig.key"); });
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains(why) && Catch::Contains("/etc/acmectl/tsig.key"));
    }
}

TEST_CASE("what could escape is refused before the dns hook runs", "[challenge][dns][escape]") {
    HookScript hook;
    NullLogger log;
    SECTION("identifiers from the CA") {
        Dns01Hook solver(hook.options(), log);
        for (const char* bad : {"a\nb.example", "evil.example\n; rm -rf /", "../../etc",
                                "a b.example", "-rf.example/x", "dns.example\t"}) {
            ChallengeTask task = k_task;
            task.identifier = bad;
            CHECK(error_of([&] { solver.present(task); }).kind() == ErrorKind::protocol);
            solver.cleanup(task);
        }
        CHECK_FALSE(fs::exists(hook.log)); // neither add nor del ran
    }
    SECTION("control characters in the hook command") {
        for (const char* bad : {"hook\x01", "hook\x1b[31m", "hook\x7f", "'hook\nrm'"}) {
            Dns01HookOptions o = hook.options();
            o.command = hook.script.string() + " " + bad;
            auto e = error_of([&] { Dns01Hook(o, log); });
            CHECK(e.kind() == ErrorKind::usage);
            CHECK_THAT(e.what(), Catch::Contains("control character"));
        }
        Dns01HookOptions empty;
        CHECK(error_of([&] { Dns01Hook(empty, log); }).kind() == ErrorKind::usage);
        Dns01HookOptions unterminated;
        unterminated.command = "hook 'add";
        CHECK(error_of([&] { Dns01Hook(unterminated, log); }).kind() == ErrorKind::usage);
    }
    SECTION("a bad resolver") {
        for (const char* bad :
             {"ns.example", "127.0.0.1:0", "127.0.0.1:70000", "[::1", "1.2.3.4:x"}) {
            Dns01HookOptions o = hook.options();
            o.resolver = bad;
            CHECK(error_of([&] { Dns01Hook(o, log); }).kind() == ErrorKind::usage);
        }
    }
}

TEST_CASE("DNS server addresses", "[challenge][dns]") {
    using acme::challenge::parse_dns_server;
    CHECK(to_string(parse_dns_server("127.0.0.1")) == "127.0.0.1:53");
    CHECK(to_string(parse_dns_server("127.0.0.1:8053")) == "127.0.0.1:8053");
    CHECK(to_string(parse_dns_server("::1")) == "[::1]:53");
    CHECK(to_string(parse_dns_server("[::1]:5353")) == "[::1]:5353");
    CHECK(parse_dns_server("[2001:db8::53]").address == "2001:db8::53");
}

TEST_CASE("TXT query wire format (RFC 1035 §4)", "[challenge][dns]") {
    using acme::challenge::encode_txt_query;
    using acme::challenge::parse_txt_response;
    const auto query = encode_txt_query(0x1234, "_acme-challenge.a.example.");
    const std::string head("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x01", 12);
    const std::string question("\x0f_acme-challenge\x01"
                               "a\x07"
                               "example\x00\x00\x10\x00\x01",
                               31);
    const std::string opt("\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00", 11);
    CHECK(query == head + question + opt);
    CHECK(error_of([] { encode_txt_query(1, "a..b"); }).kind() == ErrorKind::usage);
    CHECK(error_of([] { encode_txt_query(1, std::string(64, 'a') + ".example"); }).kind() ==
          ErrorKind::usage);

    auto answer = answer_for(query, {"one", "two"});
    auto parsed = parse_txt_response(answer, 0x1234);
    CHECK(parsed.rcode == 0);
    CHECK_FALSE(parsed.truncated);
    CHECK(parsed.texts == std::vector<std::string>{"one", "two"});
    // a record split in several character-strings is joined
    auto split = answer_for(query, {});
    split[7] = 1; // ANCOUNT
    split += std::string("\xc0\x0c\x00\x10\x00\x01\x00\x00\x00\x3c\x00\x07", 12) +
             txt_rdata({"ab", "cde"});
    CHECK(parse_txt_response(split, 0x1234).texts == std::vector<std::string>{"abcde"});
    CHECK(parse_txt_response(answer_for(query, {}, 0x8183), 0x1234).rcode == 3);

    CHECK(error_of([&] { parse_txt_response(answer, 0x9999); }).kind() == ErrorKind::protocol);
    CHECK(error_of([&] { parse_txt_response(query, 0x1234); }).kind() == ErrorKind::protocol);
    for (std::size_t cut = 0; cut < answer.size(); ++cut) { // every truncation is caught
        CHECK_THROWS_AS(parse_txt_response(answer.substr(0, cut), 0x1234), Error);
    }
}

TEST_CASE("TXT queries against a loopback DNS server", "[challenge][dns]") {
    using acme::challenge::DnsServer;
    using acme::challenge::query_txt;
    using std::chrono::milliseconds;
    SECTION("UDP") {
        FakeDns dns;
        dns.set({"v1", "v2"});
        CHECK(query_txt(DnsServer{"127.0.0.1", dns.port()}, "_acme-challenge.a.example",
                        milliseconds(2000)) == std::vector<std::string>{"v1", "v2"});
    }
    SECTION("truncated over UDP: asked again over TCP") {
        FakeDns dns(true);
        dns.set({"big"});
        CHECK(query_txt(DnsServer{"127.0.0.1", dns.port()}, "a.example", milliseconds(2000)) ==
              std::vector<std::string>{"big"});
        CHECK(dns.queries() == 2);
    }
    SECTION("nobody answers: a timeout, bounded") {
        acme::test::Fd silent(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        auto address = acme::test::loopback_address(0);
        REQUIRE(::bind(silent.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        const auto start = Clock::now();
        auto e = error_of([&] {
            query_txt(DnsServer{"127.0.0.1", acme::test::bound_port(silent.get())}, "a.example",
                      milliseconds(300));
        });
        CHECK(e.kind() == ErrorKind::timeout);
        CHECK(Clock::now() - start < std::chrono::seconds(2));
    }
}

TEST_CASE("ready() polls the resolver until the records are visible", "[challenge][dns]") {
    HookScript hook;
    NullLogger log;
    FakeDns dns;
    SECTION("visible after a while") {
        auto o = hook.options();
        o.resolver = "127.0.0.1:" + std::to_string(dns.port());
        Dns01Hook solver(o, log);
        solver.present(k_task);
        dns.set({"stale"});
        std::thread later([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            dns.set({"stale", k_value});
        });
        solver.ready();
        later.join();
        CHECK(dns.queries() >= 2);
    }
    SECTION("never visible: a timeout at the order's deadline") {
        auto o = hook.options();
        o.resolver = "127.0.0.1:" + std::to_string(dns.port());
        o.deadline = Clock::now() + std::chrono::seconds(3);
        Dns01Hook solver(o, log);
        solver.present(k_task);
        dns.set({"wrong"});
        auto e = error_of([&] { solver.ready(); });
        CHECK(e.kind() == ErrorKind::timeout);
        CHECK_THAT(e.what(), Catch::Contains("_acme-challenge.dns.example") &&
                                 Catch::Contains("127.0.0.1:" + std::to_string(dns.port())));
        CHECK(Clock::now() < o.deadline + std::chrono::seconds(1));
    }
    SECTION("a wait that does not fit the deadline") {
        auto o = hook.options();
        o.wait = std::chrono::seconds(60);
        o.deadline = Clock::now() + std::chrono::seconds(10);
        Dns01Hook solver(o, log);
        solver.present(k_task);
        CHECK(error_of([&] { solver.ready(); }).kind() == ErrorKind::timeout);
    }
    SECTION("a short wait") {
        auto o = hook.options();
        o.wait = std::chrono::seconds(1);
        Dns01Hook solver(o, log);
        solver.present(k_task);
        const auto start = Clock::now();
        solver.ready();
        CHECK(Clock::now() - start >= std::chrono::seconds(1));
    }
}

// ------------------------------------------------------------- RFC 2136

namespace {

using acme::challenge::Dns01Record;
using acme::challenge::Dns01Rfc2136;
using acme::challenge::Dns01Rfc2136Options;

// A fake nsupdate: appends its arguments, then its stdin, to log; prints
// nsupdate-like lines and exits 2 when the file `status` says so.
struct FakeNsupdate {
    acme::test::TempDir dir;
    fs::path program = dir.path() / "nsupdate";
    fs::path key = dir.path() / "tsig.key";
    fs::path log = dir.path() / "calls.log";

    FakeNsupdate() {
        std::ofstream(key) << "key \"acme\" { algorithm hmac-sha256; secret \"AAAA\"; };\n";
        std::ofstream out(program);
        out << "#!/bin/sh\n"
            << "echo \"args: $*\" >> '" << log.string() << "'\n"
            << "cat >> '" << log.string() << "'\n"
            << "if [ -e '" << (dir.path() / "status").string() << "' ]; then\n"
            << "  echo '; TSIG error with server: tsig indicates error'\n"
            << "  echo 'update failed: NOTAUTH(BADSIG)'; exit 2\nfi\n";
        out.close();
        ::chmod(program.c_str(), 0755);
    }
    void fail() const { std::ofstream(dir.path() / "status") << "2\n"; }
    std::string calls() const { return fs::exists(log) ? acme::test::slurp(log) : ""; }
    Dns01Rfc2136Options options(int port) const {
        Dns01Rfc2136Options o;
        o.server = "127.0.0.1:" + std::to_string(port);
        o.tsig_key = key.string();
        o.program = program.string();
        o.deadline = Clock::now() + std::chrono::seconds(30);
        return o;
    }
};

const Dns01Record k_record{"dns.example", k_task.key_authorization, "_acme-challenge.dns.example",
                           k_value};

} // namespace

TEST_CASE("nsupdate script: one send per record, or one update for a zone", "[challenge][dns]") {
    using acme::challenge::nsupdate_script;
    const acme::challenge::DnsServer server{"192.0.2.53", 5353};
    Dns01Record other = k_record;
    other.value = "other";
    CHECK(nsupdate_script(server, "", "add", {k_record, other}) ==
          "server 192.0.2.53 5353\n"
          "update add _acme-challenge.dns.example. 60 IN TXT \"" +
              k_value +
              "\"\nsend\n"
              "update add _acme-challenge.dns.example. 60 IN TXT \"other\"\nsend\n");
    CHECK(nsupdate_script(server, "example", "delete", {k_record}) ==
          "server 192.0.2.53 5353\nzone example.\n"
          "update delete _acme-challenge.dns.example. TXT \"" +
              k_value + "\"\nsend\n");
}

TEST_CASE("nsupdate script: names and values cannot smuggle commands", "[challenge][dns]") {
    using acme::challenge::nsupdate_script;
    const acme::challenge::DnsServer server{"192.0.2.53", 53};
    for (const char* fqdn : {"a.example\nsend", "a b.example", "a.example\" x", ""}) {
        Dns01Record bad = k_record;
        bad.fqdn = fqdn;
        CHECK(error_of([&] { nsupdate_script(server, "", "add", {bad}); }).kind() ==
              ErrorKind::protocol);
    }
    for (const char* value : {"abc\nupdate delete example. A", "a\"b", "a b", ""}) {
        Dns01Record bad = k_record;
        bad.value = value;
        CHECK(error_of([&] { nsupdate_script(server, "", "add", {bad}); }).kind() ==
              ErrorKind::protocol);
    }
    CHECK_THROWS(nsupdate_script(server, "ex ample", "add", {k_record}));
    CHECK_THROWS(nsupdate_script({"ns.example\nsend", 53}, "", "add", {k_record}));
}

TEST_CASE("nsupdate's output becomes one line", "[challenge][dns]") {
    using acme::challenge::nsupdate_message;
    CHECK(nsupdate_message("; TSIG error with server: tsig indicates error\n"
                           "update failed: NOTAUTH(BADSIG)\n") ==
          "TSIG error with server: tsig indicates error / update failed: NOTAUTH(BADSIG)");
    CHECK(nsupdate_message("\n\n") == "");
    CHECK(nsupdate_message(std::string(400, 'x')).size() == 303);
    CHECK(nsupdate_message("bad\x1b[31m") == "bad?[31m");
}

TEST_CASE("RFC 2136 options are checked before anything runs", "[challenge][dns]") {
    FakeNsupdate fake;
    auto o = fake.options(53);
    acme::challenge::check_dns01_rfc2136_options(o);
    auto bad = [&](auto change, const std::string& message) {
        auto copy = o;
        change(copy);
        auto e = error_of([&] { acme::challenge::check_dns01_rfc2136_options(copy); });
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains(message));
    };
    bad([&](auto& c) { c.tsig_key = (fake.dir.path() / "missing").string(); },
        "cannot read the TSIG key file");
    bad([&](auto& c) { c.tsig_key = fake.dir.path().string(); }, "is not a file");
    bad([](auto& c) { c.tsig_key = ""; }, "--tsig-key");
    bad([](auto& c) { c.server = "ns.example"; }, "invalid DNS server");
    bad([](auto& c) { c.zone = "a zone"; }, "invalid DNS zone");
    bad([](auto& c) { c.resolver = "x"; }, "invalid DNS server");
    bad([](auto& c) { c.program = "no-such-nsupdate"; }, "bind9-dnsutils");
}

TEST_CASE("RFC 2136: add all, wait until served, delete all at the end", "[challenge][dns]") {
    FakeNsupdate fake;
    FakeDns dns;
    NullLogger log;
    ChallengeTask wildcard = k_task;
    wildcard.key_authorization = "other.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
    const auto other = acme::challenge::dns01_txt_value(wildcard.key_authorization);
    dns.set({k_value, other});
    auto o = fake.options(dns.port());
    o.zone = "example";
    Dns01Rfc2136 solver(o, log);
    CHECK(solver.challenge_type() == "dns-01");
    solver.present(k_task);
    solver.present(wildcard);
    CHECK(fake.calls().empty()); // nothing runs before ready()
    solver.ready();
    CHECK(dns.queries() >= 2);
    const auto server = "server 127.0.0.1 " + std::to_string(dns.port()) + "\nzone example.\n";
    const std::string name = "_acme-challenge.dns.example.";
    const auto args = "args: -k " + fake.key.string() + " -t ";
    auto calls = fake.calls();
    CHECK(calls.starts_with(args));
    CHECK_THAT(calls,
               Catch::EndsWith(server + "update add " + name + " 60 IN TXT \"" + k_value +
                               "\"\nupdate add " + name + " 60 IN TXT \"" + other + "\"\nsend\n"));
    solver.cleanup(k_task);
    solver.cleanup(wildcard);
    solver.cleanup(wildcard);
    solver.end();
    calls = fake.calls().substr(calls.size());
    CHECK_THAT(calls,
               Catch::EndsWith(server + "update delete " + name + " TXT \"" + k_value +
                               "\"\nupdate delete " + name + " TXT \"" + other + "\"\nsend\n"));
    CHECK(std::count(calls.begin(), calls.end(), '\n') == 6);
}

TEST_CASE("RFC 2136: a refused update fails with nsupdate's message, and cleans up",
          "[challenge][dns]") {
    FakeNsupdate fake;
    NullLogger log;
    Dns01Rfc2136 solver(fake.options(53), log);
    fake.fail();
    solver.present(k_task);
    auto e = error_of([&] { solver.ready(); });
    CHECK(e.kind() == ErrorKind::hook);
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:53 did not add the TXT records") &&
                             Catch::Contains("update failed: NOTAUTH(BADSIG)"));
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
    solver.cleanup(k_task);
    solver.end();
    CHECK_THAT(fake.calls(), Catch::Contains("update delete _acme-challenge.dns.example. TXT"));
}

TEST_CASE("RFC 2136: nothing is deleted when nothing was added", "[challenge][dns]") {
    FakeNsupdate fake;
    NullLogger log;
    Dns01Rfc2136 solver(fake.options(53), log);
    solver.present(k_task);
    solver.cleanup(k_task);
    solver.end();
    CHECK(fake.calls().empty());
}

TEST_CASE("certbot-style dns hooks: auth and cleanup commands, CERTBOT_* and no arguments",
          "[challenge][dns]") {
    acme::test::TempDir dir;
    const auto log_file = dir.path() / "calls.log";
    auto script = [&](const char* name) {
        const auto path = dir.path() / name;
        std::ofstream(path) << "#!/bin/sh\necho \"" << name
                            << " $# $CERTBOT_DOMAIN $CERTBOT_VALIDATION [$CERTBOT_TOKEN]\" >> '"
                            << log_file.string() << "'\n";
        ::chmod(path.c_str(), 0755);
        return path.string();
    };
    NullLogger log;
    Dns01HookOptions o;
    o.certbot_style = true;
    o.command = script("auth");
    o.cleanup_command = script("cleanup");
    o.deadline = Clock::now() + std::chrono::seconds(30);
    Dns01Hook solver(o, log);
    solver.begin();
    solver.present(k_task);
    solver.cleanup(k_task);
    solver.end();
    CHECK(acme::test::slurp(log_file) == "auth 0 dns.example " + k_value + " []\n" +
                                             "cleanup 0 dns.example " + k_value + " []\n");
}

TEST_CASE("certbot-style dns hooks are shell lines: an assignment or a compound command "
          "is accepted, a blank one refused",
          "[challenge][dns]") {
    acme::test::TempDir dir;
    const auto log_file = dir.path() / "calls.log";
    Dns01HookOptions o;
    o.certbot_style = true;
    o.deadline = Clock::now() + std::chrono::seconds(30);
    o.command =
        "ZONE=lab; cd '" + dir.path().string() + "' && echo \"$ZONE $CERTBOT_DOMAIN\" >> calls.log";
    CHECK_NOTHROW(acme::challenge::check_dns01_hook_options(o));
    NullLogger log;
    Dns01Hook solver(o, log);
    solver.begin();
    solver.present(k_task);
    solver.end();
    CHECK(acme::test::slurp(log_file) == "lab dns.example\n");
    o.command = "  ";
    CHECK_THROWS(acme::challenge::check_dns01_hook_options(o));
    o.certbot_style = false;
    o.command = "ZONE=lab /bin/true";
    CHECK_THROWS(
        acme::challenge::check_dns01_hook_options(o)); // acmectl's own hooks name a program
}
