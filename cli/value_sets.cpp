#include "value_sets.hpp"

#include "acme/server_alias.hpp"
#include "probe/target.hpp"
#include "usage_hints.hpp"

#include <algorithm>
#include <array>

namespace acmectl::value_sets {

const ValueSet& key_types() {
    static const ValueSet set{"key-type", {"ec256", "ec384", "rsa2048", "rsa3072", "rsa4096"}};
    return set;
}

const ValueSet& install_what() {
    static const ValueSet set{"install-what", {"fullchain", "cert", "chain", "key", "combined"}};
    return set;
}

const ValueSet& report_formats() {
    static const ValueSet set{"report-format", {"text", "json", "prometheus", "nagios"}};
    return set;
}

const ValueSet& starttls_protocols() {
    static const ValueSet set{"starttls", acme::probe::starttls_names()};
    return set;
}

const ValueSet& log_formats() {
    static const ValueSet set{"log-format", {"text", "json"}};
    return set;
}

const ValueSet& revoke_reasons() {
    static const ValueSet set{"revoke-reason",
                              {"unspecified", "keyCompromise", "affiliationChanged", "superseded",
                               "cessationOfOperation"}};
    return set;
}

const ValueSet& server_aliases() {
    static const ValueSet set = [] {
        ValueSet s{"server", {}};
        for (const auto& alias : acme::server_aliases()) {
            s.values.push_back(alias.first);
        }
        return s;
    }();
    return set;
}

const ValueSet& store_actions() {
    static const ValueSet set{"store-action", {"init-key", "ls", "status", "migrate", "rekey", "http01"}};
    return set;
}

CLI::Validator one_of(const ValueSet& set) {
    std::string listed;
    for (const auto& value : set.values)
        listed += (listed.empty() ? "" : ",") + value;
    // IsMember's words, plus the nearest value for a typo.
    return CLI::Validator(
        [&set, listed](const std::string& value) -> std::string {
            const auto& values = set.values;
            if (std::find(values.begin(), values.end(), value) != values.end())
                return "";
            std::string message = value + " not in {" + listed + "}";
            if (const auto near = nearest(value, values); !near.empty())
                message += "; did you mean '" + near + "'?";
            return message;
        },
        "{" + listed + "}", std::string(k_one_of_prefix) + set.name);
}

CLI::Validator suggest(const ValueSet& set) {
    return CLI::Validator([](const std::string&) { return std::string(); }, "",
                          std::string(k_suggest_prefix) + set.name);
}

const ValueSet* find_by_validator_name(std::string_view validator_name) {
    std::string_view set_name;
    if (validator_name.starts_with(k_one_of_prefix)) {
        set_name = validator_name.substr(k_one_of_prefix.size());
    } else if (validator_name.starts_with(k_suggest_prefix)) {
        set_name = validator_name.substr(k_suggest_prefix.size());
    } else {
        return nullptr;
    }
    const std::array<const ValueSet*, 8> all{
        &key_types(),   &install_what(),   &report_formats(), &starttls_protocols(),
        &log_formats(), &revoke_reasons(), &server_aliases(), &store_actions()};
    for (const auto* set : all) {
        if (set->name == set_name) {
            return set;
        }
    }
    return nullptr;
}

} // namespace acmectl::value_sets
