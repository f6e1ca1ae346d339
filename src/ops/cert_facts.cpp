#include "ops/cert_facts.hpp"

#include "common/error.hpp"
#include "crypto/digest.hpp"
#include "renew/ari.hpp"

namespace acme::ops {

namespace {

std::string public_digest(const store::VersionFiles& f) {
    return crypto::hex(crypto::sha256_parts({f.cert, f.chain, f.fullchain}));
}

std::string key_digest(const store::VersionFiles& f) {
    return crypto::hex(crypto::sha256_parts({f.privkey}));
}

FilesCheck from_verdict(const crypto::LineageFilesVerdict& v) {
    return {v.leaf.not_before,   v.leaf.not_after,
            v.leaf.serial_hex,   v.leaf.sans,
            v.chain_issued_leaf, v.fullchain_starts_with_leaf,
            v.key_matches,       false};
}

} // namespace

CertFacts cert_facts(const crypto::CertInfo& cert, int version) {
    return {version,
            cert.not_before,
            cert.not_after,
            cert.serial_hex,
            cert.aki_keyid.empty() ? std::string() : renew::ari_cert_id(cert),
            std::nullopt};
}

CertFacts version_facts(const store::VersionFiles& files, int version) {
    FilesVerdict verdict{
        k_files_rules, public_digest(files), key_digest(files), {}, false, false, false, ""};
    try {
        const auto v =
            crypto::verify_lineage_files(files.cert, files.chain, files.fullchain, files.privkey);
        auto facts = cert_facts(v.leaf, version);
        verdict.sans = v.leaf.sans;
        verdict.chain_issued_leaf = v.chain_issued_leaf;
        verdict.fullchain_starts_with_leaf = v.fullchain_starts_with_leaf;
        verdict.key_matches = v.key_matches;
        facts.files = std::move(verdict);
        return facts;
    } catch (const Error& e) {
        // A broken chain or key is check's to report; renew needs the certificate only.
        verdict.error = e.what();
        auto facts = cert_facts(crypto::read_certificate(files.cert), version);
        facts.files = std::move(verdict);
        return facts;
    }
}

bool has_current_verdict(const std::optional<CertFacts>& facts) {
    return facts && facts->files && facts->files->rules == k_files_rules;
}

FilesCheck check_files(const store::VersionFiles& files, bool key_given,
                       const std::optional<CertFacts>& cached) {
    if (has_current_verdict(cached) && cached->files->digest == public_digest(files) &&
        (!key_given || cached->files->key_digest == key_digest(files))) {
        const auto& v = *cached->files;
        if (!v.error.empty()) {
            throw Error(ErrorKind::crypto, v.error);
        }
        return {cached->not_before,         cached->not_after,
                cached->serial_hex,         v.sans,
                v.chain_issued_leaf,        v.fullchain_starts_with_leaf,
                key_given && v.key_matches, true};
    }
    return from_verdict(crypto::verify_lineage_files(files.cert, files.chain, files.fullchain,
                                                     key_given ? files.privkey : std::string()));
}

} // namespace acme::ops
