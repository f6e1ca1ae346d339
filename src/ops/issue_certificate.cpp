#include "ops/issue_certificate.hpp"

#include "acme/names.hpp"
#include "acme/order.hpp"
#include "acme/problem.hpp"
#include "challenge/dns01_hook.hpp"
#include "challenge/dns01_rfc2136.hpp"
#include "challenge/http01_shared.hpp"
#include "challenge/http01_webroot.hpp"
#include "challenge/manual.hpp"
#include "challenge/tls_alpn01.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "crypto/csr.hpp"
#include "ops/authorize.hpp"
#include "ops/certificate_checks.hpp"
#include "ops/fleet_http01.hpp"
#include "ops/lineage_state.hpp"
#include "ops/recovery.hpp"
#include "ops/version_policy.hpp"
#include "renew/policy.hpp"
#include "store/atomic_file.hpp"

#include <algorithm>

namespace acme::ops {

namespace {

using std::chrono::milliseconds;

challenge::Dns01HookOptions hook_options(const SolverConfig& config) {
    challenge::Dns01HookOptions options;
    options.command = config.dns_hook;
    options.certbot_style = config.certbot_hooks;
    options.cleanup_command = config.dns_cleanup_hook;
    options.wait = std::chrono::seconds(config.dns_wait);
    options.resolver = config.dns_resolver;
    return options;
}

challenge::Dns01Rfc2136Options rfc2136_options(const SolverConfig& config) {
    challenge::Dns01Rfc2136Options options;
    options.server = config.rfc2136_server;
    options.zone = config.rfc2136_zone;
    options.tsig_key = config.tsig_key;
    options.wait = std::chrono::seconds(config.dns_wait);
    options.resolver = config.dns_resolver;
    return options;
}

// Throws Error(usage) for a solver that cannot work as configured (a bad
// hook command, a manual lineage renewed without a terminal), Error(config)
// for an unknown kind.
std::unique_ptr<challenge::Solver> make_solver(const SolverConfig& config, const std::string& name,
                                               Clock::time_point deadline, Logger& log) {
    solver_challenge_type(config.kind); // refuses unknown kinds
    if (config.kind == "webroot") {
        return std::make_unique<challenge::WebrootHttp01>(config.webroot);
    }
    if (config.kind == "dns-hook") {
        auto options = hook_options(config);
        options.deadline = deadline;
        return std::make_unique<challenge::Dns01Hook>(options, log);
    }
    if (config.kind == "dns-rfc2136") {
        auto options = rfc2136_options(config);
        options.deadline = deadline;
        return std::make_unique<challenge::Dns01Rfc2136>(options, log);
    }
    if (config.kind == "alpn") {
        return std::make_unique<challenge::TlsAlpn01>(config.tls_address, config.tls_port);
    }
    if (config.kind == "manual" || config.kind == "manual-dns") {
        if (!config.manual.show || !config.manual.confirm) {
            throw Error(ErrorKind::usage,
                        "lineage " + name + " answers its challenges by hand (--manual) and " +
                            "cannot renew unattended: run 'acmectl issue --" + config.kind +
                            " --force' for " +
                            "it at a terminal, or issue it again with another solver");
        }
        if (config.kind == "manual-dns") {
            return std::make_unique<challenge::ManualDns01>(
                config.manual,
                challenge::dns01_propagation(hook_options(config).wait, config.dns_resolver),
                deadline, log);
        }
        return std::make_unique<challenge::ManualHttp01>(config.manual);
    }
    return std::make_unique<challenge::SharedStandaloneHttp01>(config.http_address,
                                                               config.http_port);
}

std::vector<std::string> values(const std::vector<Identifier>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids) {
        out.push_back(id.value);
    }
    return out;
}

// Same set of names, order aside: issuing again for it is a no-op without --force.
bool same_names(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

// What the lineage's current version is, as the result of an issue.
IssueResult current_result(const store::Store& store, const std::string& name,
                           const nlohmann::json& config, const std::string& status) {
    IssueResult result;
    result.status = status;
    result.name = name;
    auto stored = config.value("domains", nlohmann::json::array());
    if (stored.is_array()) {
        result.domains = stored.get<std::vector<std::string>>();
    }
    result.version = *store.current_version(name);
    result.dir = store.current_dir(name);
    result.cert = crypto::read_certificate(store::read_file(result.dir / "cert.pem"));
    result.key_type = config.value("key_type", "");
    result.due = renew::lifetime_renewal_time(result.cert.not_before, result.cert.not_after);
    return result;
}

std::optional<IssueResult> existing_result(const store::Store& store, const std::string& name,
                                           const std::vector<std::string>& domains) {
    if (!store.lineage_exists(name) || !store.current_version(name)) {
        return std::nullopt;
    }
    auto config = store.read_config(name);
    auto stored = config.value("domains", nlohmann::json::array());
    if (!stored.is_array() || !same_names(stored.get<std::vector<std::string>>(), domains)) {
        return std::nullopt;
    }
    auto result = current_result(store, name, config, "exists");
    result.domains = domains;
    return result;
}

// --reuse-key with another --key-type than the key's: refused (as certbot
// does) unless --force says to make a key of the new type.
void require_key_change(const IssueRequest& request, const std::string& name,
                        crypto::KeyType current) {
    if (!request.force) {
        throw Error(ErrorKind::usage, "--key-type " + crypto::key_type_name(request.key_type) +
                                          " contradicts --reuse-key: the key of " + name + " is " +
                                          crypto::key_type_name(current) +
                                          " (add --force to make a new " +
                                          crypto::key_type_name(request.key_type) + " key)");
    }
}

// A key whose certificate was revoked as compromised is never certified
// again, whatever --reuse-key says (a CA would refuse it anyway).
bool current_key_compromised(const store::Store& store, const std::string& name) {
    const auto state = state_from_json(store.read_state(name));
    if (state.revoked_reason != "keyCompromise") {
        return false;
    }
    const auto cert = crypto::read_certificate(
        crypto::split_pem_chain(store::read_file(store.current_dir(name) / "cert.pem", 1 << 20))
            .front());
    return key_compromised(state, cert.serial_hex);
}

std::optional<crypto::PrivateKey> certificate_key(const store::Store& store,
                                                  const IssueRequest& request,
                                                  const std::string& name, Logger& log) {
    if (!request.csr_path.empty()) {
        return std::nullopt;
    }
    if (request.reuse_key && store.current_version(name)) {
        auto path = store.current_dir(name) / "privkey.pem";
        if (current_key_compromised(store, name)) {
            log.info(name + ": the current key was revoked as compromised: making a new key");
        } else if (std::filesystem::exists(path)) {
            auto key = crypto::PrivateKey::from_pem(store::read_file(path));
            if (!request.key_type_given || key.type() == request.key_type) {
                return key;
            }
            require_key_change(request, name, key.type());
            log.info(name + ": making a new " + crypto::key_type_name(request.key_type) + " key");
        }
    }
    return crypto::PrivateKey::generate(request.key_type);
}

// The CA's answer is untrusted: the leaf must carry our key and every name.
void check_leaf(const crypto::CertInfo& leaf, const std::string& leaf_pem,
                const std::optional<crypto::PrivateKey>& key,
                const std::vector<std::string>& domains) {
    if (key && !crypto::key_matches_certificate(*key, leaf_pem)) {
        throw Error(ErrorKind::protocol, "the CA's certificate does not match our private key");
    }
    for (const auto& d : domains) {
        if (std::find(leaf.sans.begin(), leaf.sans.end(), d) == leaf.sans.end()) {
            throw Error(ErrorKind::protocol, "the CA's certificate does not name " + d);
        }
    }
}

// PEM blocks [from, to) as one bundle, each ending in a newline.
std::string join(const std::vector<std::string>& certs, std::size_t from,
                 std::size_t to = std::string::npos) {
    std::string out;
    for (std::size_t i = from; i < std::min(to, certs.size()); ++i) {
        out += certs[i];
        if (!out.empty() && out.back() != '\n') {
            out += '\n';
        }
    }
    return out;
}

// The solver is begun before the order is created, so that a port in use or
// an unwritable webroot fails before the CA is asked for anything.
// A CA may refuse `replaces` (alreadyReplaced, or a certificate it did not
// issue): then the order is asked for once more without it (RFC 9773 §5).
Order create_order(Client& client, const std::vector<Identifier>& ids, const std::string& replaces,
                   const std::string& profile, Logger& log) {
    try {
        return new_order(client, {ids, replaces, profile});
    } catch (const Problem& p) {
        if (replaces.empty() ||
            !(p.is(problem_type::already_replaced) || p.is(problem_type::malformed))) {
            throw;
        }
        log.info("The CA refused to mark the old certificate as replaced; ordering without it");
        return new_order(client, {ids, "", profile});
    }
}

Order run_order(Client& client, const std::vector<Identifier>& ids, const IssueRequest& request,
                challenge::Solver& solver, Clock::time_point deadline, Logger& log) {
    SolverScope scope(solver);
    log.info("Creating an order for " + std::to_string(ids.size()) + " name(s)");
    auto order = create_order(client, ids, request.replaces, request.profile, log);
    if (order.status == "pending") {
        authorize_order(client, order, scope, deadline, log);
        // Every authorization is valid now, which makes the order "ready"
        // (RFC 8555 §7.1.6): finalize without fetching it first. A CA that
        // lags behind answers orderNotReady, and finalize_when_ready polls.
        order.status = "ready";
    }
    if (order.status != "ready" && order.status != "valid") {
        if (order.error.is_object()) {
            throw problem_from_json(order.error, "the order");
        }
        throw Error(ErrorKind::acme_problem, "the CA set the order to '" + order.status + "'");
    }
    return order;
}

std::string finalize_and_download(Client& client, Order order, const std::string& csr_der,
                                  const std::string& preferred_chain, Clock::time_point deadline,
                                  Logger& log) {
    if (order.status == "ready") {
        log.info("Finalizing the order");
        order = finalize_when_ready(client, order, csr_der, deadline);
        if (order.status != "valid") {
            order = wait_order(client, order.url, deadline);
        }
    }
    if (order.status != "valid" || order.certificate.empty()) {
        if (order.error.is_object()) {
            throw problem_from_json(order.error, "the finalize request");
        }
        throw Error(ErrorKind::acme_problem, "the CA left the order '" + order.status + "'");
    }
    log.info("Downloading the certificate");
    auto chains = download_chains(client, order.certificate);
    return chains[choose_chain(chains, preferred_chain)];
}

nlohmann::json default_hooks() {
    return {{"deploy", nlohmann::json::array()}, {"install", nlohmann::json::array()}};
}

// Hooks and endpoints registered on a lineage survive a reissue with other names.
nlohmann::json config_to_save(const store::Store& store, const IssueRequest& request,
                              const std::vector<std::string>& domains, const std::string& name) {
    auto config = lineage_config(request, domains, name);
    if (!store.lineage_exists(name)) {
        return config;
    }
    const auto old = store.read_config(name);
    if (request.hooks.is_null() && old.contains("hooks") && old["hooks"].is_object()) {
        config["hooks"] = old["hooks"];
    }
    if (request.endpoints.is_null() && old.contains("endpoints") && old["endpoints"].is_array()) {
        config["endpoints"] = old["endpoints"];
    }
    return config;
}

// A --csr lineage keeps its own copy of the CSR: renew must not depend on
// the user's file staying where it was. Returns the copy's absolute path.
std::string keep_csr(const store::Store& store, const std::string& name, const std::string& text) {
    const auto path = std::filesystem::absolute(store.lineage_dir(name) / "csr.pem");
    store::write_file_atomic(path, text, 0644);
    return path.string();
}

// A CA certifies the subjectAltName entries only (CA/B Baseline Requirements):
// a name only in the subject's CN would make the CA refuse the finalize, after
// the whole order was validated.
void require_sans(const crypto::CsrInfo& csr, const std::string& path) {
    const auto sans = values(parse_identifiers(csr.sans.empty() ? csr.names : csr.sans));
    for (const auto& id : parse_identifiers(csr.names)) {
        if (csr.sans.empty() || std::find(sans.begin(), sans.end(), id.value) == sans.end()) {
            throw Error(ErrorKind::usage,
                        "the CSR " + path + " names " + id.value +
                            " outside its subjectAltName: make it with -addext subjectAltName=" +
                            (id.type == "ip" ? "IP:" : "DNS:") + id.value);
        }
    }
}

// A new lineage for exactly the names of an existing one is most often a
// mistake (a default name where the user once chose --name): say which.
void warn_same_names(const store::Store& store, const std::string& name,
                     const std::vector<std::string>& domains, Logger& log) {
    if (store.lineage_exists(name)) {
        return;
    }
    for (const auto& other : store.list_lineages()) {
        try {
            const auto stored = store.read_config(other).value("domains", nlohmann::json::array());
            if (stored.is_array() && same_names(stored.get<std::vector<std::string>>(), domains)) {
                log.warn("lineage " + other + " already has these names: this makes another " +
                         "lineage, " + name + " (use --name " + other + " for that one)");
                return;
            }
        } catch (const std::exception&) {
            // an unreadable lineage is check's business, not a reason to refuse this one
        }
    }
}

} // namespace

std::pair<std::vector<std::string>, std::string> plan_names(const IssueRequest& request) {
    auto names = request.names;
    if (!request.csr_path.empty()) {
        auto csr = crypto::read_csr(store::read_file(request.csr_path, 1 << 20));
        if (!names.empty() &&
            !same_names(values(parse_identifiers(names)), values(parse_identifiers(csr.names)))) {
            throw Error(ErrorKind::usage, "the names given with -d differ from the CSR's names");
        }
        names = csr.names;
        require_sans(csr, request.csr_path);
    }
    auto ids = parse_identifiers(names);
    // RFC 8555 §7.1.3: a CA validates wildcards with dns-01 only.
    const auto type = solver_challenge_type(request.solver.kind);
    for (const auto& id : ids) {
        if (type != "dns-01" && id.value.rfind("*.", 0) == 0) {
            throw Error(ErrorKind::usage, "'" + id.value + "' is a wildcard name: the CA " +
                                              "validates wildcards only with dns-01, not " + type);
        }
    }
    // A bad hook, server or key file fails before any network.
    if (request.solver.kind == "dns-hook") {
        challenge::check_dns01_hook_options(hook_options(request.solver));
    } else if (request.solver.kind == "dns-rfc2136") {
        challenge::check_dns01_rfc2136_options(rfc2136_options(request.solver));
    }
    auto name = request.lineage_name.empty() ? lineage_name_for(ids.front()) : request.lineage_name;
    store::Store::check_lineage_name(name);
    return {values(ids), name};
}

std::string solver_challenge_type(const std::string& kind) {
    if (kind == "standalone" || kind == "webroot" || kind == "manual") {
        return "http-01";
    }
    if (kind == "dns-hook" || kind == "dns-rfc2136" || kind == "manual-dns") {
        return "dns-01";
    }
    if (kind == "alpn") {
        return "tls-alpn-01";
    }
    throw Error(ErrorKind::config, "unknown solver kind '" + kind + "'");
}

void require_profile(const Directory& directory, const std::string& profile) {
    if (profile.empty()) {
        return;
    }
    const auto& offered = directory.profiles;
    if (!offered.is_object() || offered.empty()) {
        throw Error(ErrorKind::usage, "the CA offers no profiles: cannot order profile '" +
                                          profile + "'; drop --profile");
    }
    if (offered.contains(profile)) {
        return;
    }
    std::string names;
    for (const auto& item : offered.items()) {
        names += (names.empty() ? "" : ", ") + item.key();
    }
    throw Error(ErrorKind::usage, "unknown profile '" + profile + "'; the CA offers: " + names);
}

namespace {

nlohmann::json solver_config(const SolverConfig& solver) {
    nlohmann::json out = {{"kind", solver.kind}};
    if (solver.kind == "webroot") {
        out["webroot"] = solver.webroot;
    } else if (solver.kind == "dns-hook") {
        out["dns_hook"] = solver.dns_hook;
        if (solver.certbot_hooks) {
            out["certbot_hooks"] = true;
            out["dns_cleanup_hook"] = solver.dns_cleanup_hook;
        }
        out["dns_wait"] = solver.dns_wait;
        out["dns_resolver"] = solver.dns_resolver;
    } else if (solver.kind == "dns-rfc2136") {
        out["rfc2136_server"] = solver.rfc2136_server;
        out["rfc2136_zone"] = solver.rfc2136_zone;
        out["tsig_key"] = solver.tsig_key;
        out["dns_wait"] = solver.dns_wait;
        out["dns_resolver"] = solver.dns_resolver;
    } else if (solver.kind == "alpn") {
        out["tls_port"] = solver.tls_port;
        out["tls_address"] = solver.tls_address;
    } else if (solver.kind == "manual-dns") {
        out["dns_wait"] = solver.dns_wait;
        out["dns_resolver"] = solver.dns_resolver;
    } else if (solver.kind != "manual") {
        out["http_port"] = solver.http_port;
        out["http_address"] = solver.http_address;
    }
    return out;
}

} // namespace

nlohmann::json lineage_config(const IssueRequest& request, const std::vector<std::string>& domains,
                              const std::string& name) {
    const auto solver = solver_config(request.solver);
    return {
        {"format", 1},
        {"name", name},
        {"domains", domains},
        {"server", request.server_url},
        {"account", request.account_name},
        {"solver", solver},
        {"key_type", request.csr_path.empty() ? crypto::key_type_name(request.key_type) : ""},
        {"reuse_key", request.reuse_key},
        {"csr", request.csr_path},
        {"ca_bundle", request.ca_bundle},
        {"preferred_chain", request.preferred_chain},
        {"profile", request.profile},
        {"timeout", request.timeout.count()},
        {"hooks", request.hooks.is_object() ? request.hooks : default_hooks()},
        {"endpoints", request.endpoints.is_array() ? request.endpoints : nlohmann::json::array()},
        {"updated_at", utc_now_iso8601()}};
}

IssueResult issue_certificate(const store::Store& store, Client& client,
                              const IssueRequest& request, Logger& log) {
    auto [domains, name] = plan_names(request);
    warn_same_names(store, name, domains, log);
    auto lock = store.try_lock(name);
    if (!lock) {
        throw Error(ErrorKind::conflict, "lineage " + name + " is locked by another acmectl");
    }
    IssueResult result;
    try {
        result = issue_certificate_locked(store, client, request, log, lock.get());
        if (!request.sni_dir.empty() && !request.dry_run) {
            result.sni = try_update_sni_dir(store, request.sni_dir, log);
        }
        if (result.status == "issued") {
            result.hooks = deploy_after_issue(store, name, k_default_hook_timeout, log);
        }
    } catch (...) {
        store.release_lock(name, std::move(lock));
        throw;
    }
    store.release_lock(name, std::move(lock));
    return result;
}

namespace {

// Stores the new version, its config and current, unless the lock was lost.
// The certificate the CA issued is kept in a recovery file first (so that
// even a kill -9 loses nothing), removed once it is stored; when storing
// fails the file stays and the error says where.
int store_issued(const store::Store& store, const store::Lock* lock, const IssueRequest& request,
                 const IssueResult& result, const VersionPolicy& policy,
                 const std::string& csr_text, const std::optional<crypto::PrivateKey>& key) {
    const auto& name = result.name;
    auto saved = request; // the key type actually certified (a reused key keeps its own)
    saved.key_type = key ? key->type() : request.key_type;
    std::filesystem::path kept;
    std::string not_kept; // keeping failed (an unwritable home): storing may still work
    try {
        kept = keep_certificate(store, name, result.files,
                                with_policy(lineage_config(saved, result.domains, name), policy));
    } catch (const std::exception& e) {
        not_kept = e.what();
    }
    try {
        require_lock(lock, name);
        const int version =
            store.write_version(name, result.files, policy.key_mode(), policy.key_gid);
        if (!key) {
            saved.csr_path = keep_csr(store, name, csr_text);
        }
        store.write_config(name,
                           with_policy(config_to_save(store, saved, result.domains, name), policy));
        store.activate_version(name, version);
        std::error_code ignored; // a leftover is stale next time: current is as new
        if (!kept.empty()) {
            std::filesystem::remove(kept, ignored);
        }
        return version;
    } catch (const Error& e) {
        throw Error(e.kind(),
                    e.what() +
                        (not_kept.empty()
                             ? "; the certificate the CA issued is kept in " + kept.string() +
                                   ": the next issue or renew of " + name + " stores it"
                             : "; keeping the certificate failed too: " + not_kept));
    }
}

} // namespace

IssueResult issue_certificate_locked(const store::Store& store, Client& client,
                                     const IssueRequest& request, Logger& log,
                                     const store::Lock* lock) {
    const auto started = Clock::now();
    const auto deadline = started + request.timeout;
    auto [domains, name] = plan_names(request);
    std::error_code no_file;
    if (!request.dry_run && std::filesystem::exists(recovery_path(store, name), no_file)) {
        // A certificate an earlier run could not store goes in before any new order.
        const auto kept_policy = version_policy(store, request, name);
        if (store_kept_certificate(store, name, kept_policy.key_mode(), kept_policy.key_gid, log)) {
            prune_versions(store, name, kept_policy, log);
            return current_result(store, name, store.read_config(name), "issued");
        }
    }
    if (!request.force) {
        if (auto existing = existing_result(store, name, domains)) {
            return *existing;
        }
    }
    auto ids = parse_identifiers(domains);
    require_profile(client.directory(), request.profile);
    // In a fleet (etcd, nodes registered) every node answers http-01, not this one alone.
    auto solver = fleet_http01_solver(store, request.solver.kind, log);
    if (!solver) {
        solver = make_solver(request.solver, name, deadline, log);
    }
    const auto policy = version_policy(store, request, name); // an unknown group fails here
    auto key = certificate_key(store, request, name, log);
    const auto csr_text = key ? std::string() : store::read_file(request.csr_path, 1 << 20);
    auto csr_der = key ? crypto::make_csr_der(*key, domains) : crypto::read_csr(csr_text).der;
    require_lock(lock, name); // another node may hold the lineage now: no second order
    auto order = run_order(client, ids, request, *solver, deadline, log);
    auto pem =
        finalize_and_download(client, order, csr_der, request.preferred_chain, deadline, log);

    auto certs = crypto::split_pem_chain(pem);
    IssueResult result;
    result.cert = crypto::read_certificate(certs.front());
    check_leaf(result.cert, certs.front(), key, domains);
    check_validity_window(
        result.cert, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    check_chain_links(certs);
    result.status = request.dry_run ? "dry-run" : "issued";
    result.name = name;
    result.domains = domains;
    result.key_type = key ? crypto::key_type_name(key->type()) : "";
    result.files = {join(certs, 0, 1), join(certs, 1), join(certs, 0), key ? key->to_pem() : ""};
    if (!request.dry_run) {
        result.version = store_issued(store, lock, request, result, policy, csr_text, key);
        prune_versions(store, name, policy, log);
        result.dir = store.current_dir(name);
        log.info("Saved " + name + " version " + std::to_string(result.version));
    }
    result.due = renew::lifetime_renewal_time(result.cert.not_before, result.cert.not_after);
    result.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
    return result;
}

} // namespace acme::ops
