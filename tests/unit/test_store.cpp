#include "common/error.hpp"
#include "shell_helpers.hpp"
#include "store/atomic_file.hpp"
#include "store/group.hpp"
#include "store/posix_file.hpp"
#include "store/file_store.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using acme::ErrorKind;
using acme::store::FileStore;
using acme::store::Store;
using acme::store::VersionFiles;

namespace {

using TempHome = acme::test::TempDir;

using acme::test::UmaskGuard;

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// "no error", the kind of the acme::Error thrown, or "other".
template <typename F> std::string thrown_kind(F&& f) {
    try {
        f();
    } catch (const acme::Error& e) {
        return std::string(acme::to_string(e.kind()));
    } catch (...) {
        return "other";
    }
    return "no error";
}

VersionFiles sample_files(const std::string& tag, bool with_key = true) {
    return VersionFiles{"cert " + tag, "chain " + tag, "fullchain " + tag,
                        with_key ? "key " + tag : ""};
}

// Runs f in a child process and returns its exit status (or -1).
template <typename F> int in_child(F&& f) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int status = 2;
        try {
            status = f();
        } catch (...) {
        }
        ::_exit(status);
    }
    int status = 0;
    if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

const std::string k_le = "https://acme-v02.api.letsencrypt.org/directory";

} // namespace

// ---- atomic files -----------------------------------------------------------

TEST_CASE("write_file_atomic sets exact modes whatever the umask", "[store]") {
    TempHome home;
    for (mode_t mask : {mode_t{022}, mode_t{077}, mode_t{0}}) {
        UmaskGuard guard(mask);
        fs::path key = home.path() / ("key" + std::to_string(mask));
        fs::path cert = home.path() / ("cert" + std::to_string(mask));
        fs::path shared = home.path() / ("shared" + std::to_string(mask));
        acme::store::write_file_atomic(key, "secret", 0600);
        acme::store::write_file_atomic(cert, "public", 0644);
        acme::store::write_file_atomic(shared, "group", 0640);
        CHECK(mode_of(key) == 0600);
        CHECK(mode_of(cert) == 0644);
        CHECK(mode_of(shared) == 0640);
        CHECK(acme::store::read_file(key) == "secret");
    }
}

TEST_CASE("write_file_atomic replaces content and leaves no temporary file", "[store]") {
    TempHome home;
    fs::path file = home.path() / "a.json";
    acme::store::write_file_atomic(file, "first, and longer");
    acme::store::write_file_atomic(file, "second");
    CHECK(acme::store::read_file(file) == "second");
    CHECK(entries(home.path()) == std::vector<std::string>{"a.json"});
    acme::store::write_file_atomic(file, "");
    CHECK(acme::store::read_file(file).empty());
}

TEST_CASE("write_file_atomic into a missing folder throws io and leaves nothing", "[store]") {
    TempHome home;
    fs::path file = home.path() / "missing" / "a.pem";
    CHECK(thrown_kind([&] { acme::store::write_file_atomic(file, "x"); }) == "io");
    CHECK(entries(home.path()).empty());
}

TEST_CASE("a failed rename removes the temporary file and keeps the target", "[store]") {
    TempHome home;
    fs::path target = home.path() / "taken";
    fs::create_directories(target / "inside");
    std::string message;
    try {
        acme::store::write_file_atomic(target, "x");
    } catch (const acme::Error& e) {
        CHECK(e.kind() == ErrorKind::io);
        message = e.what();
    }
    CHECK(message.find("cannot write " + target.string() + ": ") == 0);
    CHECK(entries(home.path()) == std::vector<std::string>{"taken"});
    CHECK(fs::is_directory(target / "inside"));
}

