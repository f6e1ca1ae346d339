#include "challenge/http01_responder.hpp"
#include "challenge/http01_standalone.hpp"
#include "challenge/http01_webroot.hpp"
#include "common/error.hpp"
#include "loopback_server.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using acme::Error;
using acme::ErrorKind;
using acme::challenge::ChallengeTask;
using acme::challenge::StandaloneHttp01;
using acme::challenge::WebrootHttp01;
using acme::test::raw_exchange;
namespace fs = std::filesystem;

namespace {

const ChallengeTask k_task{
    "example.com", "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0",
    "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"};

std::string get(const std::string& path, const std::string& method = "GET") {
    return method + " " + path + " HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n";
}

std::string challenge_path(const std::string& token) {
    return "/.well-known/acme-challenge/" + token;
}

std::string body_of(const std::string& reply) {
    const auto end = reply.find("\r\n\r\n");
    return end == std::string::npos ? "" : reply.substr(end + 4);
}

template <typename Call> Error error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no acme::Error thrown");
    throw std::logic_error("unreachable");
}

// A fresh folder under the temp dir, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "acmectl-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_mode & 07777;
}

} // namespace

// ---------------------------------------------------------------- responder

TEST_CASE("responder answers presented tokens, 404s the rest, 405s other methods", "[challenge]") {
    using acme::challenge::http01_answer;
    const acme::challenge::KeyAuthorizationLookup lookup =
        [](std::string_view token) -> std::optional<std::string> {
        if (token == k_task.token)
            return k_task.key_authorization;
        return std::nullopt;
    };
    const auto ok = http01_answer(get(challenge_path(k_task.token)), lookup);
    CHECK_THAT(ok, Catch::StartsWith("HTTP/1.1 200 OK\r\n") &&
                       Catch::Contains("Content-Type: text/plain\r\n") &&
                       Catch::Contains("Connection: close\r\n"));
    CHECK(body_of(ok) == k_task.key_authorization);
    // Absolute-form target, as a proxy-style client may send.
    CHECK(body_of(http01_answer(get("http://example.com" + challenge_path(k_task.token)),
                                lookup)) == k_task.key_authorization);
    const auto head = http01_answer(get(challenge_path(k_task.token), "HEAD"), lookup);
    CHECK_THAT(head, Catch::Contains("Content-Length: " +
                                     std::to_string(k_task.key_authorization.size())));
    CHECK(body_of(head).empty());
    CHECK_THAT(http01_answer(get(challenge_path("other")), lookup),
               Catch::StartsWith("HTTP/1.1 404 "));
    CHECK_THAT(http01_answer(get(challenge_path(k_task.token) + "/x"), lookup),
               Catch::StartsWith("HTTP/1.1 404 "));
    CHECK_THAT(http01_answer(get("/"), lookup), Catch::StartsWith("HTTP/1.1 404 "));
    const auto post = http01_answer(get(challenge_path(k_task.token), "POST"), lookup);
    CHECK_THAT(post, Catch::StartsWith("HTTP/1.1 405 ") && Catch::Contains("Allow: GET, HEAD\r\n"));
    CHECK_THAT(http01_answer("GET /\r\n\r\n", lookup), Catch::StartsWith("HTTP/1.1 400 "));
    CHECK_THAT(http01_answer("GET  / HTTP/1.1\r\n\r\n", lookup),
               Catch::StartsWith("HTTP/1.1 400 "));
    CHECK_THAT(http01_answer("GET / HTTP/2.0\r\n\r\n", lookup), Catch::StartsWith("HTTP/1.1 505 "));
}

TEST_CASE("request_head_end finds the blank line", "[challenge]") {
    using acme::challenge::request_head_end;
    CHECK(request_head_end("GET / HTTP/1.1\r\nHost: x\r\n") == std::string::npos);
    CHECK(request_head_end("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody") == 27);
    CHECK(request_head_end("GET / HTTP/1.0\n\n") == 16);
}

// ---------------------------------------------------------------- standalone

