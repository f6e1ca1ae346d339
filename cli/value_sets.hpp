// The fixed value sets of the command line, each defined once. Subcommands
// check a value with ->check(one_of(key_types())); `acmectl --dump-cli`
// finds the set again through the validator's name (CLI11 2.1 cannot hand an
// IsMember set back) and lists it for the completions and the man pages.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace acmectl::value_sets {

struct ValueSet {
    std::string name; // e.g. "key-type"; a validator names it "one-of:key-type"
    std::vector<std::string> values;
};

// Key types for accounts and certificates (what Let's Encrypt accepts).
const ValueSet& key_types();
// What `deploy-hook --install-to` writes.
const ValueSet& install_what();
// Output formats of `expiry --format` and `check --format`.
const ValueSet& report_formats();
// Protocols `expiry --starttls` speaks (the probe module's list).
const ValueSet& starttls_protocols();
// Formats of the run log ($ACMECTL_HOME/log/acmectl.log), --log-format.
const ValueSet& log_formats();
// RFC 5280 reason codes `revoke --reason` sends.
const ValueSet& revoke_reasons();
// Server aliases `--server` knows; any URL is accepted too.
const ValueSet& server_aliases();
// What `acmectl store` does.
const ValueSet& store_actions();

// IsMember(set) with a "did you mean" for a typo, named "one-of:<set>".
CLI::Validator one_of(const ValueSet& set);
// A validator that accepts anything and only names "suggest:<set>": the
// values completion offers for an option that takes others as well.
CLI::Validator suggest(const ValueSet& set);
// The set a validator made by one_of() or suggest() names, or nullptr.
const ValueSet* find_by_validator_name(std::string_view validator_name);

inline constexpr std::string_view k_one_of_prefix = "one-of:";
inline constexpr std::string_view k_suggest_prefix = "suggest:";

} // namespace acmectl::value_sets
