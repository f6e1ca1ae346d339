#include "config_file.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>

namespace acmectl {

namespace {

// The keys acmectl.conf knows: global options (top level only) and options of
// subcommands (top level: every subcommand that has it; [name]: that one).
constexpr std::array<std::string_view, 12> k_global_keys{
    "server",   "home",       "ca-bundle", "hook-env",          "store",          "node",
    "store-ca", "store-cert", "store-key", "store-credentials", "store-key-file", "store-lock-ttl"};
constexpr std::array<std::string_view, 12> k_command_keys{
    "email",     "key-type",      "pre-hook",  "post-hook", "failure-hook", "deploy-hook",
    "key-group", "keep-versions", "warn-days", "crit-days", "sni-dir",      "sync-names"};

bool contains(const auto& list, std::string_view key) {
    return std::find(list.begin(), list.end(), key) != list.end();
}

std::string known_keys() {
    std::string out;
    for (const auto& list : {std::span<const std::string_view>(k_global_keys),
                             std::span<const std::string_view>(k_command_keys)}) {
        for (auto key : list) {
            out += (out.empty() ? "" : ", ") + std::string(key);
        }
    }
    return out;
}

// A character scanner over the file that knows its line number.
class Scanner {
  public:
    Scanner(std::string_view text, const std::string& path) : m_text(text), m_path(path) {}

    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return at_end() ? '\0' : m_text[m_pos]; }
    char take() {
        if (at_end()) {
            fail("unexpected end of file"); // never read past the text
        }
        const char c = m_text[m_pos++];
        m_line += c == '\n' ? 1 : 0;
        return c;
    }
    int line() const { return m_line; }
    std::string origin() const { return m_path + ":" + std::to_string(m_line); }
    [[noreturn]] void fail(const std::string& what) const {
        throw ConfigFileError(origin() + ": " + what);
    }
    void skip_blanks() {
        while (peek() == ' ' || peek() == '\t' || peek() == '\r') {
            take();
        }
    }
    void skip_comment() {
        while (!at_end() && peek() != '\n') {
            take();
        }
    }
    // Blanks, newlines and comments (inside an array).
    void skip_space() {
        for (skip_blanks(); peek() == '\n' || peek() == '#'; skip_blanks()) {
            peek() == '#' ? skip_comment() : static_cast<void>(take());
        }
    }
    // After a value or section: blanks, an optional comment, the line's end.
    void end_line() {
        skip_blanks();
        if (peek() == '#') {
            skip_comment();
        }
        if (!at_end() && take() != '\n') {
            fail("unexpected text after the value (quote values that contain spaces)");
        }
    }
    std::string take_word() {
        std::string word;
        while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '_') {
            word += take();
        }
        return word;
    }

  private:
    std::string_view m_text;
    const std::string& m_path;
    std::size_t m_pos = 0;
    int m_line = 1;
};

char unescape(Scanner& s) {
    if (s.at_end()) {
        s.fail("unterminated string (a backslash ends the file)");
    }
    switch (const char c = s.take()) {
    case '"':
    case '\\':
        return c;
    case 'n':
        return '\n';
    case 't':
        return '\t';
    default:
        s.fail(std::string("unknown escape \\") + c + " in a string");
    }
}

std::string quoted(Scanner& s) {
    const char quote = s.take();
    std::string value;
    while (s.peek() != quote) {
        if (s.at_end() || s.peek() == '\n') {
            s.fail("unterminated string");
        }
        const char c = s.take();
        value += c == '\\' && quote == '"' ? unescape(s) : c;
    }
    s.take();
    return value;
}

std::string bare(Scanner& s) {
    std::string value;
    for (char c = s.peek();
         !s.at_end() && std::string_view(" \t\r\n#,[]\"'").find(c) == std::string_view::npos;
         c = s.peek()) {
        value += s.take();
    }
    if (value.empty()) {
        s.fail("expected a value: \"text\", 'text', a word or [\"a\", \"b\"]");
    }
    return value;
}