TEST_CASE("standalone serves a presented token and 404s after cleanup", "[challenge]") {
    const int port = acme::test::free_port();
    StandaloneHttp01 solver("127.0.0.1", port);
    CHECK(solver.challenge_type() == "http-01");
    solver.begin();
    solver.present(k_task);

    const auto reply = raw_exchange(port, get(challenge_path(k_task.token)));
    CHECK_THAT(reply, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
    CHECK(body_of(reply) == k_task.key_authorization);
    const auto head = raw_exchange(port, get(challenge_path(k_task.token), "HEAD"));
    CHECK_THAT(head, Catch::StartsWith("HTTP/1.1 200 OK\r\n"));
    CHECK(body_of(head).empty());
    CHECK_THAT(raw_exchange(port, get("/index.html")), Catch::StartsWith("HTTP/1.1 404 "));
    CHECK_THAT(raw_exchange(port, get(challenge_path("unknownToken"))),
               Catch::StartsWith("HTTP/1.1 404 "));
    CHECK_THAT(raw_exchange(port, "DELETE " + challenge_path(k_task.token) +
                                      " HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
               Catch::StartsWith("HTTP/1.1 405 "));
    CHECK_THAT(raw_exchange(port, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n"),
               Catch::StartsWith("HTTP/1.1 431 "));

    solver.cleanup(k_task);
    CHECK_THAT(raw_exchange(port, get(challenge_path(k_task.token))),
               Catch::StartsWith("HTTP/1.1 404 "));
    solver.end();
    CHECK(raw_exchange(port, get("/")).empty()); // nothing listens any more
}

TEST_CASE("standalone answers many concurrent clients, slow ones included", "[challenge]") {
    const int port = acme::test::free_port();
    StandaloneHttp01 solver("127.0.0.1", port);
    solver.begin();
    solver.present(k_task);
    // Idle connections that never send a byte must not block the others.
    std::vector<acme::test::Fd> idle;
    for (int i = 0; i < 5; ++i) {
        idle.emplace_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        auto address = acme::test::loopback_address(port);
        REQUIRE(::connect(idle.back().get(), reinterpret_cast<sockaddr*>(&address),
                          sizeof address) == 0);
    }
    std::vector<std::future<std::string>> replies;
    for (int i = 0; i < 40; ++i) {
        replies.push_back(std::async(std::launch::async, [port] {
            return raw_exchange(port, get(challenge_path(k_task.token)));
        }));
    }
    for (auto& reply : replies)
        CHECK(body_of(reply.get()) == k_task.key_authorization);
}

TEST_CASE("standalone: a busy port fails begin with usage, free again after end", "[challenge]") {
    const int port = acme::test::free_port();
    {
        StandaloneHttp01 first("127.0.0.1", port);
        first.begin();
        StandaloneHttp01 second("127.0.0.1", port);
        const auto error = error_of([&] { second.begin(); });
        CHECK(error.kind() == ErrorKind::usage);
        CHECK_THAT(error.what(), Catch::Contains("port " + std::to_string(port)) &&
                                     Catch::Contains("address already in use"));
        // A client that got its answer leaves a TIME_WAIT behind: no obstacle.
        first.present(k_task);
        CHECK(body_of(raw_exchange(port, get(challenge_path(k_task.token)))) ==
              k_task.key_authorization);
        first.end();
        second.begin();
        second.end();
    } // the destructors run end() again: harmless
    StandaloneHttp01 third("127.0.0.1", port);
    third.begin();
    third.present(k_task);
    CHECK(body_of(raw_exchange(port, get(challenge_path(k_task.token)))) ==
          k_task.key_authorization);
} // third's destructor stops its thread

TEST_CASE("standalone on every address also answers on 127.0.0.1", "[challenge]") {
    const int port = acme::test::free_port();
    StandaloneHttp01 solver("", port);
    solver.begin();
    solver.present(k_task);
    CHECK(body_of(raw_exchange(port, get(challenge_path(k_task.token)))) ==
          k_task.key_authorization);
    const auto error = error_of([&] { StandaloneHttp01("127.0.0.1", port).begin(); });
    CHECK_THAT(error.what(), Catch::Equals("cannot listen on 127.0.0.1 port " +
                                           std::to_string(port) + ": address already in use"));
}

TEST_CASE("standalone rejects bad addresses, ports and tokens", "[challenge]") {
    CHECK(error_of([] { StandaloneHttp01("not-an-ip", 5002).begin(); }).kind() == ErrorKind::usage);
    CHECK(error_of([] { StandaloneHttp01("127.0.0.1", 0).begin(); }).kind() == ErrorKind::usage);
    CHECK(error_of([] { StandaloneHttp01("127.0.0.1", 70000).begin(); }).kind() ==
          ErrorKind::usage);
    StandaloneHttp01 solver("127.0.0.1", acme::test::free_port());
    for (const auto* token :
         {"", "../../etc/passwd", "a/b", "tok.en", "tok%2e", "sp ace", "t\r\nX: y"}) {
        INFO(token);
        ChallengeTask task = k_task;
        task.token = token;
        const auto error = error_of([&] { solver.present(task); });
        CHECK(error.kind() == ErrorKind::protocol);
        solver.cleanup(task); // never throws
    }
}

// ---------------------------------------------------------------- webroot

TEST_CASE("webroot writes the token file 0644 and removes what it created", "[challenge]") {
    TempDir root;
    WebrootHttp01 solver(root.path());
    const auto old_umask = ::umask(077); // a strict umask must not make files unreadable
    solver.begin();
    solver.present(k_task);
    ::umask(old_umask);
    const auto dir = root.path() / ".well-known" / "acme-challenge";
    const auto file = dir / k_task.token;
    CHECK(read_file(file) == k_task.key_authorization);
    CHECK(mode_of(file) == 0644);
    CHECK(mode_of(dir) == 0755);
    CHECK(mode_of(root.path() / ".well-known") == 0755);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) ==
          1); // no temp file left

    ChallengeTask second = k_task;
    second.token = "second_token-2";
    second.key_authorization = "second_token-2.thumb";
    solver.present(second);
    solver.present(second); // again: replaced, not an error
    solver.cleanup(k_task);
    CHECK_FALSE(fs::exists(file));
    CHECK(read_file(dir / second.token) == second.key_authorization);
    solver.cleanup(second);
    solver.cleanup(second); // twice: harmless
    solver.end();
    CHECK_FALSE(fs::exists(root.path() / ".well-known"));
    CHECK(fs::exists(root.path()));
}

TEST_CASE("webroot keeps folders it did not create", "[challenge]") {
    TempDir root;
    fs::create_directories(root.path() / ".well-known");
    std::ofstream(root.path() / ".well-known" / "security.txt") << "Contact: x\n";
    {
        WebrootHttp01 solver(root.path());
        solver.begin();
        solver.present(k_task);
        solver.cleanup(k_task);
        solver.end();
        CHECK(fs::exists(root.path() / ".well-known" / "security.txt"));
        CHECK_FALSE(fs::exists(root.path() / ".well-known" / "acme-challenge"));
    }
    fs::create_directories(root.path() / ".well-known" / "acme-challenge");
    WebrootHttp01 solver(root.path());
    solver.begin();
    solver.present(k_task);
    solver.cleanup(k_task);
    solver.end();
    CHECK(fs::is_directory(root.path() / ".well-known" / "acme-challenge"));
}

TEST_CASE("webroot leaves a created folder that is still in use", "[challenge]") {
    TempDir root;
    WebrootHttp01 solver(root.path());
    solver.begin();
    solver.present(k_task);
    std::ofstream(root.path() / ".well-known" / "acme-challenge" / "someone-else") << "x";
    solver.cleanup(k_task);
    solver.end();
    CHECK(fs::exists(root.path() / ".well-known" / "acme-challenge" / "someone-else"));
}

TEST_CASE("webroot begin fails with usage for a missing root or a file", "[challenge]") {
    TempDir root;
    const auto missing = root.path() / "nope";
    auto error = error_of([&] { WebrootHttp01(missing).begin(); });
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(),
               Catch::Contains(missing.string()) && Catch::Contains("does not exist"));

    const auto file = root.path() / "file";
    std::ofstream(file) << "x";
    error = error_of([&] { WebrootHttp01(file).begin(); });
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(), Catch::Contains(file.string()) && Catch::Contains("not a directory"));

    error = error_of([&] { WebrootHttp01(file / "below").begin(); });
    CHECK(error.kind() == ErrorKind::usage);
}

