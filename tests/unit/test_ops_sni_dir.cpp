// The per-SNI folder (src/ops/sni_dir.cpp) over a real file store, with
// certificates made by the openssl command line.
#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "crypto/key.hpp"
#include "crypto/x509.hpp"
#include "ops/sni_dir.hpp"
#include "shell_helpers.hpp"
#include "store/file_store.hpp"
#include "store/group.hpp"

#include <atomic>
#include <fcntl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using acme::ops::sni_entry_name;
using acme::ops::update_sni_dir;
using acme::store::FileStore;
using acme::test::run;
using acme::test::slurp;
using acme::test::TempDir;
namespace fs = std::filesystem;

namespace {

int g_serial = 0x100;

// A new current version of lineage `name` certifying `sans` (openssl's
// subjectAltName syntax: "DNS:a.test,IP:127.0.0.1"), valid for `days`.
void add_version(const FileStore& store, const std::string& name, const std::string& sans,
                 int days = 30, const nlohmann::json& extra = nlohmann::json::object()) {
    TempDir tmp;
    const auto cert = (tmp.path() / "c.pem").string();
    const auto key = (tmp.path() / "k.pem").string();
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + key +
        " -out " + cert + " -subj /CN=sni-test -addext 'subjectAltName=" + sans + "' -days " +
        std::to_string(days) + " -set_serial " + std::to_string(++g_serial) + " 2>/dev/null");
    const auto pem = slurp(cert);
    REQUIRE_FALSE(pem.empty());
    nlohmann::json config = {{"name", name}};
    config.update(extra);
    store.write_config(name, config);
    store.activate_version(name, store.write_version(name, {pem, "", pem, slurp(key)}));
}

std::string link_of(const fs::path& path) {
    return fs::read_symlink(path).string();
}

bool pair_matches(const fs::path& entry) {
    const auto key = acme::crypto::PrivateKey::from_pem(slurp(entry / "privkey.pem"));
    return acme::crypto::key_matches_certificate(key, slurp(entry / "fullchain.pem"));
}

struct Fixture {
    TempDir tmp;
    FileStore store{tmp.path() / "home"};
    fs::path dir = tmp.path() / "sni";
    acme::NullLogger log;

    acme::ops::SniReport update() { return update_sni_dir(store, dir, log); }
    std::size_t targets(const std::string& lineage) const {
        auto it = fs::directory_iterator(dir / ".versions" / lineage);
        return static_cast<std::size_t>(std::distance(it, fs::directory_iterator()));
    }
};

} // namespace

TEST_CASE("sni_entry_name spells names as one safe path component", "[ops][sni]") {
    CHECK(sni_entry_name("www.example.com") == "www.example.com");
    CHECK(sni_entry_name("WWW.Example.COM") == "www.example.com");
    CHECK(sni_entry_name("*.example.com") == "_wildcard.example.com");
    CHECK(sni_entry_name("xn--bcher-kva.example") == "xn--bcher-kva.example");
    CHECK_FALSE(sni_entry_name("127.0.0.1").has_value());
    CHECK_FALSE(sni_entry_name("::1").has_value());
    for (const std::string& bad : std::vector<std::string>{
             "", ".", "..", "../etc", "a/b", ".hidden", "a..b", "trailing.", "*", "a.*.b", "*.",
             "**.a", "sp ace", "tab\t", "new\nline", "_wildcard.example.com", "a%2fb",
             std::string(254, 'a'), std::string("nul\0x", 5)}) {
        INFO(bad);
        CHECK_THROWS_AS(sni_entry_name(bad), acme::Error);
    }
    CHECK_THROWS_WITH(sni_entry_name("../etc"),
                      Catch::Contains("'../etc' cannot be an SNI folder entry"));
}

TEST_CASE("update_sni_dir links every name of every lineage to its pair", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test,DNS:www.a.test,IP:127.0.0.1");
    add_version(f.store, "wild", "DNS:*.w.test,DNS:w.test");
    const auto report = f.update();
    CHECK(report.problems.empty());
    CHECK(report.entries == 4);
    CHECK(report.linked ==
          std::vector<std::string>{"_wildcard.w.test", "a.test", "w.test", "www.a.test"});
    for (const auto* entry : {"a.test", "www.a.test", "_wildcard.w.test", "w.test"}) {
        INFO(entry);
        REQUIRE(fs::is_symlink(f.dir / entry));
        CHECK(link_of(f.dir / entry).starts_with(".versions/"));
        CHECK(pair_matches(f.dir / entry));
        struct stat st {};
        REQUIRE(::stat((f.dir / entry / "privkey.pem").c_str(), &st) == 0);
        CHECK((st.st_mode & 07777) == 0600);
    }
    CHECK(link_of(f.dir / "a.test") == link_of(f.dir / "www.a.test")); // one pair per lineage
    CHECK(slurp(f.dir / "a.test" / "fullchain.pem") ==
          slurp(f.store.current_dir("web") / "fullchain.pem"));
    CHECK_FALSE(fs::exists(fs::symlink_status(f.dir / "127.0.0.1")));
    // Nothing to do the second time.
    const auto again = f.update();
    CHECK(again.linked.empty());
    CHECK(again.removed.empty());
}

