#include "common/error.hpp"

namespace acme {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::network: return "network";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::tls: return "tls";
    case ErrorKind::acme_problem: return "acme_problem";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::io: return "io";
    case ErrorKind::config: return "config";
    case ErrorKind::crypto: return "crypto";
    case ErrorKind::hook: return "hook";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::interrupted: return "interrupted";
    }
    return "unknown";
}

} // namespace acme