std::string scalar(Scanner& s) {
    return s.peek() == '"' || s.peek() == '\'' ? quoted(s) : bare(s);
}

std::vector<std::string> array(Scanner& s) {
    const auto start = s.origin();
    s.take(); // [
    std::vector<std::string> values;
    for (s.skip_space(); s.peek() != ']'; s.skip_space()) {
        values.push_back(scalar(s));
        s.skip_space();
        if (s.at_end()) {
            throw ConfigFileError(start + ": unterminated [ array");
        }
        if (s.peek() == ',') {
            s.take();
        } else if (s.peek() != ']') {
            s.fail("expected , or ] in the array");
        }
    }
    s.take();
    return values;
}

std::string section_header(Scanner& s) {
    s.take(); // [
    s.skip_blanks();
    std::string name = s.take_word();
    s.skip_blanks();
    if (name.empty() || s.peek() != ']') {
        s.fail("expected a [section] named after a subcommand");
    }
    s.take();
    s.end_line();
    return name;
}

ConfigEntry key_value(Scanner& s, const std::string& section) {
    ConfigEntry e{section, s.take_word(), {}, s.origin()};
    s.skip_blanks();
    if (e.key.empty() || s.peek() != '=') {
        s.fail("expected 'key = value' or [section]");
    }
    s.take();
    s.skip_blanks();
    if (s.peek() == '[') {
        e.values = array(s);
    } else {
        e.values.push_back(scalar(s));
    }
    s.end_line();
    return e;
}

void add_entry(std::vector<ConfigEntry>& entries, ConfigEntry entry) {
    for (const auto& e : entries) {
        if (e.section == entry.section && e.key == entry.key) {
            throw ConfigFileError(entry.origin + ": duplicate key '" + entry.key +
                                  "' (first set at " + e.origin + ")");
        }
    }
    entries.push_back(std::move(entry));
}

std::optional<std::string> read_text(const std::filesystem::path& path, bool must_exist) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ConfigFileError(path.string() + ": is a folder, not a config file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT && !must_exist) {
            return std::nullopt;
        }
        throw ConfigFileError("cannot read config file " + path.string() + ": " +
                              std::strerror(errno));
    }
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw ConfigFileError("cannot read config file " + path.string());
    }
    return text;
}

std::vector<CLI::App*> named_subcommands(CLI::App& app) {
    return app.get_subcommands([](CLI::App* sub) { return !sub->get_name().empty(); });
}

// The options of app itself and of its option groups (where the globals live).
std::vector<CLI::Option*> own_options(CLI::App& app) {
    auto options = app.get_options();
    for (auto* group : app.get_subcommands([](CLI::App* s) { return s->get_name().empty(); })) {
        for (auto* opt : own_options(*group)) {
            options.push_back(opt);
        }
    }
    return options;
}

CLI::App* find_subcommand(CLI::App& app, const std::string& name) {
    for (auto* sub : named_subcommands(app)) {
        if (sub->get_name() == name) {
            return sub;
        }
    }
    return nullptr;
}

void check_section(CLI::App& app, const ConfigEntry& section) {
    if (find_subcommand(app, section.section) == nullptr) {
        throw ConfigFileError(section.origin + ": unknown section [" + section.section +
                              "] (sections are named after subcommands)");
    }
}

void check_entry(CLI::App& app, const ConfigEntry& e, bool store_file) {
    if (e.section.empty()) {
        if (!contains(k_global_keys, e.key) && !contains(k_command_keys, e.key)) {
            throw ConfigFileError(e.origin + ": unknown key '" + e.key +
                                  "' (known: " + known_keys() + ")");
        }
        if (store_file && e.key == "home") {
            throw ConfigFileError(e.origin + ": 'home' cannot be set in the store's own " +
                                  k_home_config_file);
        }
        return;
    }
    CLI::App* sub = find_subcommand(app, e.section);
    if (!contains(k_command_keys, e.key) || sub->get_option_no_throw("--" + e.key) == nullptr) {
        throw ConfigFileError(e.origin + ": [" + e.section + "] has no key '" + e.key + "'");
    }
}