TEST_CASE("read_file reads whole files, refuses big or missing ones", "[store]") {
    TempHome home;
    fs::path file = home.path() / "f";
    std::string big(100'000, 'z');
    acme::store::write_file_atomic(file, big);
    CHECK(acme::store::read_file(file) == big);
    CHECK(acme::store::read_file(file, 100'000) == big);
    CHECK(thrown_kind([&] { acme::store::read_file(file, 99'999); }) == "io");
    CHECK(thrown_kind([&] { acme::store::read_file(home.path() / "nope"); }) == "io");
}

TEST_CASE("make_dirs creates nested folders with their mode", "[store]") {
    TempHome home;
    UmaskGuard guard(077);
    fs::path deep = home.path() / "a" / "b" / "c";
    acme::store::make_dirs(deep, 0755);
    acme::store::make_dirs(deep, 0700); // existing folders are left alone
    CHECK(mode_of(home.path() / "a") == 0755);
    CHECK(mode_of(deep) == 0755);
    acme::store::write_file_atomic(home.path() / "file", "x");
    CHECK(thrown_kind([&] { acme::store::make_dirs(home.path() / "file" / "sub"); }) == "io");
    CHECK_NOTHROW(acme::store::sync_dir(deep));
    CHECK(thrown_kind([&] { acme::store::sync_dir(home.path() / "nope"); }) == "io");
}

// ---- accounts ---------------------------------------------------------------

TEST_CASE("account_dir is derived from the directory URL", "[store]") {
    TempHome home;
    FileStore store(home.path());
    fs::path accounts = home.path() / "accounts";
    CHECK(store.account_dir(k_le, "default") ==
          accounts / "acme-v02.api.letsencrypt.org" / "default");
    CHECK(store.account_dir("https://127.0.0.1:14000/dir", "default") ==
          accounts / "127.0.0.1_14000" / "default");
    CHECK(store.account_dir("https://[::1]:14000/dir", "ops") == accounts / "__1_14000" / "ops");
    CHECK(store.account_dir("https://CA.Example:443/dir?x", "a") == accounts / "ca.example" / "a");
    CHECK(store.account_dir("https://user@ca.example", "a") == accounts / "ca.example" / "a");
    for (const std::string bad : {"", "ca.example/dir", "https:///dir", "https://:14000/dir",
                                  "https://[::1/dir", "https://../dir", "https://h:x/dir"})
        CHECK(thrown_kind([&] { store.account_dir(bad, "a"); }) == "usage");
    CHECK(thrown_kind([&] { store.account_dir(k_le, "../x"); }) == "usage");
    CHECK(!fs::exists(accounts)); // deriving a path creates nothing
}

TEST_CASE("accounts round trip with a private key", "[store]") {
    TempHome home;
    UmaskGuard guard(0);
    FileStore store(home.path() / "home");
    CHECK(!store.load_account(k_le, "default"));

    store.save_account_key(k_le, "default", "KEY PEM");
    std::optional<acme::store::StoredAccount> only_key = store.load_account(k_le, "default");
    REQUIRE(only_key);
    CHECK(only_key->key_pem == "KEY PEM");
    CHECK(only_key->account.is_null());

    nlohmann::json account = {{"url", "https://ca/acct/1"}, {"contact", {"mailto:a@b"}}};
    store.save_account(k_le, "default", account);
    std::optional<acme::store::StoredAccount> loaded = store.load_account(k_le, "default");
    REQUIRE(loaded);
    CHECK(loaded->account == account);
    CHECK(loaded->key_pem == "KEY PEM");

    fs::path dir = store.account_dir(k_le, "default");
    CHECK(mode_of(dir / "key.pem") == 0600);
    CHECK(mode_of(dir / "account.json") == 0644);
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(home.path() / "home" / "accounts") == 0700);
    CHECK(mode_of(home.path() / "home") == 0755);
    CHECK(!store.load_account(k_le, "other"));
}

TEST_CASE("save_account_key never replaces a different key", "[store]") {
    TempHome home;
    FileStore store(home.path());
    store.save_account_key(k_le, "default", "KEY ONE");
    CHECK_NOTHROW(store.save_account_key(k_le, "default", "KEY ONE"));
    CHECK(thrown_kind([&] { store.save_account_key(k_le, "default", "KEY TWO"); }) == "io");
    fs::path dir = store.account_dir(k_le, "default");
    CHECK(acme::store::read_file(dir / "key.pem") == "KEY ONE");
    CHECK(entries(dir) == std::vector<std::string>{"key.pem"});
}

TEST_CASE("a corrupt account.json is a config error", "[store]") {
    TempHome home;
    FileStore store(home.path());
    store.save_account_key(k_le, "default", "KEY");
    acme::store::write_file_atomic(store.account_dir(k_le, "default") / "account.json", "{nope");
    CHECK(thrown_kind([&] { store.load_account(k_le, "default"); }) == "config");
}

// ---- lineages ---------------------------------------------------------------

TEST_CASE("check_lineage_name accepts one safe path component", "[store]") {
    for (const std::string& bad : std::vector<std::string>{
             "", ".", "..", "a/b", "/abs", ".hidden", "a b", "tab\there", "new\nline",
             std::string("nul\0x", 5), "bell\a", "star*.example", std::string(256, 'a')})
        CHECK(thrown_kind([&] { Store::check_lineage_name(bad); }) == "usage");
    for (const std::string& good : std::vector<std::string>{"example.com", "_wildcard.example.com",
                                                            "a-b_c.d", "x", std::string(255, 'a')})
        CHECK(thrown_kind([&] { Store::check_lineage_name(good); }) == "no error");
    TempHome home;
    FileStore store(home.path());
    CHECK(thrown_kind([&] { store.lineage_dir("../evil"); }) == "usage");
    CHECK(thrown_kind([&] { store.write_config("a/b", nlohmann::json::object()); }) == "usage");
}

TEST_CASE("write_version builds numbered versions and activate swaps current", "[store]") {
    TempHome home;
    UmaskGuard guard(077);
    FileStore store(home.path());
    const std::string name = "example.com";
    CHECK(store.versions(name).empty());
    CHECK(!store.current_version(name));

    CHECK(store.write_version(name, sample_files("v1")) == 1);
    CHECK(store.write_version(name, sample_files("v2", false), 0640) == 2);
    CHECK(store.versions(name) == std::vector<int>{1, 2});
    CHECK(!store.current_version(name)); // writing does not activate

    fs::path v1 = store.version_dir(name, 1);
    fs::path v2 = store.version_dir(name, 2);
    CHECK(entries(v1) ==
          std::vector<std::string>{"cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"});
    CHECK(entries(v2) == std::vector<std::string>{"cert.pem", "chain.pem", "fullchain.pem"});
    CHECK(mode_of(v1 / "privkey.pem") == 0600);
    CHECK(mode_of(v1 / "cert.pem") == 0644);
    CHECK(mode_of(v2 / "fullchain.pem") == 0644);
    CHECK(mode_of(v1) == 0755);
    CHECK(mode_of(v1.parent_path()) == 0755);
    CHECK(mode_of(home.path() / "certs") == 0755);

    store.activate_version(name, 1);
    store.activate_version(name, 2);
    CHECK(store.current_version(name) == 2);
    fs::path current = store.current_dir(name);
    CHECK(fs::is_symlink(current));
    CHECK(fs::read_symlink(current) == "versions/2");
    CHECK(acme::store::read_file(current / "cert.pem") == "cert v2");
    CHECK(acme::store::read_file(v1 / "cert.pem") == "cert v1");
    CHECK(acme::store::read_file(v1 / "privkey.pem") == "key v1");
    CHECK(entries(store.lineage_dir(name)) == std::vector<std::string>{"current", "versions"});
}

TEST_CASE("write_version keys can be group-readable", "[store]") {
    TempHome home;
    FileStore store(home.path());
    int n = store.write_version("example.com", sample_files("g"), 0640);
    CHECK(mode_of(store.version_dir("example.com", n) / "privkey.pem") == 0640);
}

TEST_CASE("activate_version refuses a version that does not exist", "[store]") {
    TempHome home;
    FileStore store(home.path());
    store.write_version("example.com", sample_files("v1"));
    CHECK(thrown_kind([&] { store.activate_version("example.com", 2); }) == "usage");
    CHECK(thrown_kind([&] { store.activate_version("example.com", 0); }) == "usage");
    CHECK(!store.current_version("example.com"));
}

TEST_CASE("leftovers of a crashed write do not count as versions", "[store]") {
    TempHome home;
    FileStore store(home.path());
    const std::string name = "example.com";
    CHECK(store.write_version(name, sample_files("v1")) == 1);
    fs::path versions = store.lineage_dir(name) / "versions";
    // A process killed while building version 2 (pid far beyond pid_max).
    fs::create_directories(versions / ".tmp-2-999999999");
    acme::store::write_file_atomic(versions / ".tmp-2-999999999" / "cert.pem", "half");
    fs::create_directories(versions / "stray");
    CHECK(store.versions(name) == std::vector<int>{1});
    CHECK(store.write_version(name, sample_files("v2")) == 2);
    CHECK(acme::store::read_file(store.version_dir(name, 2) / "cert.pem") == "cert v2");
    CHECK(store.versions(name) == std::vector<int>{1, 2});

    store.prune_versions(name, 5); // cleans the leftover, keeps everything else
    CHECK(!fs::exists(versions / ".tmp-2-999999999"));
    CHECK(fs::exists(versions / "stray"));
    CHECK(store.versions(name) == std::vector<int>{1, 2});
}

// A run killed mid-write leaves temps beside config.json, state.json and
// current; prune sweeps those whose writer is gone, and only those.
TEST_CASE("prune_versions sweeps the temp files of dead writers in the lineage folder", "[store]") {
    TempHome home;
    FileStore store(home.path());
    const std::string name = "example.com";
    store.write_config(name, {{"domains", {name}}});
    CHECK(store.write_version(name, sample_files("v1")) == 1);
    store.activate_version(name, 1);
    const fs::path lineage = store.lineage_dir(name);
    const std::string dead = "999999999"; // beyond pid_max: no such process
    const std::string me = std::to_string(::getpid());
    for (const std::string& leftover :
         {".config.json.tmp-" + dead + "-0", ".state.json.tmp-" + dead + "-3"})
        acme::store::write_file_atomic(lineage / leftover, "half");
    fs::create_symlink("versions/1", lineage / ("current.tmp-" + dead));
    const std::vector<std::string> kept = {".config.json.tmp-" + me + "-7", "current.tmp-" + me,
                                           "notes.tmp-" + dead};
    for (const std::string& live : kept)
        acme::store::write_file_atomic(lineage / live, "in use");

    store.prune_versions(name, 5);
    std::vector<std::string> expected = {"config.json", "current", "versions"};
    expected.insert(expected.end(), kept.begin(), kept.end());
    std::sort(expected.begin(), expected.end());
    CHECK(entries(lineage) == expected);
}

TEST_CASE("prune_versions keeps the newest and always the current one", "[store]") {
    TempHome home;
    FileStore store(home.path());
    const std::string name = "example.com";
    for (int i = 1; i <= 5; ++i)
        REQUIRE(store.write_version(name, sample_files(std::to_string(i))) == i);
    CHECK_NOTHROW(store.prune_versions(name, 1)); // no current yet: nothing is old
    CHECK(store.versions(name) == std::vector<int>{1, 2, 3, 4, 5});
    store.activate_version(name, 2);

    // 3 is beyond the 2 newest, but newer than current (rolled back from): it stays.
    store.prune_versions(name, 2);
    CHECK(store.versions(name) == std::vector<int>{2, 3, 4, 5});
    store.prune_versions(name, 0);
    CHECK(store.versions(name) == std::vector<int>{2, 3, 4, 5});
    CHECK(acme::store::read_file(store.current_dir(name) / "cert.pem") == "cert 2");

    store.activate_version(name, 5);
    store.prune_versions(name, 2);
    CHECK(store.versions(name) == std::vector<int>{4, 5});
    CHECK(acme::store::read_file(store.current_dir(name) / "cert.pem") == "cert 5");

    // Numbering continues from the highest version still present.
    CHECK(store.write_version(name, sample_files("6")) == 6);
    store.activate_version(name, 6);
    store.prune_versions(name, 1);
    CHECK(store.versions(name) == std::vector<int>{6});
    CHECK_NOTHROW(store.prune_versions("never.written", 1));
}

TEST_CASE("prune_versions leaves a reader inside the previous version alone", "[store]") {
    TempHome home;
    FileStore store(home.path());
    const std::string name = "example.com";
    for (int i = 1; i <= 3; ++i)
        store.activate_version(name, store.write_version(name, sample_files(std::to_string(i))));
    // A reader that resolved current before the swap to 3 still holds version 2.
    fs::path held = fs::canonical(store.version_dir(name, 2));
    store.prune_versions(name, 2);
    CHECK(store.versions(name) == std::vector<int>{2, 3});
    CHECK(acme::store::read_file(held / "privkey.pem") == "key 2");
}

TEST_CASE("try_lock excludes other processes until released", "[store]") {
    TempHome home;
    FileStore store(home.path());
    auto child_gets_lock = [&] {
        return in_child([&] { return store.try_lock("example.com") ? 0 : 1; });
    };
    std::unique_ptr<acme::store::Lock> lock = store.try_lock("example.com");
    REQUIRE(lock);
    CHECK(mode_of(home.path() / "locks" / "example.com.lock") == 0600);
    CHECK(child_gets_lock() == 1);
    CHECK(!store.try_lock("example.com"));  // another open file description, same process
    CHECK(store.try_lock("other.example")); // locks are per lineage

    lock.reset();
    CHECK(child_gets_lock() == 0);
    CHECK(store.try_lock("example.com"));
    CHECK(thrown_kind([&] { store.try_lock("../x"); }) == "usage");
}

TEST_CASE("list_lineages lists folders that hold a config.json", "[store]") {
    TempHome home;
    FileStore store(home.path());
    CHECK(store.list_lineages().empty());
    nlohmann::json config = {{"domains", {"b.example"}}};
    store.write_config("b.example", config);
    store.write_config("a.example", {{"domains", {"a.example"}}});
    store.write_version("no-config.example", sample_files("x"));
    fs::create_directories(home.path() / "certs" / ".hidden");
    acme::store::write_file_atomic(home.path() / "certs" / ".hidden" / "config.json", "{}");
    CHECK(store.list_lineages() == std::vector<std::string>{"a.example", "b.example"});
    CHECK(store.lineage_exists("a.example"));
    CHECK(!store.lineage_exists("no-config.example"));
    CHECK(store.read_config("b.example") == config);
    CHECK(mode_of(store.lineage_dir("b.example") / "config.json") == 0600);
}

// Hook command lines often carry API tokens: not for every local user.
TEST_CASE("config.json and state.json are 0600, 0640 with the key group, narrowed on write",
          "[store]") {
    TempHome home;
    UmaskGuard umask(0);
    FileStore store(home.path());
    const fs::path dir = store.lineage_dir("example.com");
    fs::create_directories(dir);
    acme::store::write_file_atomic(dir / "config.json", "{}", 0644);
    acme::store::write_file_atomic(dir / "state.json", "{}", 0644);
    store.write_config("example.com", {{"domains", {"example.com"}}, {"key_group", ""}});
    store.write_state("example.com", {{"failures", 1}});
    CHECK(mode_of(dir / "config.json") == 0600);
    CHECK(mode_of(dir / "state.json") == 0600);

    const gid_t own = ::getegid();
    const std::string group = acme::store::group_name(own);
    store.write_config("example.com", {{"domains", {"example.com"}}, {"key_group", group}});
    store.write_state("example.com", {{"failures", 2}});
    struct stat st {};
    REQUIRE(::stat((dir / "state.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(st.st_gid == own);
    CHECK(mode_of(dir / "config.json") == 0640);
}

TEST_CASE("read_config fails with a config error when missing or corrupt", "[store]") {
    TempHome home;
    FileStore store(home.path());
    CHECK(thrown_kind([&] { store.read_config("example.com"); }) == "config");
    store.write_config("example.com", {{"domains", {"example.com"}}});
    fs::path path = store.lineage_dir("example.com") / "config.json";
    acme::store::write_file_atomic(path, "{\"domains\": [");
    CHECK(thrown_kind([&] { store.read_config("example.com"); }) == "config");
    acme::store::write_file_atomic(path, "[1, 2]");
    CHECK(thrown_kind([&] { store.read_config("example.com"); }) == "config");
}

TEST_CASE("state.json starts empty and round trips", "[store]") {
    TempHome home;
    FileStore store(home.path());
    CHECK(store.read_state("example.com") == nlohmann::json::object());
    nlohmann::json state = {{"failures", 2}, {"last_attempt", "2025-01-01T00:00:00Z"}};
    store.write_state("example.com", state);
    CHECK(store.read_state("example.com") == state);
    CHECK(mode_of(store.lineage_dir("example.com") / "state.json") == 0600);
    acme::store::write_file_atomic(store.lineage_dir("example.com") / "state.json", "garbage");
    CHECK(thrown_kind([&] { store.read_state("example.com"); }) == "config");
}

namespace {

// A group this process may give its files to other than its own: any group for
// root, else a supplementary one; its own group when it has no other.
gid_t other_group() {
    if (::geteuid() == 0)
        return ::getegid() == 1 ? 2 : 1;
    std::vector<gid_t> groups(static_cast<std::size_t>(std::max(::getgroups(0, nullptr), 0)));
    int n = ::getgroups(static_cast<int>(groups.size()), groups.data());
    for (int i = 0; i < n; ++i)
        if (groups[static_cast<std::size_t>(i)] != ::getegid())
            return groups[static_cast<std::size_t>(i)];
    return ::getegid();
}

} // namespace

TEST_CASE("a group-readable key has its mode and group before its first byte", "[store]") {
    TempHome home;
    UmaskGuard guard(077); // the umask must neither narrow nor delay the mode
    const gid_t group = other_group();
    acme::store::detail::TempFile temp =
        acme::store::detail::create_temp_beside(home.path() / "privkey.pem", 0640, group);
    struct stat st {};
    REQUIRE(::fstat(temp.fd.get(), &st) == 0);
    CHECK(st.st_size == 0); // nothing written yet
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(st.st_gid == group);
    CHECK(temp.path.parent_path() == home.path());
    CHECK(temp.path.filename().string().rfind(".privkey.pem.tmp-", 0) == 0);
    fs::remove(temp.path);

    // Without a group the file keeps the one the system chose.
    acme::store::detail::TempFile plain = acme::store::detail::create_temp_beside(
        home.path() / "cert.pem", 0644, acme::store::k_keep_group);
    REQUIRE(::fstat(plain.fd.get(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    CHECK(st.st_gid == ::getegid());
}

TEST_CASE("write_version gives the key to a group, the other files stay public", "[store]") {
    TempHome home;
    UmaskGuard guard(077);
    FileStore store(home.path());
    const gid_t group = other_group();
    int n = store.write_version("example.com", sample_files("g"), 0640, group);
    fs::path dir = store.version_dir("example.com", n);
    struct stat st {};
    REQUIRE(::stat((dir / "privkey.pem").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(st.st_gid == group);
    CHECK(acme::store::read_file(dir / "privkey.pem") == "key g");
    REQUIRE(::stat((dir / "cert.pem").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    CHECK(st.st_gid == ::getegid());
    CHECK(entries(dir) ==
          std::vector<std::string>{"cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"});
}

TEST_CASE("find_group knows the process's group and refuses unknown ones", "[store]") {
    const std::string own = acme::store::group_name(::getegid());
    REQUIRE(acme::store::find_group(own));
    CHECK(*acme::store::find_group(own) == ::getegid());
    CHECK(!acme::store::find_group("acmectl-no-such-group-x9"));
    CHECK(!acme::store::find_group(""));
    CHECK(acme::store::group_name(4000000000U) == "4000000000");
    // Only root may give a file to a group it is not in.
    CHECK(acme::store::may_use_group(::getegid()));
    CHECK(acme::store::may_use_group(other_group()));
    CHECK(acme::store::may_use_group(4000000000U) == (::geteuid() == 0));
}

TEST_CASE("remove_lineage removes the lineage and its lock file, nothing else", "[store]") {
    TempHome home;
    FileStore store(home.path());
    for (const char* name : {"gone.example", "kept.example"}) {
        store.write_config(name, {{"domains", {name}}});
        store.activate_version(name, store.write_version(name, sample_files(name)));
        store.write_state(name, {{"consecutive_failures", 0}});
    }
    {
        auto lock = store.try_lock("gone.example");
        REQUIRE(lock);
        store.remove_lineage("gone.example");
    }
    CHECK(!fs::exists(home.path() / "certs" / "gone.example"));
    CHECK(!fs::exists(home.path() / "locks" / "gone.example.lock"));
    CHECK(fs::directory_entry(home.path() / "certs").exists());
    std::size_t left = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(home.path() / "certs")) {
        ++left; // no hidden leftover of the removal
    }
    CHECK(left == 1);
    CHECK(store.list_lineages() == std::vector<std::string>{"kept.example"});
    CHECK(store.current_version("kept.example") == 1);
    CHECK(thrown_kind([&] { store.remove_lineage("../x"); }) == "usage");
}
