// A private (0700) temporary folder, removed with its content at scope exit:
// for dry-run certificates and failure reports handed to hooks.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "common/error.hpp"

namespace acme::ops {

class TempFolder {
  public:
    explicit TempFolder(const std::string& prefix) {
        auto pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw Error(ErrorKind::io, "cannot create a temporary folder in " +
                                           std::filesystem::temp_directory_path().string());
        }
        m_path = pattern;
    }
    ~TempFolder() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

} // namespace acme::ops
