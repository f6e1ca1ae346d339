// tls::PeerCache: one run's probes share the description and verification
// of a chain, but each gets the answer for its own name and its own chain.
#include "probe/peer_cache.hpp"
#include "probe/tls.hpp"
#include "shell_helpers.hpp"

#include <catch2/catch.hpp>
#include <ctime>

using namespace acme::probe;
using acme::test::run;
using acme::test::slurp;
using acme::test::TempDir;

namespace {

// A root, a leaf it issued for a.test, and a self-signed impostor for a.test.
struct Certs {
    TempDir dir;
    std::string root, leaf_pem, impostor_pem;

    Certs() {
        const auto d = dir.path().string();
        const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
        run("cd " + d + " && openssl req -x509" + ec +
            " -keyout root.key -out root.pem -subj /CN=peer-cache-root -days 2 2>/dev/null"
            " && openssl req -new" +
            ec +
            " -keyout leaf.key -out leaf.csr -subj /CN=a.test 2>/dev/null"
            " && printf 'subjectAltName=DNS:a.test\\n' >leaf.ext"
            " && openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -set_serial 7"
            " -extfile leaf.ext -days 2 -out leaf.pem 2>/dev/null"
            " && openssl req -x509" +
            ec +
            " -keyout imp.key -out imp.pem -subj /CN=a.test -addext subjectAltName=DNS:a.test"
            " -days 2 2>/dev/null");
        root = (dir.path() / "root.pem").string();
        leaf_pem = slurp(dir.path() / "leaf.pem");
        impostor_pem = slurp(dir.path() / "imp.pem");
        REQUIRE_FALSE(leaf_pem.empty());
        REQUIRE_FALSE(impostor_pem.empty());
    }
};

tls::PeerReport report(tls::PeerCache& cache, const tls::ChainPtr& chain, const std::string& name) {
    return cache.report(sk_X509_value(chain.get(), 0), chain.get(), name);
}

} // namespace

TEST_CASE("PeerCache: the same chain is verified for each probe's own name", "[probe]") {
    const Certs certs;
    const tls::Context context(certs.root);
    tls::PeerCache cache(context);
    const tls::ChainPtr leaf = tls::read_certificates(certs.leaf_pem);

    const auto first = report(cache, leaf, "a.test");
    CHECK(first.verification.verified);
    CHECK(first.leaf.subject == "CN=a.test");
    const auto other_name = report(cache, leaf, "b.test");
    CHECK_FALSE(other_name.verification.verified);
    CHECK(other_name.verification.error == "hostname mismatch");
    const auto by_ip = report(cache, leaf, "127.0.0.1");
    CHECK(by_ip.verification.error == "IP address mismatch");
    const auto again = report(cache, leaf, "a.test"); // cached or not: the same answer
    CHECK(again.verification.verified);
    CHECK(again.leaf.sha256_hex == first.leaf.sha256_hex);
    CHECK(again.verification.chain_earliest_not_after ==
          first.verification.chain_earliest_not_after);
}

TEST_CASE("PeerCache: another chain for the same name gets its own answer", "[probe]") {
    const Certs certs;
    const tls::Context context(certs.root);
    tls::PeerCache cache(context);
    const tls::ChainPtr leaf = tls::read_certificates(certs.leaf_pem);
    const tls::ChainPtr impostor = tls::read_certificates(certs.impostor_pem);

    CHECK(report(cache, leaf, "a.test").verification.verified);
    const auto fake = report(cache, impostor, "a.test");
    CHECK_FALSE(fake.verification.verified);
    CHECK(fake.verification.error == "self-signed certificate");
    CHECK(fake.leaf.sha256_hex != report(cache, leaf, "a.test").leaf.sha256_hex);
    // The leaf with the impostor as a (useless) intermediate is a third chain.
    tls::ChainPtr mixed = tls::read_certificates(certs.leaf_pem + certs.impostor_pem);
    CHECK(report(cache, mixed, "a.test").verification.verified);
}

TEST_CASE("tls::verify checks validity at the second it is given", "[probe]") {
    const Certs certs;
    const tls::Context context(certs.root);
    const tls::ChainPtr chain = tls::read_certificates(certs.leaf_pem);
    X509* leaf = sk_X509_value(chain.get(), 0);
    const std::time_t now = std::time(nullptr);

    CHECK(tls::verify(context, leaf, chain.get(), "a.test", now).verified);
    const auto later = tls::verify(context, leaf, chain.get(), "a.test", now + 3 * 86400);
    CHECK_FALSE(later.verified);
    CHECK(later.error == "certificate has expired");
}
