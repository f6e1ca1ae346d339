#include "store/open_store.hpp"

#include "common/error.hpp"
#include "store/file_store.hpp"

namespace acme::store {

std::unique_ptr<Store> open_store(const StoreOptions& options) {
    const std::string& url = options.url;
    if (url.empty())
        return std::make_unique<FileStore>(options.home);
    if (url.rfind("file:", 0) == 0) {
        std::string path = url.substr(url.rfind("file://", 0) == 0 ? 7 : 5);
        if (path.empty())
            throw Error(ErrorKind::usage, "store URL " + url + " names no folder");
        return std::make_unique<FileStore>(path);
    }
    if (url.front() == '/' || url.front() == '.')
        return std::make_unique<FileStore>(url); // a folder: another file store
    throw Error(ErrorKind::usage, "unknown store URL " + url + ": use a folder");
}

} // namespace acme::store
