#include "crypto/csr.hpp"

#include "common/error.hpp"
#include "crypto/ossl.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <openssl/pem.h>

namespace acme::crypto {

namespace {

constexpr size_t k_max_cn_length = 64; // ub-common-name, RFC 5280 Appendix A

// An iPAddress name holds the 4 or 16 address bytes (RFC 5280 §4.2.1.6);
// empty when text is not an IP literal.
std::string ip_bytes(const std::string& text) {
    std::array<unsigned char, 16> buf{};
    if (inet_pton(AF_INET, text.c_str(), buf.data()) == 1)
        return {reinterpret_cast<const char*>(buf.data()), 4};
    if (inet_pton(AF_INET6, text.c_str(), buf.data()) == 1)
        return {reinterpret_cast<const char*>(buf.data()), 16};
    return {};
}

ossl::GeneralNamePtr general_name(const std::string& name) {
    const std::string ip = ip_bytes(name);
    const bool is_ip = !ip.empty();
    ossl::Asn1StringPtr value(ASN1_STRING_type_new(is_ip ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING));
    ossl::GeneralNamePtr gen(GENERAL_NAME_new());
    const std::string& bytes = is_ip ? ip : name;
    if (!value || !gen ||
        ASN1_STRING_set(value.get(), bytes.data(), static_cast<int>(bytes.size())) != 1)
        ossl::fail("cannot build subjectAltName entry");
    // GENERAL_NAME_set0_value takes ownership of value.
    GENERAL_NAME_set0_value(gen.get(), is_ip ? GEN_IPADD : GEN_DNS, value.release());
    return gen;
}

ossl::GeneralNamesPtr subject_alt_names(const std::vector<std::string>& names) {
    ossl::GeneralNamesPtr gens(GENERAL_NAMES_new());
    if (!gens)
        ossl::fail("cannot allocate subjectAltName");
    for (const auto& name : names) {
        auto gen = general_name(name);
        if (sk_GENERAL_NAME_push(gens.get(), gen.get()) <= 0)
            ossl::fail("cannot add subjectAltName");
        (void)gen.release(); // now owned by the stack
    }
    return gens;
}

void add_san_extension(X509_REQ* req, const std::vector<std::string>& names) {
    const auto gens = subject_alt_names(names);
    STACK_OF(X509_EXTENSION)* raw = nullptr;
    const int rc = X509V3_add1_i2d(&raw, NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT);
    const ossl::ExtStackPtr exts(raw);
    if (rc != 1 || X509_REQ_add_extensions(req, exts.get()) != 1)
        ossl::fail("cannot add subjectAltName extension");
}

// CN is legacy; ACME reads the SANs. Set it only where it fits (a DNS name
// of at most 64 characters), as certbot and lego do.
void set_subject(X509_REQ* req, const std::string& first) {
    if (first.size() > k_max_cn_length || !ip_bytes(first).empty())
        return;
    X509_NAME* subject = X509_REQ_get_subject_name(req);
    const auto* cn = reinterpret_cast<const unsigned char*>(first.c_str());
    if (X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8, cn, -1, -1, 0) != 1)
        ossl::fail("cannot set CSR subject");
}

ossl::X509ReqPtr parse_csr(const std::string& pem_or_der) {
    return ossl::read_pem_or_der<X509_REQ, X509_REQ_free, PEM_read_bio_X509_REQ, d2i_X509_REQ>(
        pem_or_der);
}

std::vector<std::string> san_names(X509_REQ* req) {
    std::vector<std::string> names;
    const ossl::ExtStackPtr exts(X509_REQ_get_extensions(req));
    if (!exts)
        return names;
    const ossl::GeneralNamesPtr gens(static_cast<GENERAL_NAMES*>(
        X509V3_get_d2i(exts.get(), NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens.get()); ++i)
        if (auto text = ossl::general_name_text(sk_GENERAL_NAME_value(gens.get(), i));
            !text.empty())
            names.push_back(std::move(text));
    return names;
}

void append_unique(std::vector<std::string>& out, std::string name) {
    if (std::find(out.begin(), out.end(), name) == out.end())
        out.push_back(std::move(name));
}

} // namespace

std::string make_csr_der(const PrivateKey& key, const std::vector<std::string>& names) {
    if (names.empty())
        throw Error(ErrorKind::usage, "a CSR needs at least one name");
    const ossl::X509ReqPtr req(X509_REQ_new());
    if (!req)
        ossl::fail("cannot allocate CSR");
    if (X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
        X509_REQ_set_pubkey(req.get(), key.native()) != 1)
        ossl::fail("cannot fill CSR");
    set_subject(req.get(), names.front());
    add_san_extension(req.get(), names);
    if (X509_REQ_sign(req.get(), key.native(), EVP_sha256()) <= 0)
        ossl::fail("cannot sign CSR");
    return ossl::to_der(i2d_X509_REQ, static_cast<const X509_REQ*>(req.get()));
}

CsrInfo read_csr(const std::string& pem_or_der) {
    const ossl::X509ReqPtr req = parse_csr(pem_or_der);
    if (!req) {
        ossl::clear_errors();
        throw Error(ErrorKind::usage, "cannot read CSR (expected PEM or DER PKCS#10)");
    }
    EVP_PKEY* pub = X509_REQ_get0_pubkey(req.get());
    if (pub == nullptr || X509_REQ_verify(req.get(), pub) != 1) {
        ossl::clear_errors();
        throw Error(ErrorKind::usage, "CSR signature does not verify");
    }
    CsrInfo info{ossl::to_der(i2d_X509_REQ, static_cast<const X509_REQ*>(req.get())), {}, {}};
    if (auto cn = ossl::common_name(X509_REQ_get_subject_name(req.get())); !cn.empty())
        append_unique(info.names, std::move(cn));
    info.sans = san_names(req.get());
    for (const auto& name : info.sans)
        append_unique(info.names, name);
    if (info.names.empty())
        throw Error(ErrorKind::usage, "CSR names no domain or IP address");
    return info;
}

} // namespace acme::crypto
