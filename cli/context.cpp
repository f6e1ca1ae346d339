#include "context.hpp"

#include "acme/server_alias.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "run_log.hpp"
#include "store/open_store.hpp"
#include "usage_hints.hpp"
#include "value_sets.hpp"

#include <cstdlib>
#include <iostream>
#include <pwd.h>
#include <unistd.h>

namespace acmectl {

namespace {

void add_store_options(CLI::App& g, GlobalOptions& o) {
    g.add_option("--store", o.store,
                 "Shared store URL: etcd://HOST:PORT[,HOST:PORT...]/PREFIX or etcds://... "
                 "(default: the file store in --home)")
        ->envname("ACMECTL_STORE");
    g.add_option("--node", o.node, "This node's name in etcd locks (default: the hostname)");
    g.add_option("--store-key-file", o.store_key_file,
                 "Fleet key file (0600) sealing private keys in etcd (store init-key)");
    g.add_option("--store-ca", o.store_ca, "PEM roots trusted for etcds:// endpoints")
        ->check(CLI::ExistingFile);
    g.add_option("--store-cert", o.store_cert, "Client certificate (PEM) for etcds://")
        ->check(CLI::ExistingFile);
    g.add_option("--store-key", o.store_key, "Key of --store-cert (PEM)")->check(CLI::ExistingFile);
    g.add_option("--store-credentials", o.store_credentials,
                 "File (0600) holding etcd's USER:PASSWORD on one line");
    g.add_option("--store-lock-ttl", o.store_lock_ttl,
                 "Seconds an etcd lineage lock outlives a node that died holding it "
                 "(its lease's TTL)")
        ->check(CLI::Range(5, 3600))
        ->capture_default_str();
}

} // namespace

void add_global_options(CLI::App& app, GlobalOptions& o) {
    auto* g = app.add_option_group("Global options");
    g->add_option("--home", o.home,
                  "Store folder (default /var/lib/acmectl as root, else "
                  "~/.local/state/acmectl)")
        ->envname("ACMECTL_HOME");
    g->add_option("--server", o.server,
                  "ACME directory URL, or letsencrypt, letsencrypt-staging, zerossl, google, "
                  "google-staging, buypass, buypass-staging (zerossl and google require EAB "
                  "credentials: register --eab-kid --eab-hmac-key-file)")
        ->envname("ACMECTL_SERVER")
        ->check(value_sets::suggest(value_sets::server_aliases()))
        ->check(https_directory())
        ->capture_default_str();
    g->add_option("--config", o.config,
                  "Read defaults from FILE instead of "
                  "/etc/acmectl/acmectl.conf (see acmectl.conf(5))");
    g->add_option("--ca-bundle", o.ca_bundle, "PEM file of roots trusted for the CA's HTTPS")
        ->check(CLI::ExistingFile);
    g->add_flag("--insecure", o.insecure,
                "Do not verify the CA's HTTPS certificate (testing only)");
    g->add_flag("--json", o.json,
                "Print the result as JSON on stdout: one document (expiry: one JSON object per "
                "line)");
    g->add_flag("-v,--verbose", o.verbose, "More progress detail, with timings (repeatable)");
    g->add_flag("-q,--quiet", o.quiet, "Print errors only");
    g->add_option("--hook-env", o.hook_env,
                  "Pass this variable of acmectl's environment on to hooks (repeatable); they "
                  "get only PATH, HOME, LANG, LC_*, TZ and their documented variables otherwise");
    g->add_option("--log-format", o.log_format, "Format of $ACMECTL_HOME/log/acmectl.log")
        ->check(value_sets::one_of(value_sets::log_formats()))
        ->capture_default_str();
    add_store_options(*g, o);
}

namespace {

// $HOME, else the passwd entry (cron and `env -i` leave HOME unset): never
// the current folder, which would scatter stores wherever acmectl ran.
std::filesystem::path user_home() {
    if (const char* home = std::getenv("HOME"); home && *home == '/') {
        return home;
    }
    if (const auto* pw = ::getpwuid(::geteuid()); pw && pw->pw_dir && *pw->pw_dir == '/') {
        return pw->pw_dir;
    }
    throw acme::Error(acme::ErrorKind::usage,
                      "no home folder for user " + std::to_string(::geteuid()) +
                          " (HOME is unset and the passwd entry names none): pass --home DIR "
                          "or set ACMECTL_HOME");
}

} // namespace

std::filesystem::path resolve_home(const GlobalOptions& o) {
    if (!o.home.empty()) {
        return o.home;
    }
    if (geteuid() == 0) {
        return "/var/lib/acmectl";
    }
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg == '/') {
        return std::filesystem::path(xdg) / "acmectl";
    }
    return user_home() / ".local/state/acmectl";
}

std::string resolve_server_url(const GlobalOptions& o) {
    return acme::resolve_server(o.server);
}

std::unique_ptr<acme::http::CurlClient> make_transport(const GlobalOptions& o,
                                                       const std::string& ca_bundle) {
    acme::http::ClientOptions options;
    options.ca_bundle = o.ca_bundle.empty() ? ca_bundle : o.ca_bundle;
    options.insecure = o.insecure;
    return std::make_unique<acme::http::CurlClient>(options);
}

std::unique_ptr<acme::store::Store> open_store(const GlobalOptions& o, const std::string& url) {
    acme::store::StoreOptions options;
    options.url = url;
    options.home = resolve_home(o);
    options.node = o.node;
    options.ca_file = o.store_ca;
    options.cert_file = o.store_cert;
    options.key_file = o.store_key;
    options.credentials_file = o.store_credentials;
    options.fleet_key_file = o.store_key_file;
    options.lock_ttl = o.store_lock_ttl;
    return acme::store::open_store(options);
}

std::unique_ptr<acme::store::Store> open_store(const GlobalOptions& o) {
    return open_store(o, o.store);
}

StderrLogger::StderrLogger(const GlobalOptions& o)
    : m_verbose(o.verbose), m_quiet(o.quiet), m_start(std::chrono::steady_clock::now()) {}

void StderrLogger::log(acme::LogLevel level, const std::string& message) {
    if (auto* file = run_log()) {
        file->write(level, message); // every level: hook output belongs in the log
    }
    if (m_quiet && level != acme::LogLevel::warn) {
        return;
    }
    if (level == acme::LogLevel::debug && m_verbose == 0) {
        return;
    }
    std::lock_guard guard(m_mutex);
    if (m_verbose > 0) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - m_start);
        std::cerr << "[" << ms.count() << " ms] ";
    }
    std::cerr << (level == acme::LogLevel::warn ? "warning: " : "") << message << '\n';
}

void print_json(const nlohmann::json& doc) {
    std::cout << doc.dump(2) << std::endl;
}

nlohmann::json time_or_null(const std::optional<std::chrono::sys_seconds>& t) {
    return t ? nlohmann::json(acme::iso8601_utc(*t)) : nlohmann::json();
}

} // namespace acmectl
