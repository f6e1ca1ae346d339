#include "challenge/http01_responder.hpp"

#include "challenge/token.hpp"

namespace acme::challenge {

namespace {

constexpr std::string_view k_challenge_prefix = "/.well-known/acme-challenge/";

std::string_view reason(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 431:
        return "Request Header Fields Too Large";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

// HEAD gets the same headers as GET, Content-Length included, but no body.
std::string response(int status, std::string_view body, bool head_only) {
    std::string out =
        "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) + "\r\n";
    out += "Content-Type: text/plain\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (status == 405)
        out += "Allow: GET, HEAD\r\n";
    out += "Connection: close\r\n\r\n";
    if (!head_only)
        out += body;
    return out;
}

struct RequestLine {
    std::string_view method;
    std::string_view target;
    std::string_view version;
};

// "METHOD SP request-target SP HTTP-version" (RFC 9112 §3); nullopt otherwise.
std::optional<RequestLine> parse_request_line(std::string_view head) {
    auto line = head.substr(0, head.find('\n'));
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    const auto first = line.find(' ');
    const auto second = line.find(' ', first + 1);
    if (first == 0 || first == std::string_view::npos || second == std::string_view::npos ||
        second == first + 1 || line.find(' ', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    return RequestLine{line.substr(0, first), line.substr(first + 1, second - first - 1),
                       line.substr(second + 1)};
}

// The path of an origin-form ("/p") or absolute-form ("http://host/p") target.
std::string_view target_path(std::string_view target) {
    if (target.starts_with("http://")) {
        const auto slash = target.find('/', 7);
        return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
    return target;
}

} // namespace

std::size_t request_head_end(std::string_view data) {
    const auto crlf = data.find("\r\n\r\n");
    const auto lf = data.find("\n\n");
    if (crlf == std::string_view::npos && lf == std::string_view::npos)
        return std::string_view::npos;
    if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf))
        return crlf + 4;
    return lf + 2;
}

std::string http01_answer(std::string_view request_head, const KeyAuthorizationLookup& lookup) {
    const auto line = parse_request_line(request_head);
    if (!line || !line->version.starts_with("HTTP/"))
        return http01_error(400);
    if (line->version != "HTTP/1.1" && line->version != "HTTP/1.0")
        return http01_error(505);
    const bool head_only = line->method == "HEAD";
    if (line->method != "GET" && !head_only)
        return response(405, "method not allowed\n", false);
    const auto path = target_path(line->target);
    if (path.starts_with(k_challenge_prefix)) {
        const auto token = path.substr(k_challenge_prefix.size());
        if (is_valid_token(token)) {
            if (auto key_authorization = lookup(token))
                return response(200, *key_authorization, head_only);
        }
    }
    return response(404, "not found\n", head_only);
}

std::string http01_error(int status) {
    return response(status, "", false);
}

} // namespace acme::challenge
