#include <catch2/catch.hpp>
#include <chrono>
#include <fcntl.h>
#include <future>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "log/run_log.hpp"
#include "shell_helpers.hpp"

using acme::LogLevel;
using acme::log::RunLog;
using acme::log::RunLogOptions;
namespace fs = std::filesystem;

TEST_CASE("run log lines are timestamped and one line each", "[log]") {
    acme::test::TempDir dir;
    RunLog log(dir.path() / "log", "issue", {});
    log.write(LogLevel::info, "Creating an order");
    log.write(LogLevel::warn, "two\nlines");
    auto text = acme::test::slurp(dir.path() / "log" / "acmectl.log");
    CHECK(std::count(text.begin(), text.end(), '\n') == 2);
    CHECK(text.find("issue[") != std::string::npos);
    CHECK(text.find("] info: Creating an order\n") != std::string::npos);
    CHECK(text.find("warn: two lines\n") != std::string::npos);
    CHECK(text.substr(0, 2) == "20");
    CHECK(text.substr(19, 2) == "Z ");
    struct stat st {};
    REQUIRE(::stat((dir.path() / "log" / "acmectl.log").c_str(), &st) == 0);
    CHECK((st.st_mode & 0027) == 0); // never world-readable, never group-writable
}

TEST_CASE("run log rotates by size and keeps a bounded number of files", "[log]") {
    acme::test::TempDir dir;
    RunLogOptions options;
    options.max_bytes = 1000;
    options.keep = 3;
    RunLog log(dir.path(), "renew", options);
    const std::string message(90, 'x');
    for (int i = 0; i < 200; ++i) { // ~25 KB: many rotations
        log.write(LogLevel::info, message + std::to_string(i));
    }
    CHECK(fs::exists(dir.path() / "acmectl.log"));
    CHECK(fs::exists(dir.path() / "acmectl.log.1"));
    CHECK(fs::exists(dir.path() / "acmectl.log.3"));
    CHECK_FALSE(fs::exists(dir.path() / "acmectl.log.4"));
    for (const auto& name : {"acmectl.log", "acmectl.log.1", "acmectl.log.2"}) {
        CHECK(fs::file_size(dir.path() / name) < 1000 + 200);
    }
    // The newest line is in the current file, older ones in .1.
    auto current = acme::test::slurp(dir.path() / "acmectl.log");
    CHECK(current.find(message + "199\n") != std::string::npos);
    auto previous = acme::test::slurp(dir.path() / "acmectl.log.1");
    CHECK(previous.find(message + "199") == std::string::npos);
}

TEST_CASE("run log JSON lines parse and carry the documented fields", "[log]") {
    acme::test::TempDir dir;
    RunLogOptions options;
    options.format = "json";
    RunLog log(dir.path(), "register", options);
    log.write(LogLevel::info, "quote \" and \xff byte");
    auto line = acme::test::slurp(dir.path() / "acmectl.log");
    auto doc = nlohmann::json::parse(line);
    CHECK(doc["command"] == "register");
    CHECK(doc["level"] == "info");
    CHECK(doc["pid"].is_number());
    CHECK(doc["time"].get<std::string>().back() == 'Z');
    CHECK(doc["message"].get<std::string>().find("quote \" and") == 0);
}

TEST_CASE("an unwritable log folder never throws", "[log]") {
    RunLog log("/proc/acmectl-cannot-exist", "renew", {});
    CHECK_NOTHROW(log.write(LogLevel::info, "lost"));
}

// Under umask 000 the home and log folders the log creates must not be
// writable by others: a local user could plant hooks in $ACMECTL_HOME.
TEST_CASE("run log creates home and log/ with explicit modes under umask 000", "[log]") {
    acme::test::TempDir dir;
    acme::test::UmaskGuard umask(0);
    const auto home = dir.path() / "home";
    RunLog log(home / "log", "renew", {});
    log.write(LogLevel::info, "one");
    struct stat st {};
    REQUIRE(::stat(home.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0755);
    REQUIRE(::stat((home / "log").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0750);
    REQUIRE(::stat((home / "log" / "acmectl.log").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
}

// A FIFO planted as the log: open(2) without O_NONBLOCK waits for a reader
// forever. Bounded here; the reader opened on failure frees the writer.
TEST_CASE("a FIFO planted as the log neither hangs nor is written to", "[log]") {
    acme::test::TempDir dir;
    const auto fifo = dir.path() / "acmectl.log";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    RunLog log(dir.path(), "renew", {});
    auto done = std::async(std::launch::async, [&] { log.write(LogLevel::info, "lost"); });
    const bool finished = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    CHECK(finished);
    if (!finished) {
        const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
        done.wait();
        ::close(reader);
    }
    // With a reader present the open succeeds, but a FIFO is still no log.
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(reader >= 0);
    log.write(LogLevel::info, "lost too");
    char byte = 0;
    CHECK(::read(reader, &byte, 1) <= 0);
    ::close(reader);
}
