// Certificates and CSRs, PEM or DER: the CA's download, --csr and --cert files.
#include "common/error.hpp"
#include "crypto/csr.hpp"
#include "crypto/x509.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        for (const auto& pem : acme::crypto::split_pem_chain(text)) {
            static_cast<void>(acme::crypto::read_certificate(pem));
        }
    } catch (const acme::Error&) {
    }
    try {
        static_cast<void>(acme::crypto::read_certificate(text));
    } catch (const acme::Error&) {
    }
    try {
        static_cast<void>(acme::crypto::read_csr(text));
    } catch (const acme::Error&) {
    }
    return 0;
}
