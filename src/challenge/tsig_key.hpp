// The TSIG key file nsupdate -k reads, checked before any order is created:
// BIND's key statement as tsig-keygen writes it,
//   key "name" { algorithm hmac-sha256; secret "base64"; };
// (dnssec-keygen's K*.private files, "Private-key-format: ...", pass as they are).
#pragma once

#include <string>

namespace acme::challenge {

struct TsigKey {
    std::string name;
    std::string algorithm;
};

// Returns the first key of text (a file's content; path only names it in
// errors). Throws Error(usage) naming the file and what is wrong: no key
// statement, a missing or unknown algorithm, a missing or non-base64 secret,
// unbalanced braces.
TsigKey parse_tsig_key(const std::string& text, const std::string& path);

} // namespace acme::challenge
