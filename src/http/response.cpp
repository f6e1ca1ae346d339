#include "http/http_date.hpp"
#include "http/transport.hpp"

#include <algorithm>
#include <cctype>

namespace acme::http {

namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

bool is_ows(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_ows(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_ows(text.back()))
        text.remove_suffix(1);
    return text;
}

// One link-value of a Link header (RFC 8288 §3): <target> and its parameters.
struct LinkValue {
    std::string target;
    std::vector<std::pair<std::string, std::string>> params;
};

// A cursor over one Link field value. Commas separate link-values, but may
// also appear inside <...> and quoted strings, so this walks the grammar
// instead of splitting on ','.
class LinkParser {
  public:
    explicit LinkParser(std::string_view text) : m_text(text) {}

    // Every well-formed link-value; a malformed one is skipped up to the
    // next top-level comma so one bad entry does not hide the others.
    std::vector<LinkValue> parse() {
        std::vector<LinkValue> links;
        while (skip_separators()) {
            LinkValue link;
            if (parse_link(link)) {
                links.push_back(std::move(link));
            } else {
                skip_to_next_value();
            }
        }
        return links;
    }

  private:
    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    void skip_ows() {
        while (!at_end() && is_ows(peek()))
            ++m_pos;
    }

    // Skips whitespace and empty list elements; false at the end.
    bool skip_separators() {
        while (!at_end() && (is_ows(peek()) || peek() == ','))
            ++m_pos;
        return !at_end();
    }

    bool parse_link(LinkValue& link) {
        if (peek() != '<')
            return false;
        const auto close = m_text.find('>', m_pos);
        if (close == std::string_view::npos)
            return false;
        link.target = std::string(m_text.substr(m_pos + 1, close - m_pos - 1));
        m_pos = close + 1;
        return parse_params(link);
    }

    // *( OWS ";" OWS link-param ) up to the end or a comma.
    bool parse_params(LinkValue& link) {
        for (;;) {
            skip_ows();
            if (at_end() || peek() == ',')
                return true;
            if (peek() != ';')
                return false;
            ++m_pos;
            skip_ows();
            if (at_end() || peek() == ',' || peek() == ';')
                continue; // empty parameter
            std::pair<std::string, std::string> param;
            if (!parse_param(param))
                return false;
            link.params.push_back(std::move(param));
        }
    }

    bool parse_param(std::pair<std::string, std::string>& param) {
        param.first = read_token();
        if (param.first.empty())
            return false;
        std::transform(param.first.begin(), param.first.end(), param.first.begin(), lower);
        skip_ows();
        if (at_end() || peek() != '=')
            return true; // a parameter without value
        ++m_pos;
        skip_ows();
        if (!at_end() && peek() == '"')
            return read_quoted(param.second);
        param.second = read_token();
        return true;
    }

    std::string read_token() {
        const auto start = m_pos;
        while (!at_end() && !is_ows(peek()) && peek() != ';' && peek() != ',' && peek() != '=' &&
               peek() != '"') {
            ++m_pos;
        }
        return std::string(m_text.substr(start, m_pos - start));
    }

    // quoted-string with backslash escapes (RFC 9110 §5.6.4).
    bool read_quoted(std::string& out) {
        ++m_pos; // opening quote
        while (!at_end()) {
            const char c = m_text[m_pos++];
            if (c == '"')
                return true;
            if (c == '\\') {
                if (at_end())
                    return false;
                out.push_back(m_text[m_pos++]);
            } else {
                out.push_back(c);
            }
        }
        return false; // unterminated
    }

    void skip_to_next_value() {
        bool quoted = false;
        bool in_target = false;
        for (; !at_end(); ++m_pos) {
            const char c = peek();
            if (quoted && c == '\\') {
                ++m_pos;
            } else if (c == '"' && !in_target) {
                quoted = !quoted;
            } else if (!quoted && (c == '<' || c == '>')) {
                in_target = c == '<';
            } else if (!quoted && !in_target && c == ',') {
                return;
            }
        }
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

// rel is a space-separated list of relation types, compared case-insensitively;
// only the first rel parameter counts (RFC 8288 §3.3).
bool has_rel(const LinkValue& link, std::string_view rel) {
    const auto param = std::find_if(link.params.begin(), link.params.end(),
                                    [](const auto& p) { return p.first == "rel"; });
    if (param == link.params.end())
        return false;
    std::string_view types = param->second;
    while (!types.empty()) {
        const auto end = std::min(types.find_first_of(" \t"), types.size());
        if (end > 0 && iequals(types.substr(0, end), rel))
            return true;
        types.remove_prefix(std::min(end + 1, types.size()));
    }
    return false;
}

} // namespace

std::string Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name))
            return value;
    }
    return {};
}

std::vector<std::string> Response::links(std::string_view rel) const {
    std::vector<std::string> targets;
    for (const auto& [key, value] : headers) {
        if (!iequals(key, "link"))
            continue;
        for (auto& link : LinkParser(value).parse()) {
            if (has_rel(link, rel))
                targets.push_back(std::move(link.target));
        }
    }
    return targets;
}

std::optional<std::chrono::seconds> Response::retry_after() const {
    const auto field = header("retry-after");
    const auto value = trim(field);
    if (value.empty())
        return std::nullopt;
    if (auto delta = parse_delta_seconds(value))
        return delta;
    const auto date = parse_http_date(value);
    if (!date)
        return std::nullopt;
    // In whole seconds: the date never meets the nanosecond clock's range.
    // Flooring now rounds the wait up: a second late is harmless, early is not.
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return std::max(*date - now, std::chrono::seconds{0});
}

} // namespace acme::http