TEST_CASE("webroot rejects bad tokens and writes nothing", "[challenge]") {
    TempDir root;
    WebrootHttp01 solver(root.path());
    solver.begin();
    for (const auto* token : {"", "..", "../escape", "a/b", ".hidden"}) {
        INFO(token);
        ChallengeTask task = k_task;
        task.token = token;
        CHECK(error_of([&] { solver.present(task); }).kind() == ErrorKind::protocol);
        solver.cleanup(task);
    }
    solver.end();
    CHECK(fs::is_empty(root.path()));
}

TEST_CASE("webroot recovers from a stale temp file and reports a blocked folder", "[challenge]") {
    TempDir root;
    const auto dir = root.path() / ".well-known" / "acme-challenge";
    fs::create_directories(dir);
    std::ofstream(dir / ("." + k_task.token + ".acmectl-tmp")) << "stale";
    WebrootHttp01 solver(root.path());
    solver.begin();
    solver.present(k_task);
    CHECK(read_file(dir / k_task.token) == k_task.key_authorization);
    solver.cleanup(k_task);
    CHECK(fs::is_empty(dir));

    TempDir blocked;
    std::ofstream(blocked.path() / ".well-known") << "a file where a folder should be";
    WebrootHttp01 other(blocked.path());
    const auto error = error_of([&] { other.begin(); });
    CHECK(error.kind() == ErrorKind::usage);
    CHECK_THAT(error.what(), Catch::Contains(".well-known") && Catch::Contains("not a directory"));
}

