#include "ops/import_certbot.hpp"

#include "acme/server_alias.hpp"
#include "common/error.hpp"
#include "common/time_format.hpp"
#include "crypto/digest.hpp"
#include "crypto/jwk.hpp"
#include "crypto/key.hpp"
#include "crypto/x509.hpp"
#include "ops/certbot_conf.hpp"
#include "ops/certbot_solver.hpp"
#include "ops/issue_certificate.hpp"
#include "renew/hook_dir.hpp"
#include "store/atomic_file.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace acme::ops {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json read_json(const fs::path& path) {
    try {
        return json::parse(store::read_file(path, 1 << 20));
    } catch (const json::exception& e) {
        throw Error(ErrorKind::config, path.string() + ": " + e.what());
    }
}

bool same_key(const std::string& pem_a, const crypto::PrivateKey& b) {
    try {
        return crypto::PrivateKey::from_pem(pem_a).public_pem() == b.public_pem();
    } catch (const Error&) {
        return false;
    }
}

// certbot keeps accounts/<host[:port]>/<path of the directory URL>/<id>/.
struct CertbotAccount {
    ImportedAccount report;
    std::string key_pem;
    json contact = json::array();
    std::string status = "valid";
};

// The acmectl name: "default" when free (or already this key), else certbot-<id>.
void choose_account_name(const store::Store& store, CertbotAccount& a,
                         const crypto::PrivateKey& key, std::set<std::string>& taken) {
    for (const auto& name :
         {std::string("default"), "certbot-" + a.report.certbot_id.substr(0, 8)}) {
        if (taken.count(a.report.server + " " + name) != 0) {
            continue;
        }
        auto stored = store.load_account(a.report.server, name);
        if (!stored || same_key(stored->key_pem, key)) {
            a.report.name = name;
            a.report.status = stored ? "exists" : "import";
            taken.insert(a.report.server + " " + name);
            return;
        }
    }
    a.report.status = "skipped";
    a.report.note = "the store has other accounts named default and certbot-<id> for this CA";
}

std::vector<CertbotAccount> read_accounts(const store::Store& store, const fs::path& dir) {
    std::vector<fs::path> folders;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir / "accounts", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename() == "private_key.json") {
            folders.push_back(it->path().parent_path());
        }
    }
    std::sort(folders.begin(), folders.end());
    std::vector<CertbotAccount> out;
    std::set<std::string> taken;
    for (const auto& folder : folders) {
        CertbotAccount a;
        a.report.certbot_id = folder.filename().string();
        a.report.server =
            "https://" + folder.parent_path().lexically_relative(dir / "accounts").string();
        try {
            const auto key = crypto::private_key_from_jwk(read_json(folder / "private_key.json"));
            const auto regr = read_json(folder / "regr.json");
            a.report.url = regr.value("uri", "");
            const auto body = regr.value("body", json::object());
            a.contact = body.value("contact", json::array());
            a.status = body.value("status", "valid");
            a.key_pem = key.to_pem();
            if (a.report.url.empty()) {
                throw Error(ErrorKind::config, "regr.json names no account URL");
            }
            choose_account_name(store, a, key, taken);
        } catch (const Error& e) {
            a.report.status = "skipped";
            a.report.note = e.what();
        }
        out.push_back(std::move(a));
    }
    return out;
}

void save_account(const store::Store& store, const CertbotAccount& a) {
    const auto& r = a.report;
    store.save_account_key(r.server, r.name, a.key_pem);
    store.save_account(
        r.server, r.name,
        {{"url", r.url},
         {"status", a.status},
         {"contact", a.contact},
         {"server", r.server},
         {"key_type", crypto::key_type_name(crypto::PrivateKey::from_pem(a.key_pem).type())},
         {"imported_from", "certbot " + r.certbot_id},
         {"updated_at", utc_now_iso8601()}});
}

struct LineageFiles {
    store::VersionFiles files;
    crypto::CertInfo cert;
    crypto::KeyType key_type = crypto::KeyType::ec256;
};

