// An etcd watch over the v3 JSON gateway: POST /v3/watch with one
// create_request, answered by a stream of newline-delimited JSON messages
// ({"result": {...}}) that libcurl hands over piece by piece.
//
// API:
//   WatchRequest   key / range_end (a prefix: range_end = prefix_end(key)),
//                  start_revision (0 = from now), deadline, stop flag.
//   watch(client, request, handler)
//                  opens the stream on the client's endpoints in turn and
//                  calls handler for every message: the "created" one (its
//                  revision is the store's revision when the watch began),
//                  then one per batch of events (key, value, mod_revision,
//                  PUT/DELETE) with the header revision. The handler returns
//                  false to end the watch; what it throws is rethrown.
//                  Returns how the watch ended (WatchEnd) and the revision up
//                  to which every change was delivered, so the caller resumes
//                  at revision + 1. (Not simply the last header revision: while
//                  etcd catches a watcher up, each batch carries the newest
//                  revision of the store, not of the batch.)
//   WatchEnd::compacted  start_revision is gone (compact_revision says up to
//                  where): the caller must re-read everything; ::too_large
//                  likewise (a message over the buffer limit was dropped).
//   WatchEnd::disconnected  no endpoint answered, or the stream broke or was
//                  refused: error says why; the caller backs off and resumes.
// Everything etcd sends is untrusted: a line longer than the limit, bad JSON
// or bad base64 never grows memory past the limit nor crashes the caller.
// SIGINT/SIGTERM (common/interrupt) end the watch within a second by
// Error(interrupted), as every curl transfer of acmectl does.
#pragma once

#include "common/error.hpp"
#include "store/etcd/etcd_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace acme::store::etcd {

// One JSON message of the stream may carry many events (a watch resuming far
// back gets up to 1000 revisions at once); beyond this the caller re-reads.
inline constexpr std::size_t k_max_watch_message = 64u << 20;

struct WatchEvent {
    enum class Type { put, remove } type = Type::put;
    std::string key;
    std::string value; // empty for a delete
    std::int64_t mod_revision = 0;
};

// One message of the stream.
struct WatchMessage {
    std::int64_t revision = 0; // header.revision: the store's revision then
    bool created = false;
    bool canceled = false;
    std::int64_t compact_revision = 0; // > 0: the start revision was compacted
    std::string cancel_reason;
    std::vector<WatchEvent> events;
};

// Decodes one message; throws Error(protocol) for a malformed one, and for
// an {"error": ...} message naming etcd's text.
WatchMessage decode_watch_message(const nlohmann::json& message);

// A message over the decoder's limit (the caller re-reads instead).
class WatchTooLarge : public Error {
  public:
    using Error::Error;
};

// Splits the stream into lines and decodes them; keeps at most max_line
// bytes of an unfinished line (WatchTooLarge beyond it).
class WatchDecoder {
  public:
    explicit WatchDecoder(std::size_t max_line = k_max_watch_message) : m_max(max_line) {}
    std::vector<WatchMessage> feed(std::string_view bytes);

  private:
    std::size_t m_max;
    std::string m_partial;
};

// The body of POST /v3/watch.
nlohmann::json encode_watch(const std::string& key, const std::string& range_end,
                            std::int64_t start_revision);

struct WatchRequest {
    std::string key;
    std::string range_end;           // "" = key alone; prefix_end(key) = a prefix
    std::int64_t start_revision = 0; // 0 = changes from now on
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    const std::atomic<bool>* stop = nullptr; // polled about once a second
};

enum class WatchEnd { handler, deadline, stopped, compacted, too_large, disconnected };

struct WatchResult {
    WatchEnd end = WatchEnd::disconnected;
    std::int64_t revision = 0;         // every change up to it was delivered; 0 = none
    std::int64_t compact_revision = 0; // for compacted
    std::string error;                 // one line, for disconnected and too_large
};

using WatchHandler = std::function<bool(const WatchMessage&)>;

WatchResult watch(Client& client, const WatchRequest& request, const WatchHandler& handler);

} // namespace acme::store::etcd
