// A tiny PKI made with the openssl command line for revocation tests: a CA,
// a leaf it issued (serial 0x1001, CRL distribution point
// http://ca.test/crl.der), an impostor CA; OCSP answers and CRLs made by
// `openssl ocsp` / `openssl ca`, offline, so both ends are independent.
#pragma once

#include "crypto/ocsp.hpp"
#include "shell_helpers.hpp"

#include <fstream>

namespace acme::test {

inline void write_file(const std::filesystem::path& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
}

// openssl ca's database lines for the leaf.
inline const std::string k_leaf_valid = "V\t300101000000Z\t\t1001\tunknown\t/CN=leaf.test";
inline const std::string k_leaf_revoked =
    "R\t300101000000Z\t260102030405Z,keyCompromise\t1001\tunknown\t/CN=leaf.test";

struct Pki {
    TempDir dir;
    std::string ca_pem, leaf_pem, leaf_key, impostor_pem;

    Pki() {
        const auto d = dir.path().string();
        write_file(dir.path() / "leaf.ext", "crlDistributionPoints=URI:http://ca.test/crl.der\n");
        write_file(dir.path() / "ca.cnf", "[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\n"
                                          "crlnumber=crlnumber\ndefault_md=sha256\n"
                                          "default_crl_days=1\n");
        run("cd " + d +
            " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
            " -keyout ca.key -out ca.pem -subj /CN=revocation-test-ca -days 2 2>/dev/null"
            " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
            " -keyout leaf.key -out leaf.csr -subj /CN=leaf.test 2>/dev/null"
            " && openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial 0x1001"
            " -extfile leaf.ext -days 2 -out leaf.pem 2>/dev/null"
            " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
            " -keyout imp.key -out imp.pem -subj /CN=revocation-test-ca -days 2 2>/dev/null");
        ca_pem = slurp(dir.path() / "ca.pem");
        leaf_pem = slurp(dir.path() / "leaf.pem");
        leaf_key = slurp(dir.path() / "leaf.key");
        impostor_pem = slurp(dir.path() / "imp.pem");
        REQUIRE_FALSE(leaf_pem.empty());
    }

    // `openssl ocsp` answers our request with index_line as its database.
    std::string ocsp_answer(const std::string& index_line, const std::string& signer = "ca") {
        const auto d = dir.path().string();
        write_file(dir.path() / "index.txt", index_line + "\n");
        write_file(dir.path() / "req.der", crypto::ocsp_request(leaf_pem, ca_pem));
        run("cd " + d + " && openssl ocsp -index index.txt -CA ca.pem -rsigner " + signer +
            ".pem -rkey " + signer +
            ".key -reqin req.der -respout resp.der -ndays 1"
            " >/dev/null 2>&1");
        return slurp(dir.path() / "resp.der");
    }

    // A DER CRL of index_line's revocations, signed by signer ("ca" or "imp").
    std::string crl(const std::string& index_line, const std::string& signer = "ca") {
        const auto d = dir.path().string();
        write_file(dir.path() / "index.txt", index_line + "\n");
        write_file(dir.path() / "crlnumber", "01\n");
        run("cd " + d + " && openssl ca -config ca.cnf -gencrl -cert " + signer + ".pem -keyfile " +
            signer +
            ".key -out crl.pem 2>/dev/null && openssl crl -in crl.pem -outform DER"
            " -out crl.der");
        return slurp(dir.path() / "crl.der");
    }
};

} // namespace acme::test
