// Private to src/crypto: RAII owners for OpenSSL handles and the few helpers
// every file here needs. Other modules never include this (STYLE.md §3).
#pragma once

#include "crypto/key.hpp"

#include <chrono>
#include <memory>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string>
#include <string_view>

namespace acme::crypto::ossl {

// unique_ptr deleter calling OpenSSL's free function F; the function pointer is
// a template argument so the owner stays the size of a raw pointer.
template <auto F> struct Free {
    template <class T> void operator()(T* p) const { F(p); }
};
template <class T, auto F> using Ptr = std::unique_ptr<T, Free<F>>;

using BioPtr = Ptr<BIO, BIO_free_all>;
using BnPtr = Ptr<BIGNUM, BN_free>;
using PkeyPtr = Ptr<EVP_PKEY, EVP_PKEY_free>;
using MdCtxPtr = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EcdsaSigPtr = Ptr<ECDSA_SIG, ECDSA_SIG_free>;
using X509Ptr = Ptr<X509, X509_free>;
using X509ReqPtr = Ptr<X509_REQ, X509_REQ_free>;
using GeneralNamesPtr = Ptr<GENERAL_NAMES, GENERAL_NAMES_free>;
using GeneralNamePtr = Ptr<GENERAL_NAME, GENERAL_NAME_free>;
using Asn1StringPtr = Ptr<ASN1_STRING, ASN1_STRING_free>;

// STACK_OF(X509_EXTENSION) owns its elements, so freeing it is a pop_free,
// which is a macro and cannot be a template argument.
struct ExtStackFree {
    void operator()(STACK_OF(X509_EXTENSION) * exts) const;
};
using ExtStackPtr = std::unique_ptr<STACK_OF(X509_EXTENSION), ExtStackFree>;

// Throws Error(crypto) "what: <last OpenSSL error>" and clears OpenSSL's error
// queue so a later, unrelated failure does not report this one.
[[noreturn]] void fail(std::string_view what);
// Drops queued OpenSSL errors after a failure we handled ourselves.
void clear_errors();

// Read-only memory BIO over text (valid while text lives).
BioPtr mem_bio(std::string_view text);
// Empty writable memory BIO; bio_text returns what was written to it.
BioPtr new_mem_bio();
std::string bio_text(BIO* bio);

// Unsigned big-endian bytes of bn, left-padded with zeros to width (0: minimal).
std::string bn_bytes(const BIGNUM* bn, int width = 0);
// DER encoding via an i2d_* function (i2d_X509, i2d_X509_REQ, ...).
template <class T> std::string to_der(int (*i2d)(const T*, unsigned char**), const T* obj) {
    unsigned char* out = nullptr;
    const int len = i2d(obj, &out);
    if (len <= 0)
        fail("DER encoding failed");
    std::string der(reinterpret_cast<const char*>(out), static_cast<size_t>(len));
    OPENSSL_free(out);
    return der;
}

// ECDSA signatures: DER ECDSA-Sig-Value <-> JWS r||s (RFC 7518 §3.4), each
// half width bytes. der_to_raw throws Error(crypto); raw_to_der returns empty
// when raw is not 2*width bytes (a malformed signature, not our failure).
std::string ecdsa_der_to_raw(std::string_view der, int width);
std::string ecdsa_raw_to_der(std::string_view raw, int width);
// RFC 7518 §3.1/§3.4: ES384 pairs P-384 with SHA-384; ES256 and RS256 use SHA-256.
const EVP_MD* jws_digest(KeyType type);
bool is_ec(KeyType type);
// Field size in bytes of our EC key types (32 for P-256, 48 for P-384).
int ec_field_bytes(const EVP_PKEY* key);

// True when text looks like PEM rather than DER (DER starts with a SEQUENCE tag).
bool looks_like_pem(std::string_view text);
// One object of the PEM text or DER bytes (looks_like_pem decides which),
// read by PemRead or D2i; null when unreadable (the caller names the failure).
template <class T, auto Free, auto PemRead, auto D2i>
Ptr<T, Free> read_pem_or_der(std::string_view text) {
    if (looks_like_pem(text)) {
        const auto bio = mem_bio(text);
        return Ptr<T, Free>(PemRead(bio.get(), nullptr, nullptr, nullptr));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    return Ptr<T, Free>(D2i(nullptr, &p, static_cast<long>(text.size())));
}
// The subject's commonName as UTF-8, empty when absent.
std::string common_name(const X509_NAME* name);
// A dNSName as text, an iPAddress as dotted/colon text; empty for other kinds.
std::string general_name_text(const GENERAL_NAME* name);

// Reads one certificate, PEM or DER. Throws Error(crypto).
X509Ptr parse_certificate(const std::string& pem_or_der);
// An ASN1_TIME as UTC seconds. Throws Error(crypto) when unreadable.
std::chrono::sys_seconds to_sys_seconds(const ASN1_TIME* time);

} // namespace acme::crypto::ossl
