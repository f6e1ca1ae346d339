#include "crypto/crl.hpp"

#include "common/error.hpp"
#include "crypto/ossl.hpp"

#include <ctime>
#include <openssl/pem.h>

namespace acme::crypto {

namespace {

using CrlPtr = ossl::Ptr<X509_CRL, X509_CRL_free>;
using EnumeratedPtr = ossl::Ptr<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;

constexpr long k_skew_seconds = 300;

[[noreturn]] void refuse(const std::string& why) {
    ossl::clear_errors();
    throw Error(ErrorKind::protocol, "CRL refused: " + why);
}

CrlPtr parse_crl(const std::string& text) {
    CrlPtr crl =
        ossl::read_pem_or_der<X509_CRL, X509_CRL_free, PEM_read_bio_X509_CRL, d2i_X509_CRL>(text);
    if (!crl)
        refuse("not a certificate revocation list");
    return crl;
}

void check_current(const X509_CRL* crl) {
    const ASN1_TIME* this_update = X509_CRL_get0_lastUpdate(crl);
    const ASN1_TIME* next_update = X509_CRL_get0_nextUpdate(crl);
    const std::time_t ahead = std::time(nullptr) + k_skew_seconds;
    const std::time_t behind = std::time(nullptr) - k_skew_seconds;
    if (this_update == nullptr || X509_cmp_time(this_update, const_cast<std::time_t*>(&ahead)) > 0)
        refuse("its thisUpdate is in the future");
    if (next_update != nullptr && X509_cmp_time(next_update, const_cast<std::time_t*>(&behind)) < 0)
        refuse("its nextUpdate has passed");
}

int reason_code(X509_REVOKED* entry) {
    const EnumeratedPtr reason(static_cast<ASN1_ENUMERATED*>(
        X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr)));
    return reason ? static_cast<int>(ASN1_ENUMERATED_get(reason.get())) : -1;
}

} // namespace

RevocationAnswer check_crl(const std::string& crl_text, const std::string& cert_pem,
                           const std::string& issuer_pem) {
    const auto crl = parse_crl(crl_text);
    const auto cert = ossl::parse_certificate(cert_pem);
    const auto issuer = ossl::parse_certificate(issuer_pem);
    EVP_PKEY* issuer_key = X509_get0_pubkey(issuer.get());
    if (issuer_key == nullptr ||
        X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.get())) != 0 ||
        X509_CRL_verify(crl.get(), issuer_key) != 1)
        refuse("the certificate's issuer did not sign it");
    check_current(crl.get());

    RevocationAnswer answer;
    answer.this_update = ossl::to_sys_seconds(X509_CRL_get0_lastUpdate(crl.get()));
    if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get()))
        answer.next_update = ossl::to_sys_seconds(next);
    X509_REVOKED* entry = nullptr;
    // 1: listed; 2: listed as removeFromCRL (a delta CRL lifting a hold).
    if (X509_CRL_get0_by_serial(crl.get(), &entry,
                                const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert.get()))) ==
        1) {
        answer.status = RevocationStatus::revoked;
        answer.revoked_at = ossl::to_sys_seconds(X509_REVOKED_get0_revocationDate(entry));
        answer.reason = revocation_reason_name(reason_code(entry));
    } else {
        answer.status = RevocationStatus::good;
    }
    ossl::clear_errors();
    return answer;
}

} // namespace acme::crypto
