#include "usage_hints.hpp"

#include <algorithm>
#include <numeric>

namespace acmectl {

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), 0);
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The subcommands proper: option groups ("Global options") are nameless
// subcommands to CLI11.
std::vector<CLI::App*> commands_of(CLI::App& app) {
    return app.get_subcommands([](CLI::App* sub) { return !sub->get_name().empty(); });
}

CLI::App* chosen_subcommand(CLI::App& app) {
    for (auto* sub : commands_of(app)) {
        if (sub->parsed()) {
            return sub;
        }
    }
    return nullptr;
}

std::vector<std::string> command_names(CLI::App& app) {
    std::vector<std::string> names;
    for (auto* sub : commands_of(app)) {
        names.push_back(sub->get_name());
    }
    return names;
}

void add_flag_names(const CLI::App& app, std::vector<std::string>& names) {
    for (const auto* opt : app.get_options()) {
        for (const auto& l : opt->get_lnames()) {
            names.push_back("--" + l);
        }
        for (const auto& s : opt->get_snames()) {
            names.push_back("-" + s);
        }
    }
}

// Every --long and -s flag of app and of its parent (global flags may follow
// the subcommand), with those of their option groups ("Global options" holds
// --json: `check --jsn` must find it).
std::vector<std::string> flag_names(CLI::App& app) {
    std::vector<std::string> names;
    for (auto* a = &app; a != nullptr; a = a->get_parent()) {
        add_flag_names(*a, names);
        for (const auto* group : a->get_subcommands(
                 [](CLI::App* s) { return dynamic_cast<CLI::Option_group*>(s) != nullptr; })) {
            add_flag_names(*group, names);
        }
    }
    return names;
}

std::string first_unknown(const std::vector<std::string>& args, bool flags) {
    for (const auto& arg : args) {
        if ((arg.rfind("-", 0) == 0) == flags) {
            return flags ? arg.substr(0, arg.find('=')) : arg;
        }
    }
    return "";
}

} // namespace

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        const auto d = edit_distance(word, c);
        if (d < best_distance || (c.rfind(word, 0) == 0 && word.size() >= 3 && best.empty())) {
            best = c;
            best_distance = std::min(d, best_distance);
        }
    }
    return best;
}

std::string usage_message(CLI::App& app, const CLI::ParseError& error) {
    auto* sub = chosen_subcommand(app);
    auto extras = app.remaining();
    if (sub != nullptr) { // an unknown flag may stay with the subcommand or fall through
        const auto own = sub->remaining();
        extras.insert(extras.begin(), own.begin(), own.end());
    }
    std::string message = error.what();
    if (sub == nullptr) {
        if (const auto word = first_unknown(extras, false); !word.empty()) {
            message = "unknown command '" + word + "'";
            if (const auto near = nearest(word, command_names(app)); !near.empty()) {
                message += "; did you mean '" + near + "'?";
            }
        }
    } else if (const auto flag = first_unknown(extras, true); !flag.empty()) {
        message = "unknown option '" + flag + "' for '" + sub->get_name() + "'";
        if (const auto near = nearest(flag, flag_names(*sub)); !near.empty()) {
            message += "; did you mean '" + near + "'?";
        }
    }
    const auto help =
        sub ? "acmectl " + sub->get_name() + " --help" : std::string("acmectl --help");
    return "acmectl: " + message + "\nRun '" + help + "' for usage.\n";
}

CLI::Validator ascii_name() {
    return CLI::Validator(
        [](std::string& name) -> std::string {
            const bool ascii = std::all_of(name.begin(), name.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x80;
            });
            return ascii ? ""
                         : "'" + name +
                               "' is an internationalized name: use punycode "
                               "(xn--...), e.g. from idn2";
        },
        "", "");
}

CLI::Validator https_directory() {
    return CLI::Validator(
        [](std::string& url) -> std::string {
            return url.rfind("http://", 0) == 0
                       ? "ACME directory URLs must be https (RFC 8555 §6.1): " + url
                       : "";
        },
        "", "");
}

} // namespace acmectl
