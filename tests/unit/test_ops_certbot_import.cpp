// certbot's renewal configuration: the ConfigObj subset certbot writes, and
// how its authenticators map onto acmectl's solvers.
#include "ops/certbot_conf.hpp"
#include "ops/certbot_solver.hpp"
#include "renew/hook_env.hpp"

#include <catch2/catch.hpp>

using namespace acme::ops;

namespace {

const char* k_conf = R"(# renew_before_expiry = 30 days
version = 2.1.0
cert = /etc/letsencrypt/live/a.example/cert.pem

# Options used in the renewal process
[renewalparams]
account = 7bde8bf4bcfa615dd6e7173aac22e4c3
authenticator = webroot
webroot_path = /var/www/a, /var/www/b,
server = https://127.0.0.1:14000/dir
renew_hook = systemctl reload nginx && echo "done"
[[webroot_map]]
a.example = /var/www/a
www.a.example = "/var/www/a"
)";

} // namespace

TEST_CASE("a certbot renewal conf is read section by section", "[ops][certbot]") {
    const auto conf = parse_certbot_conf(k_conf);
    CHECK(conf.top.at("cert") == "/etc/letsencrypt/live/a.example/cert.pem");
    CHECK(conf.param("account") == "7bde8bf4bcfa615dd6e7173aac22e4c3");
    CHECK(conf.param("renew_hook") == "systemctl reload nginx && echo \"done\"");
    CHECK(conf.param("missing").empty());
    CHECK(conf.webroot_map.size() == 2);
    CHECK(certbot_list(conf.param("webroot_path")) ==
          std::vector<std::string>{"/var/www/a", "/var/www/b"});
    CHECK(certbot_list("").empty());
}

TEST_CASE("certbot authenticators become acmectl solvers", "[ops][certbot]") {
    std::vector<std::string> unmapped;
    auto conf = parse_certbot_conf(k_conf);
    auto s = certbot_solver(conf, {"a.example", "www.a.example"}, unmapped);
    CHECK(s.kind == "webroot");
    CHECK(s.webroot == "/var/www/a"); // the map wins over webroot_path, quotes dropped
    CHECK(unmapped.empty());

    conf.webroot_map["www.a.example"] = "/var/www/other";
    s = certbot_solver(conf, {"a.example", "www.a.example"}, unmapped);
    CHECK(s.kind == "manual");
    REQUIRE(unmapped.size() == 1);
    CHECK(unmapped[0].find("2 folders") != std::string::npos);

    unmapped.clear();
    conf.params = {{"authenticator", "standalone"}, {"http01_port", "5002"}};
    s = certbot_solver(conf, {"a.example"}, unmapped);
    CHECK(s.kind == "standalone");
    CHECK(s.http_port == 5002);

    conf.params = {{"authenticator", "manual"},
                   {"pref_challs", "dns-01,"},
                   {"manual_auth_hook", "/etc/le/auth.sh"},
                   {"manual_cleanup_hook", "/etc/le/clean.sh"}};
    s = certbot_solver(conf, {"a.example"}, unmapped);
    CHECK(s.kind == "dns-hook");
    CHECK(s.certbot_hooks);
    CHECK(s.dns_hook == "/etc/le/auth.sh");
    CHECK(s.dns_cleanup_hook == "/etc/le/clean.sh");
    CHECK(unmapped.empty());

    conf.params = {{"authenticator", "dns-cloudflare"}, {"installer", "nginx"}};
    s = certbot_solver(conf, {"a.example"}, unmapped);
    CHECK(s.kind == "manual");
    REQUIRE(unmapped.size() == 2);
    CHECK(unmapped[0].find("installer nginx") != std::string::npos);
    CHECK(unmapped[1].find("dns-cloudflare") != std::string::npos);
    CHECK(unmapped[1].find("--dns-hook") != std::string::npos);
}

TEST_CASE("certbot's challenge variables", "[ops][certbot]") {
    const auto env = acme::renew::certbot_challenge_env("*.a.example", "VALUE", "");
    CHECK(env == acme::renew::EnvList{{"CERTBOT_DOMAIN", "a.example"},
                                      {"CERTBOT_VALIDATION", "VALUE"},
                                      {"CERTBOT_TOKEN", ""}});
}