// The web root's owner can plant links below it while root runs acmectl.
TEST_CASE("webroot refuses a symlinked .well-known or acme-challenge before writing",
          "[challenge]") {
    for (const char* link : {".well-known", ".well-known/acme-challenge"}) {
        INFO(link);
        TempDir root;
        TempDir target;
        ::chmod(target.path().c_str(), 0700);
        fs::create_directories((root.path() / link).parent_path());
        fs::create_directory_symlink(target.path(), root.path() / link);
        WebrootHttp01 solver(root.path());
        const auto error = error_of([&] { solver.begin(); });
        CHECK(error.kind() == ErrorKind::usage);
        CHECK_THAT(error.what(),
                   Catch::Contains((root.path() / link).string() + ": it is a symbolic link"));
        CHECK(fs::is_empty(target.path()));
        CHECK(mode_of(target.path()) == 0700);
    }
}

TEST_CASE("webroot never follows links planted after begin", "[challenge]") {
    TempDir root;
    TempDir target;
    ::chmod(target.path().c_str(), 0700);
    WebrootHttp01 solver(root.path());
    solver.begin();
    // Planted between the check and the write: present fails, follows nothing.
    fs::create_directory_symlink(target.path(), root.path() / ".well-known");
    CHECK(error_of([&] { solver.present(k_task); }).kind() == ErrorKind::usage);
    CHECK(fs::is_empty(target.path()));
    CHECK(mode_of(target.path()) == 0700);
    solver.end();
    CHECK(fs::is_symlink(root.path() / ".well-known"));
}

TEST_CASE("webroot replaces a link at the token name and cleans up where it wrote", "[challenge]") {
    TempDir root;
    TempDir target;
    const auto victim = target.path() / k_task.token;
    std::ofstream(victim) << "secret";
    ::chmod(victim.c_str(), 0600);
    const auto dir = root.path() / ".well-known" / "acme-challenge";
    fs::create_directories(dir);
    fs::create_symlink(victim, dir / k_task.token);
    WebrootHttp01 solver(root.path());
    solver.begin();
    solver.present(k_task);
    CHECK_FALSE(fs::is_symlink(dir / k_task.token));
    CHECK(read_file(dir / k_task.token) == k_task.key_authorization);
    CHECK(read_file(victim) == "secret");
    // The owner swaps the folder for a link to the victim's: cleanup removes
    // the token from the folder it was written to, not through the link.
    fs::rename(dir, root.path() / "moved");
    fs::create_directory_symlink(target.path(), dir);
    solver.cleanup(k_task);
    solver.end();
    CHECK(read_file(victim) == "secret");
    CHECK(mode_of(victim) == 0600);
    CHECK_FALSE(fs::exists(root.path() / "moved" / k_task.token));
}

TEST_CASE("webroot token files belong to the web root's owner when run as root", "[challenge]") {
    if (::geteuid() != 0) {
        WARN("skipped: needs root");
        return;
    }
    TempDir root;
    REQUIRE(::chown(root.path().c_str(), 65534, 65534) == 0);
    WebrootHttp01 solver(root.path());
    solver.begin();
    solver.present(k_task);
    struct stat st {};
    REQUIRE(::stat((root.path() / ".well-known" / "acme-challenge" / k_task.token).c_str(), &st) ==
            0);
    CHECK(st.st_uid == 65534);
    CHECK(st.st_gid == 65534);
    solver.cleanup(k_task);
    solver.end();
}
