#include "sni_format.hpp"

#include <filesystem>
#include <iostream>

namespace acmectl {

CLI::Option* add_sni_dir_flag(CLI::App& app, std::string& dir) {
    return app.add_option("--sni-dir", dir,
                          "Keep DIR/HOSTNAME/{fullchain.pem,privkey.pem} for every name of every "
                          "lineage, switched atomically, for nginx's $ssl_server_name "
                          "(*.domain as _wildcard.domain)");
}

std::string sni_dir_path(const std::string& flag) {
    return flag.empty() ? "" : std::filesystem::absolute(flag).lexically_normal().string();
}

nlohmann::json sni_json(const std::optional<acme::ops::SniReport>& report) {
    if (!report) {
        return nullptr;
    }
    return {{"dir", report->dir.string()},
            {"entries", report->entries},
            {"linked", report->linked},
            {"removed", report->removed},
            {"problems", report->problems}};
}

void print_sni(const std::optional<acme::ops::SniReport>& report, bool quiet) {
    if (!report) {
        return;
    }
    for (const auto& p : report->problems) {
        std::cerr << "SNI folder " << report->dir.string() << ": " << p << '\n';
    }
    if (quiet || (report->linked.empty() && report->removed.empty())) {
        return;
    }
    std::cout << "SNI folder " << report->dir.string() << ": " << report->entries << " entries, "
              << report->linked.size() << " switched, " << report->removed.size() << " removed\n";
}

bool sni_failed(const std::optional<acme::ops::SniReport>& report) {
    return report && !report->problems.empty();
}

} // namespace acmectl
