#include "dump_cli.hpp"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "common/version.hpp"
#include "config_file.hpp"
#include "value_sets.hpp"

namespace acmectl {

namespace {

using nlohmann::json;

json string_or_null(const std::string& text) { return text.empty() ? json() : json(text); }

std::vector<CLI::Validator*> validators_of(CLI::Option& opt) {
    std::vector<CLI::Validator*> found;
    for (int i = 0;; ++i) {
        try {
            found.push_back(opt.get_validator(i));
        } catch (const CLI::OptionNotFound&) {
            return found;
        }
    }
}

// CLI11's type name (TEXT, INT, FLOAT) without the validators' descriptions.
std::string value_type(const CLI::Option& opt) {
    const auto full = opt.get_type_name();
    return full.substr(0, full.find(':'));
}

bool mentions_lineage(const std::string& text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("lineage") != std::string::npos;
}

// Convention: a positional or a --name whose description speaks of a
// lineage takes lineage names (completion lists $ACMECTL_HOME/certs).
json completion_hint(const CLI::Option& opt) {
    const auto& lnames = opt.get_lnames();
    const bool name_like = opt.get_positional() ||
                           std::find(lnames.begin(), lnames.end(), "name") != lnames.end();
    return name_like && mentions_lineage(opt.get_description()) ? json("lineage") : json();
}

// choices (enforced), suggestions (completion only) and the other checks.
void add_validators(json& out, CLI::Option& opt) {
    out["choices"] = json();
    out["suggestions"] = json();
    out["checks"] = json::array();
    for (auto* v : validators_of(opt)) {
        const auto name = v->get_name();
        if (const auto* set = value_sets::find_by_validator_name(name)) {
            const bool enforced = name.starts_with(value_sets::k_one_of_prefix);
            out[enforced ? "choices" : "suggestions"] = set->values;
            out[enforced ? "choices_name" : "suggestions_name"] = set->name;
        } else if (!v->get_description().empty()) {
            out["checks"].push_back(v->get_description());
        }
    }
}

json option_names(const std::set<CLI::Option*>& options) {
    auto names = json::array();
    for (const auto* opt : options) {
        names.push_back(opt->get_name(false, false));
    }
    std::sort(names.begin(), names.end());
    return names;
}

json dump_option(CLI::Option& opt) {
    json out;
    auto shorts = json::array();
    for (const auto& s : opt.get_snames()) {
        shorts.push_back("-" + s);
    }
    auto longs = json::array();
    for (const auto& l : opt.get_lnames()) {
        longs.push_back("--" + l);
    }
    out["short"] = shorts;
    out["long"] = longs;
    out["positional"] = opt.get_positional() ? json(opt.get_name(true, false)) : json();
    out["description"] = opt.get_description();
    out["flag"] = opt.get_expected_max() == 0 || opt.get_type_size_max() == 0;
    out["required"] = opt.get_required();
    out["repeatable"] = !out["flag"].get<bool>() && opt.get_expected_max() > 1;
    out["value_type"] = out["flag"].get<bool>() ? json() : json(value_type(opt));
    out["envname"] = string_or_null(opt.get_envname());
    out["default"] = out["flag"].get<bool>() ? json() : string_or_null(opt.get_default_str());
    out["config_key"] = string_or_null(config_key(opt));
    out["complete"] = completion_hint(opt);
    out["needs"] = option_names(opt.get_needs());
    out["excludes"] = option_names(opt.get_excludes());
    add_validators(out, opt);
    return out;
}

bool listed(const json& options, const CLI::Option& opt) {
    const auto name = opt.get_name(false, false);
    return std::any_of(options.begin(), options.end(), [&](const json& o) {
        const auto has = [&](const json& list) {
            return std::find(list.begin(), list.end(), name) != list.end();
        };
        return has(o["long"]) || has(o["short"]);
    });
}

// app's own options and those of its option groups (an option group repeats
// its parent's --help), hidden ones left out.
void dump_options(CLI::App& app, json& out) {
    for (auto* opt : app.get_options()) {
        if (!opt->get_group().empty() && !listed(out, *opt)) {
            out.push_back(dump_option(*opt));
        }
    }
    for (auto* group : app.get_subcommands([](CLI::App* s) { return s->get_name().empty(); })) {
        dump_options(*group, out);
    }
}

json dump_app(CLI::App& app) {
    json out;
    out["name"] = app.get_name();
    out["description"] = app.get_description();
    out["options"] = json::array();
    dump_options(app, out["options"]);
    out["subcommands"] = json::array();
    for (auto* sub : app.get_subcommands([](CLI::App* s) { return !s->get_name().empty(); })) {
        out["subcommands"].push_back(dump_app(*sub));
    }
    return out;
}

} // namespace

json dump_cli(CLI::App& app) {
    json out = dump_app(app);
    out["version"] = ACMECTL_VERSION;
    out["config_files"] = {k_system_config_file,
                           std::string("$ACMECTL_HOME/") + k_home_config_file};
    return out;
}

void add_dump_cli_flag(CLI::App& app) {
    app.add_flag_callback(
           "--dump-cli",
           [&app] {
               std::cout << dump_cli(app).dump(2) << std::endl;
               throw CLI::Success();
           },
           "Print the command tree as JSON (for scripts/gen-docs)")
        ->group("");
}

} // namespace acmectl
