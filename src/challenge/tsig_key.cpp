#include "challenge/tsig_key.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <vector>

namespace acme::challenge {

namespace {

constexpr std::array<std::string_view, 6> k_algorithms{"hmac-md5",    "hmac-sha1",   "hmac-sha224",
                                                       "hmac-sha256", "hmac-sha384", "hmac-sha512"};

// Words, "quoted strings" (quotes kept), and { } ; as tokens; # and //
// comments skipped.
std::vector<std::string> tokens(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '#' || text.compare(i, 2, "//") == 0) {
            i = std::min(text.find('\n', i), text.size());
        } else if (c == '{' || c == '}' || c == ';') {
            out.emplace_back(1, c);
            ++i;
        } else if (c == '"') {
            const auto end = text.find('"', i + 1);
            out.push_back(text.substr(i, end == std::string::npos ? end : end - i + 1));
            i = end == std::string::npos ? text.size() : end + 1;
        } else {
            const auto end = text.find_first_of(" \t\r\n{};\"", i);
            out.push_back(text.substr(i, end - i));
            i = end == std::string::npos ? text.size() : end;
        }
    }
    return out;
}

std::string unquoted(const std::string& token) {
    if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
        return token.substr(1, token.size() - 2);
    }
    return token;
}

bool is_base64(const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
    });
}

[[noreturn]] void bad(const std::string& path, const std::string& what) {
    throw Error(ErrorKind::usage, "the TSIG key file " + path + " is not a key nsupdate reads (" +
                                      what + "); make one with tsig-keygen NAME");
}

} // namespace

TsigKey parse_tsig_key(const std::string& text, const std::string& path) {
    if (text.starts_with("Private-key-format:")) {
        return {"", ""}; // dnssec-keygen's format: nsupdate takes it as it is
    }
    const auto t = tokens(text);
    const auto key = std::find(t.begin(), t.end(), "key");
    if (key == t.end() || t.end() - key < 3 || key[2] != "{") {
        bad(path, "no 'key \"name\" { ... };' statement");
    }
    TsigKey out{unquoted(key[1]), ""};
    std::string secret;
    auto it = key + 3;
    for (; it != t.end() && *it != "}"; ++it) {
        if ((*it == "algorithm" || *it == "secret") && t.end() - it >= 3 && it[2] == ";") {
            (*it == "algorithm" ? out.algorithm : secret) = unquoted(it[1]);
            it += 2;
        } else {
            bad(path, "unexpected '" + *it + "' in the key statement");
        }
    }
    if (it == t.end()) {
        bad(path, "no '}' closing the key statement");
    }
    if (std::find(k_algorithms.begin(), k_algorithms.end(), out.algorithm) == k_algorithms.end()) {
        bad(path, out.algorithm.empty() ? "no algorithm" : "unknown algorithm " + out.algorithm);
    }
    if (!is_base64(secret)) {
        bad(path, secret.empty() ? "no secret" : "the secret is not base64");
    }
    return out;
}

} // namespace acme::challenge
