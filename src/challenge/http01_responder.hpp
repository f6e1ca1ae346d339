// The HTTP side of the standalone http-01 solver, without sockets: find where
// a request head ends and compute the whole answer to it. Private to
// src/challenge; separate so the unit tests can feed it odd requests.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace acme::challenge {

// Key authorization for a token, or nullopt when the token is not presented.
using KeyAuthorizationLookup = std::function<std::optional<std::string>(std::string_view token)>;

// Offset just past the blank line that ends the request head ("\r\n\r\n", or
// a bare "\n\n" from lenient clients); npos while the head is incomplete.
std::size_t request_head_end(std::string_view data);

// The full response (status line, headers, body) to one request head:
// 200 with the key authorization for GET/HEAD of a presented token's
// /.well-known/acme-challenge/ path, 404 for other paths, 405 for other
// methods, 400/505 for malformed requests. Always "Connection: close".
std::string http01_answer(std::string_view request_head, const KeyAuthorizationLookup& lookup);

// A bodyless error response (e.g. 431 for an oversized head).
std::string http01_error(int status);

} // namespace acme::challenge