LineageFiles read_live(const fs::path& live) {
    LineageFiles out;
    out.files.cert = store::read_file(live / "cert.pem", 1 << 20);
    out.files.chain = store::read_file(live / "chain.pem", 1 << 20);
    out.files.fullchain = store::read_file(live / "fullchain.pem", 1 << 20);
    out.files.privkey = store::read_file(live / "privkey.pem", 1 << 20);
    out.cert = crypto::read_certificate(out.files.cert);
    const auto key = crypto::PrivateKey::from_pem(out.files.privkey);
    if (!crypto::key_matches_certificate(key, out.files.cert)) {
        throw Error(ErrorKind::config,
                    (live / "privkey.pem").string() + " does not match cert.pem");
    }
    out.key_type = key.type();
    out.files.privkey = key.to_pem(); // PKCS#8, as acmectl writes its keys
    return out;
}

std::string account_for(const std::vector<CertbotAccount>& accounts, const std::string& id,
                        const std::string& server) {
    for (const auto& a : accounts) {
        if (a.report.certbot_id == id && a.report.server == server &&
            a.report.status != "skipped") {
            return a.report.name;
        }
    }
    throw Error(ErrorKind::config, "certbot account " + id + " for " + server +
                                       " is not in accounts/ (or could not be read)");
}

std::vector<std::string> hook_lines(const CertbotRenewalConf& conf, const char* key) {
    auto line = conf.param(key);
    return line.empty() ? std::vector<std::string>() : std::vector<std::string>{line};
}

// The lineage as acmectl's config.json, through the same function issue uses.
json lineage_json(const ImportedLineage& l, const CertbotRenewalConf& conf,
                  const SolverConfig& solver, crypto::KeyType key_type) {
    IssueRequest request;
    request.server_url = l.server;
    request.account_name = l.account;
    request.solver = solver;
    request.key_type = key_type;
    request.reuse_key = conf.param("reuse_key") == "True";
    request.preferred_chain = conf.param("preferred_chain");
    request.hooks = {{"deploy", l.deploy_hooks}, {"install", json::array()}};
    auto config = lineage_config(request, l.domains, l.name);
    config["imported_from"] = "certbot";
    return config;
}

bool same_certificate(const store::Store& store, const std::string& name, const std::string& cert) {
    try {
        return store.current_version(name) &&
               store::read_file(store.current_dir(name) / "cert.pem", 1 << 20) == cert;
    } catch (const Error&) {
        return false;
    }
}

ImportedLineage import_lineage(const store::Store& store, const fs::path& dir,
                               const fs::path& conf_path,
                               const std::vector<CertbotAccount>& accounts, bool apply) {
    ImportedLineage l;
    l.name = conf_path.stem().string();
    l.status = "skipped";
    try {
        store::Store::check_lineage_name(l.name);
        const auto conf = parse_certbot_conf(store::read_file(conf_path, 1 << 20));
        const auto live = read_live(dir / "live" / l.name);
        l.domains = live.cert.sans;
        l.key_type = crypto::key_type_name(live.key_type);
        l.server =
            resolve_server(conf.param("server").empty() ? std::string("letsencrypt")
                                                        : certbot_unquote(conf.param("server")));
        l.account = account_for(accounts, conf.param("account"), l.server);
        const auto solver = certbot_solver(conf, l.domains, l.unmapped);
        l.solver = solver.kind;
        for (const char* key : {"renew_hook", "deploy_hook"}) {
            for (const auto& line : hook_lines(conf, key)) {
                if (std::find(l.deploy_hooks.begin(), l.deploy_hooks.end(), line) ==
                    l.deploy_hooks.end()) {
                    l.deploy_hooks.push_back(line);
                }
            }
        }
        if (store.lineage_exists(l.name)) {
            l.status = same_certificate(store, l.name, live.files.cert) ? "exists" : "skipped";
            if (l.status == "skipped") {
                l.unmapped.push_back("acmectl already has a lineage " + l.name +
                                     " with another certificate: left alone (delete or rename "
                                     "one of them, then import again)");
            }
            return l;
        }
        l.status = "import";
        if (apply) {
            const int version = store.write_version(l.name, live.files);
            store.write_config(l.name, lineage_json(l, conf, solver, live.key_type));
            store.activate_version(l.name, version);
        }
    } catch (const Error& e) {
        l.unmapped.push_back(std::string("not imported: ") + e.what());
    }
    return l;
}

