#include "ops/migrate_store.hpp"

#include "common/error.hpp"
#include "crypto/key.hpp"
#include "crypto/x509.hpp"

#include <algorithm>

namespace acme::ops {

namespace {

bool same(const store::VersionFiles& a, const store::VersionFiles& b) {
    return a.cert == b.cert && a.chain == b.chain && a.fullchain == b.fullchain &&
           a.privkey == b.privkey;
}

// A version whose key does not sign for its certificate is never copied.
void verify(const std::string& name, int v, const store::VersionFiles& files) {
    if (files.cert.empty())
        throw Error(ErrorKind::config, name + " version " + std::to_string(v) + " has no cert");
    if (files.privkey.empty())
        return; // a CSR lineage: the key was never ours
    if (!crypto::key_matches_certificate(crypto::PrivateKey::from_pem(files.privkey), files.cert))
        throw Error(ErrorKind::crypto, name + " version " + std::to_string(v) +
                                           ": the private key does not match the certificate");
}

void copy_version(const store::Store& from, const store::Store& to, MigratedLineage& out, int v,
                  const std::vector<int>& present) {
    auto files = from.read_version(out.name, v);
    verify(out.name, v, files);
    if (std::find(present.begin(), present.end(), v) != present.end()) {
        if (!same(files, to.read_version(out.name, v)))
            throw Error(ErrorKind::conflict, "the destination has a different version " +
                                                 std::to_string(v) + "; nothing changed");
        return;
    }
    to.import_version(out.name, v, files);
    out.copied.push_back(v);
}

void migrate_lineage(const store::Store& from, const store::Store& to, MigratedLineage& out,
                     const MigrateRequest& request) {
    const auto current = from.current_version(out.name);
    auto wanted = request.current_only ? std::vector<int>() : from.versions(out.name);
    if (request.current_only && current)
        wanted.push_back(*current);
    const auto present = to.lineage_exists(out.name) ? to.versions(out.name) : std::vector<int>();
    for (int v : wanted)
        copy_version(from, to, out, v, present);
    const auto there = to.lineage_exists(out.name) ? to.current_version(out.name) : std::nullopt;
    if (there && current && *there > *current) {
        out.current = there;
        out.message = "the destination is newer (version " + std::to_string(*there) +
                      "): its current was left alone";
        return;
    }
    to.write_config(out.name, from.read_config(out.name));
    to.write_state(out.name, from.read_state(out.name));
    if (current && there != current)
        to.activate_version(out.name, *current);
    out.current = current;
}

void migrate_accounts(const store::Store& from, const store::Store& to, MigrateResult& result) {
    for (const auto& [server, name] : from.list_accounts()) {
        const auto url = "https://" + server + "/"; // the folder round-trips as a URL
        const auto label = server + "/" + name;
        try {
            auto account = from.load_account(url, name);
            if (!account)
                continue;
            to.save_account_key(url, name, account->key_pem); // refuses a different key
            if (!account->account.is_null())
                to.save_account(url, name, account->account);
            result.accounts.push_back(label);
        } catch (const Error& e) {
            result.account_errors.push_back(label + ": " + e.what());
        }
    }
}

} // namespace

bool MigrateResult::ok() const {
    return account_errors.empty() &&
           std::all_of(lineages.begin(), lineages.end(), [](const auto& l) { return l.ok; });
}

MigrateResult migrate_store(const store::Store& from, const store::Store& to,
                            const MigrateRequest& request, Logger& log) {
    MigrateResult result;
    migrate_accounts(from, to, result);
    for (const auto& name : from.list_lineages()) {
        MigratedLineage out;
        out.name = name;
        try {
            migrate_lineage(from, to, out, request);
            log.info("Migrated " + name + ": " + std::to_string(out.copied.size()) +
                     " version(s) copied");
        } catch (const Error& e) {
            if (e.temporary())
                throw; // a store went away: stop, what was copied stays valid
            out.ok = false;
            out.message = e.what();
        }
        result.lineages.push_back(std::move(out));
    }
    return result;
}

} // namespace acme::ops
