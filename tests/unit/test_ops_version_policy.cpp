#include "store/file_store.hpp"
#include "common/error.hpp"
#include "ops/version_policy.hpp"
#include "shell_helpers.hpp"
#include "store/group.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

using namespace acme;

TEST_CASE("version_policy: request, else config.json, else defaults", "[ops]") {
    test::TempDir dir;
    store::FileStore store(dir.path() / "home");
    const std::string own = store::group_name(::getegid());
    ops::IssueRequest request;

    auto fresh = ops::version_policy(store, request, "new.example");
    CHECK(fresh.key_group.empty());
    CHECK(fresh.key_mode() == 0600);
    CHECK(fresh.keep_versions == ops::k_default_keep_versions);

    store.write_config("kept.example", {{"key_group", own}, {"keep_versions", 3}});
    auto kept = ops::version_policy(store, request, "kept.example");
    CHECK(kept.key_group == own);
    CHECK(kept.key_gid == ::getegid());
    CHECK(kept.key_mode() == 0640);
    CHECK(kept.keep_versions == 3);
    auto saved = ops::with_policy(nlohmann::json::object(), kept);
    CHECK(saved["key_group"] == own);
    CHECK(saved["keep_versions"] == 3);

    request.key_group = ""; // owner only again
    request.keep_versions = 7;
    auto changed = ops::version_policy(store, request, "kept.example");
    CHECK(changed.key_group.empty());
    CHECK(changed.key_mode() == 0600);
    CHECK(changed.keep_versions == 7);
}

TEST_CASE("version_policy refuses unknown groups and too few versions", "[ops]") {
    test::TempDir dir;
    store::FileStore store(dir.path() / "home");
    ops::IssueRequest request;
    request.key_group = "acmectl-no-such-group-x9";
    CHECK_THROWS_WITH(ops::version_policy(store, request, "a.example"),
                      "lineage a.example: no group 'acmectl-no-such-group-x9' on this system to "
                      "give its private key to");
    request.key_group.reset();
    request.keep_versions = 1;
    CHECK_THROWS_WITH(ops::version_policy(store, request, "a.example"),
                      Catch::Contains("cannot keep fewer than 2 versions, not 1"));

    // A group removed since issuance fails the renewal before the CA is asked.
    store.write_config("gone.example", {{"key_group", "acmectl-no-such-group-x9"}});
    CHECK_THROWS_WITH(ops::version_policy(store, {}, "gone.example"), Catch::Contains("no group"));
    store.write_config("bad.example", {{"keep_versions", "many"}});
    CHECK_THROWS_AS(ops::version_policy(store, {}, "bad.example"), Error);
}
