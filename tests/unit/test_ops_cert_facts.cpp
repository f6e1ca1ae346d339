// The verdict on a version's files that renew keeps in state.json and check
// believes only for the very same bytes (issue #20: check of 10,000 lineages).
#include "common/error.hpp"
#include "crypto/key.hpp"
#include "ops/cert_facts.hpp"
#include "ops/check_lineages.hpp"
#include "store/file_store.hpp"
#include "test_pki.hpp"

#include <cstdio>

#include <catch2/catch.hpp>

using namespace acme;

namespace {

store::VersionFiles files_of(const test::Pki& pki) {
    return {pki.leaf_pem, pki.ca_pem, pki.leaf_pem + pki.ca_pem, pki.leaf_key};
}

} // namespace

TEST_CASE("version_facts verifies a version's files once and says so", "[ops][cache]") {
    const test::Pki pki;
    const auto facts = ops::version_facts(files_of(pki), 4);
    CHECK(facts.version == 4);
    CHECK(facts.serial_hex == "1001");
    REQUIRE(facts.files);
    CHECK(facts.files->rules == ops::k_files_rules);
    CHECK(facts.files->chain_issued_leaf);
    CHECK(facts.files->fullchain_starts_with_leaf);
    CHECK(facts.files->key_matches);
    CHECK(ops::has_current_verdict(facts));

    // Files that do not verify still give the certificate's facts, and a
    // verdict that says why (renew does not verify them again each run).
    auto broken = files_of(pki);
    broken.chain = "not a certificate";
    const auto plain = ops::version_facts(broken, 4);
    CHECK(plain.serial_hex == "1001");
    REQUIRE(plain.files);
    CHECK(ops::has_current_verdict(plain));
    CHECK_FALSE(plain.files->error.empty());
    std::string said;
    try {
        ops::check_files(broken, true, plain);
    } catch (const Error& e) {
        said = e.what();
    }
    CHECK(said == plain.files->error); // from the verdict: the same words as a decode's
    CHECK(ops::check_files(files_of(pki), true, plain).chain_issued_leaf); // other bytes: decoded
    broken.cert = "not a certificate";
    CHECK_THROWS_AS(ops::version_facts(broken, 4), Error);
}

TEST_CASE("check_files believes the kept verdict only for the same bytes", "[ops][cache]") {
    const test::Pki pki;
    const auto files = files_of(pki);
    auto facts = ops::version_facts(files, 1);
    // A verdict that says otherwise than the files would: whoever reads it, not
    // the files, answers (the cache is used) exactly while the bytes match.
    facts.files->chain_issued_leaf = false;
    facts.files->key_matches = false;
    const std::optional<ops::CertFacts> cached = facts;

    auto same = ops::check_files(files, true, cached);
    CHECK(same.cached);
    CHECK_FALSE(same.chain_issued_leaf);
    CHECK_FALSE(same.key_matches);
    CHECK(same.serial_hex == "1001");

    SECTION("another chain") {
        auto other = files;
        other.chain = pki.impostor_pem;
        other.fullchain = pki.leaf_pem + pki.impostor_pem;
        const auto c = ops::check_files(other, true, cached);
        CHECK_FALSE(c.cached);
        CHECK_FALSE(c.chain_issued_leaf); // decoded: the impostor did not issue it
        CHECK(c.key_matches);
    }
    SECTION("another key") {
        auto other = files;
        other.privkey = crypto::PrivateKey::generate(crypto::KeyType::ec256).to_pem();
        const auto c = ops::check_files(other, true, cached);
        CHECK_FALSE(c.cached);
        CHECK(c.chain_issued_leaf);
        CHECK_FALSE(c.key_matches);
    }
    SECTION("a key this user did not read: the public files' digest decides") {
        auto other = files;
        other.privkey.clear();
        const auto c = ops::check_files(other, false, cached);
        CHECK(c.cached);
        CHECK_FALSE(c.key_matches);
    }
    SECTION("a verdict of other rules, or none") {
        auto old = facts;
        old.files->rules = ops::k_files_rules + 1;
        CHECK_FALSE(ops::check_files(files, true, old).cached);
        CHECK(ops::check_files(files, true, old).chain_issued_leaf);
        old.files.reset();
        CHECK_FALSE(ops::check_files(files, true, old).cached);
        CHECK_FALSE(ops::check_files(files, true, std::nullopt).cached);
    }
}

TEST_CASE("the files verdict round-trips through state.json, and a bad one is dropped",
          "[ops][cache]") {
    const test::Pki pki;
    ops::LineageState s;
    s.cert = ops::version_facts(files_of(pki), 2);
    auto doc = ops::state_to_json(s);
    CHECK(ops::state_from_json(doc).cert == s.cert);

    SECTION("a digest that is not one") {
        doc["cert"]["files"]["digest"] = "abc";
    }
    SECTION("a verdict that is not a boolean") {
        doc["cert"]["files"]["key_matches"] = "yes";
    }
    SECTION("a name that is not a string") {
        doc["cert"]["files"]["sans"] = nlohmann::json::array({1});
    }
    SECTION("no rules") {
        doc["cert"]["files"].erase("rules");
    }
    SECTION("an error that is not a string") {
        doc["cert"]["files"]["error"] = 1;
    }
    const auto back = ops::state_from_json(doc);
    REQUIRE(back.cert); // what renew needs is kept...
    CHECK(back.cert->serial_hex == "1001");
    CHECK_FALSE(back.cert->files); // ...the verdict is not believed
}

// check shares the lineages of a file store out to a few threads (issue #20):
// each must still get its own verdict, in the store's order.
TEST_CASE("check of many lineages gives each its own verdict, in order", "[ops][check]") {
    const test::Pki pki;
    test::TempDir dir;
    const store::FileStore store(dir.path() / "home");
    constexpr int k_lineages = 600; // more than one thread's share
    for (int i = 0; i < k_lineages; ++i) {
        char name[8];
        std::snprintf(name, sizeof name, "l%03d", i);
        auto files = files_of(pki);
        if (i % 7 == 3) {
            files.chain = pki.impostor_pem;
            files.fullchain = pki.leaf_pem + pki.impostor_pem;
        }
        store.activate_version(name, store.write_version(name, files));
        store.write_config(name, {{"name", name}, {"domains", nlohmann::json::array()}});
    }
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto all = ops::check_lineages(store, {}, probe::Thresholds{0, 0, true}, now);
    REQUIRE(all.size() == k_lineages);
    int critical = 0;
    for (int i = 0; i < k_lineages; ++i) {
        char name[8];
        std::snprintf(name, sizeof name, "l%03d", i);
        INFO(name);
        CHECK(all[i].name == name);
        CHECK(all[i].status == (i % 7 == 3 ? probe::Status::critical : probe::Status::ok));
        CHECK(all[i].serial == "1001");
        critical += all[i].status == probe::Status::critical ? 1 : 0;
    }
    CHECK(critical == 86); // 3, 10, ... 598
}
