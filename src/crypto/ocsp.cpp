#include "crypto/ocsp.hpp"

#include "common/error.hpp"
#include "crypto/ossl.hpp"

#include <openssl/ocsp.h>

namespace acme::crypto {

namespace {

using OcspRequestPtr = ossl::Ptr<OCSP_REQUEST, OCSP_REQUEST_free>;
using OcspResponsePtr = ossl::Ptr<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using OcspBasicPtr = ossl::Ptr<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using OcspCertIdPtr = ossl::Ptr<OCSP_CERTID, OCSP_CERTID_free>;
using X509StorePtr = ossl::Ptr<X509_STORE, X509_STORE_free>;

struct X509StackFree {
    void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

[[noreturn]] void refuse(const std::string& why) {
    ossl::clear_errors();
    throw Error(ErrorKind::protocol, "OCSP response refused: " + why);
}

OcspCertIdPtr cert_id(const X509* cert, const X509* issuer) {
    OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
    if (!id)
        ossl::fail("cannot build the OCSP certificate ID");
    return id;
}

OcspBasicPtr basic_response(const std::string& der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response)
        refuse("not an OCSPResponse");
    const int status = OCSP_response_status(response.get());
    if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        refuse(std::string("responder says ") + OCSP_response_status_str(status));
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic)
        refuse("no basic response in it");
    return basic;
}

// The issuer signs itself, or a responder certificate it issued with the
// OCSPSigning purpose (OCSP_basic_verify checks that delegation).
void verify_signer(OCSP_BASICRESP* basic, X509* issuer) {
    const X509StorePtr store(X509_STORE_new());
    X509StackPtr trusted(sk_X509_new_null());
    if (!store || !trusted || X509_STORE_add_cert(store.get(), issuer) != 1 ||
        X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN) != 1 ||
        X509_up_ref(issuer) != 1)
        ossl::fail("cannot set up OCSP verification");
    sk_X509_push(trusted.get(), issuer);
    if (OCSP_basic_verify(basic, trusted.get(), store.get(), OCSP_TRUSTOTHER) != 1)
        refuse("its signature does not verify against the issuer");
}

} // namespace

std::string ocsp_request(const std::string& cert_pem, const std::string& issuer_pem) {
    const auto cert = ossl::parse_certificate(cert_pem);
    const auto issuer = ossl::parse_certificate(issuer_pem);
    const OcspRequestPtr request(OCSP_REQUEST_new());
    auto id = cert_id(cert.get(), issuer.get());
    if (!request || OCSP_request_add0_id(request.get(), id.get()) == nullptr)
        ossl::fail("cannot build the OCSP request");
    id.release(); // the request owns it now
    return ossl::to_der(i2d_OCSP_REQUEST, request.get());
}

RevocationAnswer parse_ocsp_response(const std::string& der, const std::string& cert_pem,
                                     const std::string& issuer_pem) {
    const auto cert = ossl::parse_certificate(cert_pem);
    const auto issuer = ossl::parse_certificate(issuer_pem);
    const auto basic = basic_response(der);
    verify_signer(basic.get(), issuer.get());

    const auto id = cert_id(cert.get(), issuer.get());
    int status = 0;
    int reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update,
                              &next_update) != 1)
        refuse("it does not mention this certificate");
    constexpr long skew_seconds = 300;
    if (OCSP_check_validity(this_update, next_update, skew_seconds, -1) != 1)
        refuse("it is not current (thisUpdate/nextUpdate)");

    RevocationAnswer answer;
    answer.status = status == V_OCSP_CERTSTATUS_GOOD      ? RevocationStatus::good
                    : status == V_OCSP_CERTSTATUS_REVOKED ? RevocationStatus::revoked
                                                          : RevocationStatus::unknown;
    answer.this_update = ossl::to_sys_seconds(this_update);
    if (next_update != nullptr)
        answer.next_update = ossl::to_sys_seconds(next_update);
    if (revoked_at != nullptr)
        answer.revoked_at = ossl::to_sys_seconds(revoked_at);
    answer.reason = revocation_reason_name(reason);
    return answer;
}

} // namespace acme::crypto
