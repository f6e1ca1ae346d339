// Private keys: the key types Let's Encrypt accepts, generation, PEM I/O.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of the headers of other modules

namespace acme::crypto {

enum class KeyType { ec256, ec384, rsa2048, rsa3072, rsa4096 };

// nullopt for anything but "ec256", "ec384", "rsa2048", "rsa3072", "rsa4096".
std::optional<KeyType> parse_key_type(std::string_view name);
std::string key_type_name(KeyType type);

class PrivateKey {
  public:
    // Throws Error(crypto) when OpenSSL fails.
    static PrivateKey generate(KeyType type);
    // Throws Error(crypto) on unreadable PEM or a key type we do not support.
    static PrivateKey from_pem(std::string_view pem);
    // PKCS#8 PEM ("BEGIN PRIVATE KEY"), unencrypted.
    std::string to_pem() const;
    std::string public_pem() const;
    KeyType type() const { return m_type; }
    evp_pkey_st* native() const { return m_key.get(); }

  private:
    PrivateKey(std::shared_ptr<evp_pkey_st> key, KeyType type)
        : m_key(std::move(key)), m_type(type) {}
    std::shared_ptr<evp_pkey_st> m_key;
    KeyType m_type;
};

} // namespace acme::crypto
