// Small helpers for unit tests that check our code against the openssl
// command line and need a scratch folder.
#pragma once

#include <array>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <sys/stat.h>

namespace acme::test {

// stdout of a shell command (test fixtures only: fixed strings, no user input).
inline std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::string out;
    std::array<char, 4096> buf{};
    while (auto n = fread(buf.data(), 1, buf.size(), pipe.get())) {
        out.append(buf.data(), n);
    }
    return out;
}

inline std::string hex_to_bytes(const std::string& hex) {
    std::string clean;
    for (char c : hex) {
        if (std::isxdigit(static_cast<unsigned char>(c))) {
            clean.push_back(c);
        }
    }
    std::string out;
    for (std::size_t i = 0; i + 1 < clean.size(); i += 2) {
        out.push_back(static_cast<char>(std::stoi(clean.substr(i, 2), nullptr, 16)));
    }
    return out;
}

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A folder under /tmp removed with everything in it at scope exit.
class TempDir {
  public:
    TempDir() {
        char name[] = "/tmp/acmectl-unit-XXXXXX";
        REQUIRE(mkdtemp(name) != nullptr);
        m_path = name;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

// Sets the process umask for a scope.
class UmaskGuard {
  public:
    explicit UmaskGuard(mode_t mask) : m_old(::umask(mask)) {}
    ~UmaskGuard() { ::umask(m_old); }
    UmaskGuard(const UmaskGuard&) = delete;
    UmaskGuard& operator=(const UmaskGuard&) = delete;

  private:
    mode_t m_old;
};

// A self-signed EC certificate with an authorityKeyIdentifier, made by the
// openssl command line: {cert PEM, key PEM}.
inline std::pair<std::string, std::string> openssl_cert(const TempDir& dir, const std::string& cn,
                                                        int days, const std::string& serial) {
    const auto cert = (dir.path() / (cn + ".pem")).string();
    const auto key = (dir.path() / (cn + ".key")).string();
    run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + key +
        " -out " + cert + " -subj /CN=" + cn + " -addext subjectAltName=DNS:" + cn + " -days " +
        std::to_string(days) + " -set_serial " + serial +
        " -addext authorityKeyIdentifier=keyid:always 2>/dev/null");
    return {slurp(cert), slurp(key)};
}

} // namespace acme::test
