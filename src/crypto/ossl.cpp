#include "crypto/ossl.hpp"

#include "common/error.hpp"
#include "crypto/openssl_error.hpp"

#include <arpa/inet.h>
#include <array>
#include <ctime>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace acme::crypto::ossl {

void ExtStackFree::operator()(STACK_OF(X509_EXTENSION) * exts) const {
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
}

void fail(std::string_view what) {
    throw_openssl_error(std::string(what));
}

void clear_errors() {
    ERR_clear_error();
}

BioPtr mem_bio(std::string_view text) {
    BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio)
        fail("cannot allocate BIO");
    return bio;
}

BioPtr new_mem_bio() {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio)
        fail("cannot allocate BIO");
    return bio;
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string bn_bytes(const BIGNUM* bn, int width) {
    const int size = width > 0 ? width : BN_num_bytes(bn);
    std::string out(static_cast<size_t>(size), '\0');
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(bn, dst, size) != size)
        fail("integer does not fit its field");
    return out;
}

std::string ecdsa_der_to_raw(std::string_view der, int width) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig)
        fail("malformed ECDSA signature");
    return bn_bytes(ECDSA_SIG_get0_r(sig.get()), width) +
           bn_bytes(ECDSA_SIG_get0_s(sig.get()), width);
}

std::string ecdsa_raw_to_der(std::string_view raw, int width) {
    if (raw.size() != 2 * static_cast<size_t>(width))
        return {};
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    BnPtr r(BN_bin2bn(bytes, width, nullptr));
    BnPtr s(BN_bin2bn(bytes + width, width, nullptr));
    const EcdsaSigPtr sig(ECDSA_SIG_new());
    if (!r || !s || !sig)
        fail("cannot allocate ECDSA signature");
    // ECDSA_SIG_set0 takes ownership of r and s only when it succeeds.
    if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        fail("cannot build ECDSA signature");
    (void)r.release();
    (void)s.release();
    return to_der(i2d_ECDSA_SIG, static_cast<const ECDSA_SIG*>(sig.get()));
}

const EVP_MD* jws_digest(KeyType type) {
    return type == KeyType::ec384 ? EVP_sha384() : EVP_sha256();
}

bool is_ec(KeyType type) {
    return type == KeyType::ec256 || type == KeyType::ec384;
}

int ec_field_bytes(const EVP_PKEY* key) {
    return (EVP_PKEY_get_bits(key) + 7) / 8;
}

bool looks_like_pem(std::string_view text) {
    return text.find("-----BEGIN ") != std::string_view::npos;
}

std::string common_name(const X509_NAME* name) {
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0)
        return {};
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0)
        fail("unreadable commonName");
    std::string cn(reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
    return cn;
}

namespace {

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    const int len = ASN1_STRING_length(ip);
    const int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : 0;
    if (family == 0)
        return {};
    std::array<char, INET6_ADDRSTRLEN> buf{};
    if (inet_ntop(family, ASN1_STRING_get0_data(ip), buf.data(), buf.size()) == nullptr)
        return {};
    return buf.data();
}

} // namespace

std::string general_name_text(const GENERAL_NAME* name) {
    if (name->type == GEN_DNS) {
        const ASN1_STRING* dns = name->d.dNSName;
        return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                static_cast<size_t>(ASN1_STRING_length(dns))};
    }
    if (name->type == GEN_IPADD)
        return ip_text(name->d.iPAddress);
    return {};
}

X509Ptr parse_certificate(const std::string& pem_or_der) {
    X509Ptr cert = read_pem_or_der<X509, X509_free, PEM_read_bio_X509, d2i_X509>(pem_or_der);
    if (!cert)
        fail("cannot read certificate");
    return cert;
}

std::chrono::sys_seconds to_sys_seconds(const ASN1_TIME* time) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1)
        fail("unreadable certificate validity");
    return std::chrono::sys_seconds(std::chrono::seconds(timegm(&tm)));
}

} // namespace acme::crypto::ossl
