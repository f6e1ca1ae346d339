#include "crypto/openssl_error.hpp"

#include "common/error.hpp"

#include <array>
#include <openssl/err.h>

namespace acme::crypto {

void throw_openssl_error(const std::string& what) {
    std::string detail = what;
    if (const unsigned long code = ERR_peek_last_error(); code != 0) {
        std::array<char, 256> buf{};
        ERR_error_string_n(code, buf.data(), buf.size());
        detail += ": ";
        detail += buf.data();
    }
    ERR_clear_error();
    throw Error(ErrorKind::crypto, detail);
}

} // namespace acme::crypto
