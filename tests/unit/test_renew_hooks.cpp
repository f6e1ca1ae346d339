#include "common/error.hpp"
#include "process/command_split.hpp"
#include "process/environment.hpp"
#include "process/runner.hpp"
#include "renew/hook_dir.hpp"
#include "renew/hook_env.hpp"
#include "renew/install_step.hpp"
#include "shell_helpers.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <grp.h>
#include <pwd.h>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using acme::ErrorKind;
using acme::process::HookResult;
using acme::process::run_hook;
using acme::process::split_command;
using acme::renew::EnvList;
using acme::renew::InstallStep;
using namespace std::chrono_literals;
using Words = std::vector<std::string>;

namespace {

using acme::test::TempDir;
using acme::test::UmaskGuard;

void write_file(const fs::path& path, const std::string& content, mode_t mode = 0644) {
    std::ofstream(path, std::ios::binary) << content;
    fs::permissions(path, static_cast<fs::perms>(mode));
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct stat stat_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st;
}

mode_t mode_of(const fs::path& path) {
    return stat_of(path).st_mode & 07777;
}

// True when this process has no child left, reaped or not.
bool no_children_left() {
    errno = 0;
    return ::waitpid(-1, nullptr, WNOHANG) == -1 && errno == ECHILD;
}

// Gone, or a zombie waiting for an init that does not reap (containers).
bool process_gone(pid_t pid) {
    std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat_file, line))
        return true;
    std::size_t paren = line.rfind(')');
    return paren != std::string::npos && line.size() > paren + 2 && line[paren + 2] == 'Z';
}