TEST_CASE("a new version moves the links and keeps one previous pair", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test");
    f.update();
    const auto first = link_of(f.dir / "a.test");
    add_version(f.store, "web", "DNS:a.test");
    CHECK(f.update().linked == std::vector<std::string>{"a.test"});
    const auto second = link_of(f.dir / "a.test");
    CHECK(second != first);
    CHECK(second.starts_with(".versions/web/2-"));
    CHECK(fs::is_directory(f.dir / first)); // a handshake may still be reading it
    add_version(f.store, "web", "DNS:a.test");
    f.update();
    CHECK_FALSE(fs::exists(f.dir / first));
    CHECK(fs::is_directory(f.dir / second));
    CHECK(f.targets("web") == 2);
    CHECK(pair_matches(f.dir / "a.test"));
}

TEST_CASE("a reader through an entry never meets a mismatched pair", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test");
    f.update();
    std::atomic<bool> done{false};
    std::atomic<int> mismatches{0}, missing{0}, reads{0};
    std::thread reader([&] {
        const auto entry = (f.dir / "a.test").string();
        while (!done) {
            // What nginx does per handshake, but through one resolution of the link.
            acme::UniqueFd folder(::open(entry.c_str(), O_RDONLY | O_DIRECTORY));
            if (!folder) {
                ++missing; // the entry itself must always be there
                continue;
            }
            const auto path = "/proc/self/fd/" + std::to_string(folder.get());
            try {
                mismatches += pair_matches(path) ? 0 : 1;
                ++reads;
            } catch (const acme::Error&) {
                // a pair pruned two versions later while this reader lingered
            }
        }
    });
    for (int i = 0; i < 12; ++i) {
        add_version(f.store, "web", "DNS:a.test");
        f.update();
    }
    done = true;
    reader.join();
    CHECK(mismatches == 0);
    CHECK(missing == 0);
    CHECK(reads > 0);
}

TEST_CASE("names a lineage no longer has, and deleted lineages, leave the folder", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test,DNS:old.a.test");
    add_version(f.store, "gone", "DNS:g.test");
    f.update();
    add_version(f.store, "web", "DNS:a.test");
    f.store.remove_lineage("gone");
    const auto report = f.update();
    CHECK(report.removed == std::vector<std::string>{"g.test", "old.a.test"});
    CHECK_FALSE(fs::exists(fs::symlink_status(f.dir / "old.a.test")));
    CHECK_FALSE(fs::exists(f.dir / ".versions" / "gone"));
    CHECK(fs::is_symlink(f.dir / "a.test"));
}

TEST_CASE("the operator's own entries and unreadable lineages are left alone", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test,DNS:mine.test");
    add_version(f.store, "other", "DNS:o.test");
    fs::create_directories(f.dir / "mine.test");
    acme::test::run("echo hand-made > " + (f.dir / "mine.test" / "fullchain.pem").string());
    fs::create_directory_symlink("/etc", f.dir / "elsewhere");
    auto report = f.update();
    REQUIRE(report.problems.size() == 1);
    CHECK_THAT(report.problems[0], Catch::Contains("mine.test") &&
                                       Catch::Contains("is not acmectl's link: left alone"));
    CHECK(slurp(f.dir / "mine.test" / "fullchain.pem") == "hand-made\n");
    CHECK(fs::is_symlink(f.dir / "elsewhere"));
    // A lineage that cannot be read keeps what it had; the others go on.
    const auto before = link_of(f.dir / "o.test");
    add_version(f.store, "web", "DNS:a.test,DNS:mine.test");
    acme::test::run("echo '{' > " + (f.store.lineage_dir("other") / "config.json").string());
    report = f.update();
    CHECK(link_of(f.dir / "o.test") == before);
    CHECK(fs::is_directory(f.dir / before));
    CHECK(report.linked == std::vector<std::string>{"a.test"});
    REQUIRE(report.problems.size() == 2);
    CHECK_THAT(report.problems[0], Catch::StartsWith("other: not read"));
}

TEST_CASE("a name that cannot be an entry is named, the others are linked", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test,DNS:_wildcard.a.test");
    const auto report = f.update();
    CHECK(report.linked == std::vector<std::string>{"a.test"});
    REQUIRE(report.problems.size() == 1);
    CHECK_THAT(report.problems[0], Catch::StartsWith("web: '_wildcard.a.test' cannot be"));
}

TEST_CASE("a name of two lineages goes to the later certificate", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "short", "DNS:s.test,DNS:both.test", 10);
    add_version(f.store, "long", "DNS:both.test", 60);
    f.update();
    CHECK(link_of(f.dir / "both.test").starts_with(".versions/long/"));
    CHECK(link_of(f.dir / "s.test").starts_with(".versions/short/"));
}

TEST_CASE("privkey.pem keeps the lineage's key group and mode", "[ops][sni]") {
    Fixture f;
    const auto group = acme::store::group_name(::getgid());
    add_version(f.store, "web", "DNS:a.test", 30, {{"key_group", group}});
    REQUIRE(f.update().problems.empty());
    struct stat st {};
    REQUIRE(::stat((f.dir / "a.test" / "privkey.pem").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(st.st_gid == ::getgid());
    REQUIRE(::stat((f.dir / "a.test" / "fullchain.pem").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
}

TEST_CASE("leftovers of a killed update are removed", "[ops][sni]") {
    Fixture f;
    add_version(f.store, "web", "DNS:a.test");
    f.update();
    fs::create_symlink(".versions/web/x", f.dir / ".link.tmp-99999");
    fs::create_directories(f.dir / ".versions" / "web" / ".tmp-99999");
    f.update();
    CHECK_FALSE(fs::exists(fs::symlink_status(f.dir / ".link.tmp-99999")));
    CHECK_FALSE(fs::exists(f.dir / ".versions" / "web" / ".tmp-99999"));
    CHECK(f.targets("web") == 1);
}
