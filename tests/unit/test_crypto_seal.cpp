#include "common/error.hpp"
#include "crypto/seal.hpp"

#include <catch2/catch.hpp>

using namespace acme;

TEST_CASE("seal and unseal round-trip under the same key and name", "[crypto]") {
    const auto key = crypto::random_fleet_key();
    const auto sealed = crypto::seal(key, "-----BEGIN PRIVATE KEY-----", "/p/certs/a/privkey");
    CHECK(crypto::is_sealed(sealed));
    CHECK(sealed.find("PRIVATE KEY") == std::string::npos);
    CHECK(crypto::unseal(key, sealed, "/p/certs/a/privkey") == "-----BEGIN PRIVATE KEY-----");
    // A fresh nonce each time: the same plaintext never seals the same way.
    CHECK(crypto::seal(key, "x", "n") != crypto::seal(key, "x", "n"));
}

TEST_CASE("a sealed value opens under no other key name and no other key", "[crypto]") {
    const auto key = crypto::random_fleet_key();
    const auto sealed = crypto::seal(key, "secret", "/p/certs/a/privkey");
    CHECK_THROWS_WITH(crypto::unseal(key, sealed, "/p/certs/b/privkey"),
                      Catch::Contains("wrong fleet key, or the value was moved"));
    CHECK_THROWS_AS(crypto::unseal(crypto::random_fleet_key(), sealed, "/p/certs/a/privkey"),
                    Error);
    auto altered = sealed;
    altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
    CHECK_THROWS_AS(crypto::unseal(key, altered, "/p/certs/a/privkey"), Error);
    CHECK_THROWS_WITH(crypto::unseal(key, "plain", "k"), Catch::Contains("not a sealed value"));
    CHECK_THROWS_WITH(crypto::seal("short", "x", "k"), Catch::Contains("32 bytes"));
}