bool wait_until_gone(pid_t pid, std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (!process_gone(pid)) {
        if (std::chrono::steady_clock::now() >= until)
            return false;
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

HookResult run_sh(const std::string& script, std::chrono::milliseconds timeout = 10s,
                  const EnvList& env = {}) {
    return run_hook({"/bin/sh", "-c", script}, env, timeout);
}

} // namespace

// ------------------------------------------------------------ split_command

TEST_CASE("split_command splits on blanks and keeps operators literal", "[renew][hooks]") {
    CHECK(split_command("systemctl reload nginx") == Words{"systemctl", "reload", "nginx"});
    CHECK(split_command("  a \t b\nc  ") == Words{"a", "b", "c"});
    CHECK(split_command("a|b;c && d") == Words{"a|b;c", "&&", "d"});
    CHECK(split_command("echo $HOME *") == Words{"echo", "$HOME", "*"});
    CHECK(split_command("sh -c 'echo a; echo b'") == Words{"sh", "-c", "echo a; echo b"});
}

TEST_CASE("split_command honours quotes and escapes like sh", "[renew][hooks]") {
    CHECK(split_command(R"('a $b \c "d"')") == Words{R"(a $b \c "d")"});
    CHECK(split_command(R"("a \"b\" \\ \$x \` \n 'q'")") == Words{R"(a "b" \ $x ` \n 'q')"});
    CHECK(split_command(R"(a\ b c\'d \\)") == Words{"a b", "c'd", "\\"});
    CHECK(split_command(R"(x'y'"z"w)") == Words{"xyzw"});
    CHECK(split_command("a '' \"\" b") == Words{"a", "", "", "b"});
    CHECK(split_command("a \\\n b") == Words{"a", "b"});
}

TEST_CASE("split_command rejects unterminated quotes and empty commands", "[renew][hooks]") {
    for (const char* bad : {"echo 'abc", "echo \"abc", "echo \"a\\\"", "echo a\\", "", "  \t "}) {
        INFO(bad);
        try {
            split_command(bad);
            FAIL("no error");
        } catch (const acme::Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
        }
    }
}

// ----------------------------------------------------------------- run_hook

TEST_CASE("run_hook reports exit status, output and extra environment", "[renew][hooks]") {
    HookResult r =
        run_sh("echo $ACMECTL_NAME; echo oops >&2; exit 3", 10s, {{"ACMECTL_NAME", "example.com"}});
    CHECK(r.started);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_status == 3);
    CHECK(r.output == "example.com\noops\n");
    CHECK_FALSE(r.ok());
    CHECK(r.error == "exited with status 3");
    CHECK(no_children_left());
}

TEST_CASE("run_hook environment: extra variables override inherited ones", "[renew][hooks]") {
    acme::process::allow_environment({"ACMECTL_TEST_OLD", "ACMECTL_TEST_KEEP"});
    REQUIRE(::setenv("ACMECTL_TEST_OLD", "old", 1) == 0);
    REQUIRE(::setenv("ACMECTL_TEST_KEEP", "kept", 1) == 0);
    HookResult r = run_sh("env | grep '^ACMECTL_TEST_' | sort", 10s,
                          {{"ACMECTL_TEST_OLD", "new"}, {"ACMECTL_TEST_ADDED", "x=y"}});
    ::unsetenv("ACMECTL_TEST_OLD");
    ::unsetenv("ACMECTL_TEST_KEEP");
    acme::process::allow_environment({});
    CHECK(r.ok());
    CHECK(r.output == "ACMECTL_TEST_ADDED=x=y\nACMECTL_TEST_KEEP=kept\nACMECTL_TEST_OLD=new\n");
}

TEST_CASE("run_hook environment: only the base and allowed variables are inherited",
          "[renew][hooks]") {
    REQUIRE(::setenv("ACMECTL_TEST_SECRET", "s3cret", 1) == 0);
    REQUIRE(::setenv("LC_TIME", "C", 1) == 0);
    REQUIRE(::setenv("TZ", "UTC", 1) == 0);
    HookResult hidden = run_sh("env | grep -c s3cret; echo \"$LC_TIME $TZ\"", 10s);
    acme::process::allow_environment({"ACMECTL_TEST_SECRET"});
    HookResult allowed = run_sh("echo \"$ACMECTL_TEST_SECRET\"", 10s);
    acme::process::allow_environment({});
    ::unsetenv("ACMECTL_TEST_SECRET");
    CHECK(hidden.output == "0\nC UTC\n");
    CHECK(allowed.output == "s3cret\n");
}

TEST_CASE("hook_environment: PATH is always set, extra wins, bad names refused", "[renew][hooks]") {
    using acme::process::hook_environment;
    CHECK(hook_environment({"HOME=/root", "AWS_SECRET=x", "LANG=C.UTF-8"}, {{"HOME", "/h"}}) ==
          Words{"LANG=C.UTF-8", "HOME=/h", std::string("PATH=") + acme::process::k_default_path});
    CHECK(hook_environment({"PATH=/bin", "NOEQUALS"}, {}) == Words{"PATH=/bin"});
    CHECK_THROWS_AS(acme::process::allow_environment({"A=B"}), acme::Error);
    CHECK_THROWS_AS(acme::process::allow_environment({""}), acme::Error);
}

TEST_CASE("shell_argv runs a hook string the way certbot does", "[renew][hooks]") {
    TempDir dir;
    const auto out = (dir.path() / "out").string();
    HookResult r = run_hook(acme::process::shell_argv("echo \"$RENEWED_LINEAGE\" >> " + out +
                                                      " && echo a | tr a b >> " + out),
                            {{"RENEWED_LINEAGE", "/x/current; touch /tmp/no"}}, 10s);
    CHECK(r.ok());
    CHECK(read_text(out) == "/x/current; touch /tmp/no\nb\n");
    CHECK_THROWS_AS(acme::process::require_shell_command(" \t"), acme::Error);
    CHECK_THROWS_AS(acme::process::require_shell_command(std::string("a\0b", 3)), acme::Error);
    acme::process::require_shell_command("systemctl reload nginx && echo ok >> /tmp/x");
}

TEST_CASE("hooks start with the umask acmectl was started with, not its own", "[renew][hooks]") {
    UmaskGuard narrow(077); // as cli/main.cpp runs
    acme::process::set_hook_umask(027);
    HookResult r = run_hook({"/bin/sh", "-c", "umask"}, {}, 10s);
    acme::process::set_hook_umask(022);
    CHECK(r.ok());
    CHECK(r.output == "0027\n");
}

TEST_CASE("run_hook: a missing program is not started and says why", "[renew][hooks]") {
    HookResult r = run_hook({"acmectl-no-such-hook", "x"}, {}, 5s);
    CHECK_FALSE(r.started);
    CHECK_FALSE(r.ok());
    CHECK(r.exit_status == -1);
    CHECK(r.error == "cannot execute acmectl-no-such-hook: No such file or directory");
    CHECK(no_children_left());

    HookResult absolute = run_hook({"/nonexistent/hook"}, {}, 5s);
    CHECK_FALSE(absolute.started);
    CHECK(absolute.error == "cannot execute /nonexistent/hook: No such file or directory");
}

TEST_CASE("run_hook: a file without execute permission is reported", "[renew][hooks]") {
    TempDir dir;
    write_file(dir.path() / "hook", "#!/bin/sh\necho hi\n", 0644);
    HookResult r = run_hook({(dir.path() / "hook").string()}, {}, 5s);
    CHECK_FALSE(r.started);
    CHECK(r.error.find("Permission denied") != std::string::npos);

    // A script without #! is not handed to /bin/sh behind the user's back.
    write_file(dir.path() / "noshebang", "echo hi\n", 0755);
    HookResult plain = run_hook({(dir.path() / "noshebang").string()}, {}, 5s);
    CHECK_FALSE(plain.started);
    CHECK(plain.error.find("Exec format error") != std::string::npos);
}

TEST_CASE("run_hook searches PATH when the program has no slash", "[renew][hooks]") {
    HookResult r = run_hook({"true"}, {}, 5s);
    CHECK(r.started);
    CHECK(r.ok());

    // The PATH the hook gets is the one searched.
    TempDir dir;
    write_file(dir.path() / "my-hook", "#!/bin/sh\necho found \"$1\"\n", 0755);
    HookResult own = run_hook({"my-hook", "arg"}, {{"PATH", dir.path().string() + ":/bin"}}, 5s);
    CHECK(own.ok());
    CHECK(own.output == "found arg\n");
}

TEST_CASE("run_hook kills a hook that runs past its timeout, and reaps it", "[renew][hooks]") {
    HookResult r = run_hook({"sleep", "30"}, {}, 300ms);
    CHECK(r.started);
    CHECK(r.timed_out);
    CHECK_FALSE(r.ok());
    CHECK(r.exit_status == -1);
    CHECK(r.elapsed >= 300ms);
    CHECK(r.elapsed < 5s);
    CHECK(no_children_left());
}

TEST_CASE("run_hook SIGKILLs a group that ignores SIGTERM", "[renew][hooks]") {
    HookResult r = run_sh("trap '' TERM; sleep 30 & echo $!; wait; echo survived", 300ms);
    CHECK(r.timed_out);
    CHECK(r.elapsed >= 2s); // the SIGTERM grace
    CHECK(r.elapsed < 5s);
    CHECK(r.output.find("survived") == std::string::npos);
    pid_t grandchild = std::atoi(r.output.c_str());
    REQUIRE(grandchild > 0);
    CHECK(wait_until_gone(grandchild, 2s)); // the whole group got SIGKILL
    CHECK(no_children_left());
}

TEST_CASE("run_hook is not held by a background grandchild keeping the pipe open",
          "[renew][hooks]") {
    HookResult r = run_sh("sleep 30 & echo $!", 3s);
    // Well before the timeout: a short drain, then SIGTERM to the group ends
    // the grandchild at once (no 2 s SIGKILL grace needed).
    CHECK(r.elapsed < 2s);
    CHECK(r.started);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_status == 0);
    pid_t grandchild = std::atoi(r.output.c_str());
    REQUIRE(grandchild > 0);
    CHECK(wait_until_gone(grandchild, 2s)); // its process group was stopped
    CHECK(no_children_left());
}

TEST_CASE("run_hook caps the output and still lets the hook finish", "[renew][hooks]") {
    HookResult r = run_sh("head -c 300000 /dev/zero | tr '\\0' a; echo end >&2");
    CHECK(r.ok());
    CHECK(r.output.size() < acme::process::k_hook_output_cap + 200);
    CHECK(r.output.compare(0, 10, "aaaaaaaaaa") == 0);
    CHECK(r.output.find("output cut at 65536 bytes") != std::string::npos);
    CHECK(r.output.find("end") == std::string::npos);

    HookResult small = run_sh("head -c 1000 /dev/zero | tr '\\0' a");
    CHECK(small.output == std::string(1000, 'a'));
}

TEST_CASE("run_hook: stdin is /dev/null, other descriptors are closed", "[renew][hooks]") {
    // Deliberately without O_CLOEXEC, and numbered high so that no descriptor
    // the shell opens for itself can be mistaken for it.
    int opened = ::open("/dev/null", O_RDONLY);
    int leaked = ::fcntl(opened, F_DUPFD, 200);
    ::close(opened);
    REQUIRE(leaked >= 200);
    std::string fd = std::to_string(leaked);
    HookResult r =
        run_sh("cat; if [ -e /proc/self/fd/" + fd + " ]; then echo open; else echo closed; fi");
    ::close(leaked);
    CHECK(r.ok());
    CHECK(r.output == "closed\n");
}

TEST_CASE("run_hook feeds input on stdin, then end of file", "[renew][hooks]") {
    HookResult r = run_hook({"/bin/sh", "-c", "cat; echo end"}, {}, 10s, "line 1\nline 2\n");
    CHECK(r.ok());
    CHECK(r.output == "line 1\nline 2\nend\n");
    // A hook that does not read its input is not disturbed by it.
    CHECK(run_hook({"/bin/true"}, {}, 10s, "ignored\n").ok());
    const std::string big(acme::process::k_hook_input_cap + 1, 'x');
    CHECK_THROWS_AS(run_hook({"/bin/cat"}, {}, 10s, big), acme::Error);
}

TEST_CASE("find_program looks in PATH like run_hook", "[renew][hooks]") {
    CHECK(acme::process::find_program("sh").filename() == "sh");
    CHECK(acme::process::find_program("/bin/sh") == "/bin/sh");
    CHECK(acme::process::find_program("no-such-program-acmectl").empty());
    CHECK(acme::process::find_program("/etc/passwd").empty()); // not executable
}

TEST_CASE("run_hook puts the hook in its own process group", "[renew][hooks]") {
    HookResult r = run_sh("echo $$; cut -d' ' -f5 /proc/$$/stat");
    REQUIRE(r.ok());
    std::size_t newline = r.output.find('\n');
    REQUIRE(newline != std::string::npos);
    std::string pid = r.output.substr(0, newline);
    CHECK(r.output == pid + "\n" + pid + "\n");
    CHECK(std::to_string(::getpgrp()) != pid);
}

TEST_CASE("run_hook reports a hook killed by a signal", "[renew][hooks]") {
    HookResult r = run_sh("kill -KILL $$");
    CHECK(r.started);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_status == -1);
    CHECK(r.error == "killed by signal 9");
    CHECK_FALSE(r.ok());
}

TEST_CASE("run_hook rejects an empty argv", "[renew][hooks]") {
    try {
        run_hook({}, {}, 1s);
        FAIL("no error");
    } catch (const acme::Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
}

// ------------------------------------------------------------- hook folders

TEST_CASE("hook_dir_executables: byte order, skipping like run-parts", "[renew][hooks]") {
    TempDir dir;
    const fs::path& d = dir.path();
    for (const char* name : {"10-b", "02-a", "B", "a", "\xc3\xa9t\xc3\xa9", ".hidden", "x~",
                             "y.dpkg-old", "z.dpkg-new", "w.dpkg-dist", "v.bak"})
        write_file(d / name, "#!/bin/sh\n", 0755);
    write_file(d / "not-executable", "#!/bin/sh\n", 0644);
    fs::create_directory(d / "folder");
    fs::create_symlink(d / "02-a", d / "link");
    fs::create_symlink(d / "missing", d / "dangling");

    std::vector<fs::path> expected;
    for (const char* name : {"02-a", "10-b", "B", "a", "link", "\xc3\xa9t\xc3\xa9"})
        expected.push_back(d / name);
    CHECK(acme::renew::hook_dir_executables(d) == expected);
}

TEST_CASE("hook_dir_executables: a missing folder has no hooks", "[renew][hooks]") {
    TempDir dir;
    CHECK(acme::renew::hook_dir_executables(dir.path() / "absent").empty());
    write_file(dir.path() / "file", "");
    CHECK_THROWS_AS(acme::renew::hook_dir_executables(dir.path() / "file"), acme::Error);
}

TEST_CASE("lineage_hook_env names the lineage the certbot way too", "[renew][hooks]") {
    EnvList env = acme::renew::lineage_hook_env("example.com", {"example.com", "www.example.com"},
                                                "/var/lib/acmectl/certs/example.com/current");
    EnvList expected = {
        {"ACMECTL_NAME", "example.com"},
        {"ACMECTL_DOMAINS", "example.com www.example.com"},
        {"ACMECTL_CERT_DIR", "/var/lib/acmectl/certs/example.com/current"},
        {"ACMECTL_FULLCHAIN", "/var/lib/acmectl/certs/example.com/current/fullchain.pem"},
        {"ACMECTL_KEY", "/var/lib/acmectl/certs/example.com/current/privkey.pem"},
        {"RENEWED_LINEAGE", "/var/lib/acmectl/certs/example.com/current"},
        {"RENEWED_DOMAINS", "example.com www.example.com"},
    };
    CHECK(env == expected);

    HookResult r = run_sh("echo \"$RENEWED_DOMAINS|$ACMECTL_KEY\"", 5s, env);
    CHECK(r.output ==
          "example.com www.example.com|/var/lib/acmectl/certs/example.com/current/privkey.pem\n");
}

// ------------------------------------------------------------ install steps

namespace {

struct Lineage {
    TempDir dir;
    fs::path cert_dir;
    fs::path out_dir;
    Lineage() : cert_dir(dir.path() / "current"), out_dir(dir.path() / "out") {
        fs::create_directories(cert_dir);
        fs::create_directories(out_dir);
        write_file(cert_dir / "cert.pem", "CERT\n");
        write_file(cert_dir / "chain.pem", "CHAIN\n");
        write_file(cert_dir / "fullchain.pem", "CERT\nCHAIN\n");
        write_file(cert_dir / "privkey.pem", "KEY", 0600); // no final newline on purpose
    }
    std::string out(const char* name) const { return (out_dir / name).string(); }
    // Only the targets: no temporary file left behind.
    std::size_t files_in_out() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(out_dir), {}));
    }
};

InstallStep step(std::string path, std::string what, mode_t mode = 0, std::string owner = "") {
    InstallStep s;
    s.path = std::move(path);
    s.what = std::move(what);
    s.mode = mode;
    s.owner = std::move(owner);
    return s;
}

void check_usage_error(const InstallStep& bad) {
    try {
        acme::renew::validate(bad);
        FAIL("no error for " << bad.path << " " << bad.what << " " << bad.owner);
    } catch (const acme::Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
    }
}

} // namespace

TEST_CASE("install step writes fullchain, cert and chain 0644", "[renew][hooks]") {
    Lineage l;
    UmaskGuard umask(077); // the mode is set, not left to the umask
    acme::renew::run_install_step(step(l.out("full.pem"), "fullchain"), l.cert_dir);
    acme::renew::run_install_step(step(l.out("cert.pem"), "cert"), l.cert_dir);
    acme::renew::run_install_step(step(l.out("chain.pem"), "chain", 0444), l.cert_dir);
    CHECK(read_text(l.out("full.pem")) == "CERT\nCHAIN\n");
    CHECK(read_text(l.out("cert.pem")) == "CERT\n");
    CHECK(read_text(l.out("chain.pem")) == "CHAIN\n");
    CHECK(mode_of(l.out("full.pem")) == 0644);
    CHECK(mode_of(l.out("chain.pem")) == 0444);
    CHECK(l.files_in_out() == 3);
}

TEST_CASE("install step writes keys 0600 even with umask 0", "[renew][hooks]") {
    Lineage l;
    UmaskGuard umask(0);
    write_file(l.out("key.pem"), "OLD", 0666); // replaced, not written through
    acme::renew::run_install_step(step(l.out("key.pem"), "key"), l.cert_dir);
    acme::renew::run_install_step(step(l.out("haproxy.pem"), "combined"), l.cert_dir);
    acme::renew::run_install_step(step(l.out("key640.pem"), "key", 0640), l.cert_dir);
    CHECK(read_text(l.out("key.pem")) == "KEY");
    CHECK(mode_of(l.out("key.pem")) == 0600);
    CHECK(read_text(l.out("haproxy.pem")) == "KEY\nCERT\nCHAIN\n");
    CHECK(mode_of(l.out("haproxy.pem")) == 0600);
    CHECK(mode_of(l.out("key640.pem")) == 0640);
    CHECK(l.files_in_out() == 3);
}

TEST_CASE("install step chowns to the given owner before publishing", "[renew][hooks]") {
    if (::geteuid() != 0) {
        WARN("chown needs root; skipped");
        return;
    }
    Lineage l;
    UmaskGuard umask(0);
    acme::renew::run_install_step(step(l.out("root.pem"), "key", 0, "root:root"), l.cert_dir);
    CHECK(stat_of(l.out("root.pem")).st_uid == 0);
    CHECK(stat_of(l.out("root.pem")).st_gid == 0);
    CHECK(mode_of(l.out("root.pem")) == 0600);
    CHECK(read_text(l.out("root.pem")) == "KEY");

    // Numeric ids and group-only owners, so a chown that does nothing fails.
    acme::renew::run_install_step(step(l.out("ids.pem"), "combined", 0640, "4242:4343"),
                                  l.cert_dir);
    CHECK(stat_of(l.out("ids.pem")).st_uid == 4242);
    CHECK(stat_of(l.out("ids.pem")).st_gid == 4343);
    CHECK(mode_of(l.out("ids.pem")) == 0640);
    CHECK(read_text(l.out("ids.pem")) == "KEY\nCERT\nCHAIN\n");

    acme::renew::run_install_step(step(l.out("grp.pem"), "fullchain", 0, ":4343"), l.cert_dir);
    CHECK(stat_of(l.out("grp.pem")).st_uid == ::geteuid());
    CHECK(stat_of(l.out("grp.pem")).st_gid == 4343);
    CHECK(mode_of(l.out("grp.pem")) == 0644);
    CHECK(l.files_in_out() == 3);
}

TEST_CASE("install step: an unknown user or group is a usage error, target untouched",
          "[renew][hooks]") {
    Lineage l;
    write_file(l.out("key.pem"), "OLD", 0600);
    for (const char* owner : {"acmectl-no-such-user", "root:acmectl-no-such-group"}) {
        INFO(owner);
        try {
            acme::renew::run_install_step(step(l.out("key.pem"), "key", 0, owner), l.cert_dir);
            FAIL("no error");
        } catch (const acme::Error& e) {
            CHECK(e.kind() == ErrorKind::usage);
            CHECK(std::string(e.what()).find("acmectl-no-such") != std::string::npos);
        }
    }
    CHECK(read_text(l.out("key.pem")) == "OLD");
    CHECK(l.files_in_out() == 1);
}

TEST_CASE("install step: a missing source is an io error, target untouched", "[renew][hooks]") {
    Lineage l;
    fs::remove(l.cert_dir / "chain.pem");
    write_file(l.out("chain.pem"), "OLD");
    try {
        acme::renew::run_install_step(step(l.out("chain.pem"), "chain"), l.cert_dir);
        FAIL("no error");
    } catch (const acme::Error& e) {
        CHECK(e.kind() == ErrorKind::io);
    }
    CHECK(read_text(l.out("chain.pem")) == "OLD");
}

TEST_CASE("install step validation", "[renew][hooks]") {
    CHECK_NOTHROW(
        acme::renew::validate(step("/etc/ssl/a.pem", "combined", 0640, "haproxy:ssl-cert")));
    CHECK_NOTHROW(acme::renew::validate(step("/etc/ssl/a.pem", "key", 0, ":ssl-cert")));
    check_usage_error(step("/etc/ssl/a.pem", "privkey"));
    check_usage_error(step("/etc/ssl/a.pem", ""));
    check_usage_error(step("relative/a.pem", "cert"));
    check_usage_error(step("", "cert"));
    check_usage_error(step("/etc/ssl/", "cert"));
    check_usage_error(step("/etc/ssl/a.pem", "cert", 010000));
    for (const char* owner : {":", "user:", "a:b:c"})
        check_usage_error(step("/etc/ssl/a.pem", "cert", 0, owner));
    CHECK(acme::renew::effective_mode(step("/a", "cert")) == 0644);
    CHECK(acme::renew::effective_mode(step("/a", "combined")) == 0600);
    CHECK(acme::renew::effective_mode(step("/a", "key", 0640)) == 0640);
}

TEST_CASE("install step JSON round trip and bad shapes", "[renew][hooks]") {
    InstallStep full = step("/etc/haproxy/certs/example.pem", "combined", 0640, "haproxy:ssl-cert");
    nlohmann::json json = acme::renew::to_json(full);
    CHECK(json == nlohmann::json{{"path", "/etc/haproxy/certs/example.pem"},
                                 {"what", "combined"},
                                 {"mode", "0640"},
                                 {"owner", "haproxy:ssl-cert"}});
    InstallStep back = acme::renew::install_step_from_json(json);
    CHECK(back.path == full.path);
    CHECK(back.what == full.what);
    CHECK(back.mode == full.mode);
    CHECK(back.owner == full.owner);

    nlohmann::json plain = acme::renew::to_json(step("/etc/nginx/full.pem", "fullchain"));
    CHECK(plain == nlohmann::json{{"path", "/etc/nginx/full.pem"}, {"what", "fullchain"}});
    InstallStep plain_back = acme::renew::install_step_from_json(plain);
    CHECK(plain_back.mode == 0);
    CHECK(plain_back.owner.empty());

    for (const char* bad : {R"([])", R"({"what": "cert"})", R"({"path": 1, "what": "cert"})",
                            R"({"path": "/a", "what": "cert", "mode": 420})",
                            R"({"path": "/a", "what": "cert", "mode": "0abc"})",
                            R"({"path": "/a", "what": "cert", "mode": "0648"})",
                            R"({"path": "/a", "what": "cert", "owner": 0})"}) {
        INFO(bad);
        try {
            acme::renew::install_step_from_json(nlohmann::json::parse(bad));
            FAIL("no error");
        } catch (const acme::Error& e) {
            CHECK(e.kind() == ErrorKind::config);
        }
    }
}
