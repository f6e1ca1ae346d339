#include "crypto/key.hpp"

#include "common/error.hpp"
#include "crypto/ossl.hpp"

#include <array>
#include <openssl/core_names.h>
#include <openssl/pem.h>

namespace acme::crypto {

namespace {

struct KeyTypeName {
    KeyType type;
    std::string_view name;
};
constexpr std::array<KeyTypeName, 5> k_key_type_names{{
    {KeyType::ec256, "ec256"},
    {KeyType::ec384, "ec384"},
    {KeyType::rsa2048, "rsa2048"},
    {KeyType::rsa3072, "rsa3072"},
    {KeyType::rsa4096, "rsa4096"},
}};

ossl::PkeyPtr generate_ec(const char* curve) {
    ossl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
    if (!key)
        ossl::fail("EC key generation failed");
    return key;
}

ossl::PkeyPtr generate_rsa(size_t bits) {
    ossl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
    if (!key)
        ossl::fail("RSA key generation failed");
    return key;
}

ossl::PkeyPtr generate_native(KeyType type) {
    switch (type) {
    case KeyType::ec256:
        return generate_ec("P-256");
    case KeyType::ec384:
        return generate_ec("P-384");
    case KeyType::rsa2048:
        return generate_rsa(2048);
    case KeyType::rsa3072:
        return generate_rsa(3072);
    case KeyType::rsa4096:
        return generate_rsa(4096);
    }
    throw Error(ErrorKind::crypto, "unknown key type");
}

KeyType ec_key_type(const EVP_PKEY* key) {
    std::array<char, 64> group{};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(), group.size(),
                                       &len) != 1)
        ossl::fail("EC key without a named curve");
    const std::string_view name(group.data(), len);
    if (name == "prime256v1")
        return KeyType::ec256;
    if (name == "secp384r1")
        return KeyType::ec384;
    throw Error(ErrorKind::crypto,
                "unsupported EC curve " + std::string(name) + " (use P-256 or P-384)");
}

KeyType rsa_key_type(const EVP_PKEY* key) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits == 2048)
        return KeyType::rsa2048;
    if (bits == 3072)
        return KeyType::rsa3072;
    if (bits == 4096)
        return KeyType::rsa4096;
    throw Error(ErrorKind::crypto,
                "unsupported RSA key size " + std::to_string(bits) + " (use 2048, 3072 or 4096)");
}

// Which of our types a parsed key is; anything else (RSA-PSS, Ed25519, DSA,
// other curves or sizes) is refused because the CA would refuse it too.
KeyType classify(const EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
        return ec_key_type(key);
    case EVP_PKEY_RSA:
        return rsa_key_type(key);
    default:
        throw Error(ErrorKind::crypto, "unsupported key algorithm (use EC or RSA)");
    }
}

// Never prompt on the terminal for an encrypted key: the core is
// non-interactive, so an encrypted PEM simply fails to load.
int no_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) {
    return -1;
}

std::shared_ptr<evp_pkey_st> share(ossl::PkeyPtr key) {
    return {key.release(), EVP_PKEY_free};
}

} // namespace

std::optional<KeyType> parse_key_type(std::string_view name) {
    for (const auto& entry : k_key_type_names)
        if (entry.name == name)
            return entry.type;
    return std::nullopt;
}

std::string key_type_name(KeyType type) {
    for (const auto& entry : k_key_type_names)
        if (entry.type == type)
            return std::string(entry.name);
    return "unknown";
}

PrivateKey PrivateKey::generate(KeyType type) {
    return PrivateKey(share(generate_native(type)), type);
}

PrivateKey PrivateKey::from_pem(std::string_view pem) {
    const auto bio = ossl::mem_bio(pem);
    ossl::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
    if (!key)
        ossl::fail("cannot read private key PEM");
    const KeyType type = classify(key.get());
    return PrivateKey(share(std::move(key)), type);
}

std::string PrivateKey::to_pem() const {
    const auto bio = ossl::new_mem_bio();
    // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY") in OpenSSL 3.
    if (PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
        1)
        ossl::fail("cannot write private key PEM");
    return ossl::bio_text(bio.get());
}

std::string PrivateKey::public_pem() const {
    const auto bio = ossl::new_mem_bio();
    if (PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1)
        ossl::fail("cannot write public key PEM");
    return ossl::bio_text(bio.get());
}

} // namespace acme::crypto
