#include "ops/certbot_conf.hpp"

namespace acme::ops {

namespace {

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) {
        return "";
    }
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

} // namespace

std::string CertbotRenewalConf::param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string() : certbot_unquote(it->second);
}

std::string certbot_unquote(const std::string& value) {
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
        return value.substr(1, value.size() - 2);
    }
    return value;
}

std::vector<std::string> certbot_list(const std::string& value) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        auto item = certbot_unquote(trim(value.substr(start, end - start)));
        if (!item.empty()) {
            items.push_back(item);
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return items;
}

CertbotRenewalConf parse_certbot_conf(const std::string& text) {
    CertbotRenewalConf conf;
    auto* section = &conf.top;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        const auto line = trim(text.substr(pos, end == std::string::npos ? end : end - pos));
        pos = end == std::string::npos ? text.size() : end + 1;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (line == "[renewalparams]") {
            section = &conf.params;
        } else if (line == "[[webroot_map]]") {
            section = &conf.webroot_map;
        } else if (line.front() == '[') {
            section = nullptr; // a section we do not know: skipped
        } else if (auto eq = line.find('='); eq != std::string::npos && section != nullptr) {
            (*section)[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
        }
    }
    return conf;
}

} // namespace acme::ops