std::string short_hash(const std::string& text) {
    static const char* k_hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : crypto::sha256(text).substr(0, 6)) {
        out += k_hex[c >> 4];
        out += k_hex[c & 15];
    }
    return out;
}

// A certbot hook line becomes an executable in $ACMECTL_HOME/hooks/<kind>/
// that runs it with /bin/sh, as certbot does; named by its content, so the
// same line from many lineages runs once per renew, as in certbot.
ImportedHook hook_script(const store::Store& store, const std::string& kind,
                         const std::string& name, const std::string& body,
                         const std::string& source, bool apply) {
    ImportedHook h{kind, (store.home() / "hooks" / kind / name).string(), source, "import"};
    std::error_code ec;
    if (fs::is_regular_file(h.file, ec) && store::read_file(h.file, 1 << 20) == body) {
        h.status = "exists";
    } else if (apply) {
        store::make_dirs(fs::path(h.file).parent_path(), 0755);
        store::write_file_atomic(h.file, body, 0755);
    }
    return h;
}

std::vector<ImportedHook> import_hooks(const store::Store& store, const fs::path& dir, bool apply) {
    std::map<std::string, std::set<std::string>> lines; // kind -> hook lines
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir / "renewal", ec)) {
        if (entry.path().extension() == ".conf") {
            const auto conf = parse_certbot_conf(store::read_file(entry.path(), 1 << 20));
            for (const char* kind : {"pre", "post"}) {
                for (const auto& line : hook_lines(conf, (std::string(kind) + "_hook").c_str())) {
                    lines[kind].insert(line);
                }
            }
        }
    }
    std::vector<ImportedHook> out;
    for (const auto& [kind, set] : lines) {
        for (const auto& line : set) {
            const auto name = "certbot-" + short_hash(line);
            const auto body =
                "#!/bin/sh\n# imported from certbot's " + kind + "_hook\n" + line + "\n";
            out.push_back(hook_script(store, kind, name, body, line, apply));
        }
    }
    for (const char* kind : {"pre", "deploy", "post"}) {
        for (const auto& file : renew::hook_dir_executables(dir / "renewal-hooks" / kind)) {
            const auto body = store::read_file(file, 1 << 20);
            out.push_back(hook_script(store, kind, "certbot-" + file.filename().string(), body,
                                      file.string(), apply));
        }
    }
    return out;
}

} // namespace

ImportReport import_certbot(const store::Store& store, const fs::path& dir, bool apply) {
    std::error_code ec;
    if (!fs::is_directory(dir / "renewal", ec) || !fs::is_directory(dir / "accounts", ec)) {
        throw Error(ErrorKind::usage, dir.string() + " has no renewal/ and accounts/ folders: "
                                                     "not a certbot configuration folder");
    }
    ImportReport report;
    report.dir = dir;
    report.applied = apply;
    auto accounts = read_accounts(store, dir);
    for (const auto& a : accounts) {
        if (apply && a.report.status == "import") {
            save_account(store, a);
        }
        report.accounts.push_back(a.report);
    }
    std::vector<fs::path> confs;
    for (const auto& entry : fs::directory_iterator(dir / "renewal", ec)) {
        if (entry.path().extension() == ".conf") {
            confs.push_back(entry.path());
        }
    }
    std::sort(confs.begin(), confs.end());
    for (const auto& conf : confs) {
        report.lineages.push_back(import_lineage(store, dir, conf, accounts, apply));
    }
    report.hooks = import_hooks(store, dir, apply);
    return report;
}

} // namespace acme::ops