// The config layers, the store's file first: the first entry found wins.
struct Layers {
    std::vector<ConfigEntry> store;
    std::vector<ConfigEntry> system;

    const ConfigEntry* find(const std::string& section, const std::string& key) const {
        for (const auto* layer : {&store, &system}) {
            for (const auto& wanted : {section, std::string()}) {
                for (const auto& e : *layer) {
                    if (e.section == wanted && e.key == key) {
                        return &e;
                    }
                }
            }
        }
        return nullptr;
    }
};

void apply_entry(CLI::Option& opt, const ConfigEntry& e) {
    for (const auto& value : e.values) {
        opt.add_result(value);
    }
    if (e.values.empty()) {
        return;
    }
    try {
        opt.run_callback();
    } catch (const CLI::Error& error) {
        // CLI11 says "--key-type: ec999 not in {...}": keep the file's name for it.
        std::string what = error.what();
        const std::string flag_prefix = "--" + e.key + ": ";
        if (what.starts_with(flag_prefix)) {
            what.erase(0, flag_prefix.size());
        }
        throw ConfigFileError(e.origin + ": " + e.key + ": " + what);
    }
}

// Sets each option of options that has a config key (only_key, when given)
// and no value yet.
void apply_layers(const std::vector<CLI::Option*>& options, const std::string& section,
                  const Layers& layers, std::string_view only_key = {}) {
    for (auto* opt : options) {
        const auto key = config_key(*opt);
        if (key.empty() || opt->count() > 0 || (!only_key.empty() && key != only_key)) {
            continue;
        }
        if (const auto* entry = layers.find(section, key)) {
            apply_entry(*opt, *entry);
        }
    }
}

std::vector<ConfigEntry> read_layer(CLI::App& app, const std::filesystem::path& path,
                                    bool must_exist, bool store_file) {
    const auto text = read_text(path, must_exist);
    if (!text) {
        return {};
    }
    auto parsed = parse_config(*text, path.string());
    for (const auto& section : parsed.sections) {
        check_section(app, section);
    }
    for (const auto& e : parsed.entries) {
        check_entry(app, e, store_file);
    }
    return std::move(parsed.entries);
}

} // namespace

ConfigText parse_config(std::string_view text, const std::string& path) {
    Scanner s(text, path);
    ConfigText parsed;
    std::string section;
    for (s.skip_blanks(); !s.at_end(); s.skip_blanks()) {
        if (s.peek() == '\n') {
            s.take();
        } else if (s.peek() == '#' || s.peek() == ';') {
            s.skip_comment();
        } else if (s.peek() == '[') {
            const auto origin = s.origin();
            section = section_header(s);
            parsed.sections.push_back({section, "", {}, origin});
        } else {
            add_entry(parsed.entries, key_value(s, section));
        }
    }
    return parsed;
}

std::string config_key(const CLI::Option& opt) {
    // Any long name may be the key: sync's --only is sync-names in the file.
    for (const auto& name : opt.get_lnames()) {
        if (contains(k_global_keys, name) || contains(k_command_keys, name))
            return name;
    }
    return "";
}

void apply_config_files(CLI::App& app, GlobalOptions& global) {
    Layers layers;
    layers.system = global.config.empty() ? read_layer(app, k_system_config_file, false, false)
                                          : read_layer(app, global.config, true, false);
    // The system file may move the store, and with it the store's own file.
    const auto globals = own_options(app);
    apply_layers(globals, "", layers, "home");
    layers.store = read_layer(app, resolve_home(global) / k_home_config_file, false, true);
    apply_layers(globals, "", layers);
    for (auto* sub : app.get_subcommands()) {
        apply_layers(sub->get_options(), sub->get_name(), layers);
    }
}

} // namespace acmectl
