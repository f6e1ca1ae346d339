#include "store/etcd/etcd_watch.hpp"

#include "common/error.hpp"
#include "http/curl_client.hpp"

#include <algorithm>
#include <exception>

namespace acme::store::etcd {

using nlohmann::json;

namespace {

WatchEvent decode_event(const json& event) {
    if (!event.is_object() || !event.contains("kv") || !event["kv"].is_object())
        throw Error(ErrorKind::protocol, "etcd sent a watch event without kv");
    const json& kv = event["kv"];
    WatchEvent out;
    // PUT is the enum's zero: the gateway leaves it out.
    const json type = event.value("type", json("PUT"));
    if (type == "DELETE" || type == 1)
        out.type = WatchEvent::Type::remove;
    else if (type != "PUT" && type != 0)
        throw Error(ErrorKind::protocol, "etcd sent a watch event of unknown type");
    out.key = base64_decode(kv.value("key", std::string()));
    out.value = base64_decode(kv.value("value", std::string()));
    out.mod_revision = decode_int(kv, "mod_revision");
    return out;
}

std::string error_of(const json& message) {
    const json& error = message["error"];
    if (error.is_string())
        return error.get<std::string>();
    if (error.is_object() && error.contains("message") && error["message"].is_string())
        return error["message"].get<std::string>();
    return "unreadable error";
}

} // namespace

WatchMessage decode_watch_message(const json& message) {
    if (!message.is_object())
        throw Error(ErrorKind::protocol, "etcd sent a watch message that is not an object");
    if (message.contains("error"))
        throw Error(ErrorKind::protocol, "etcd refused the watch: " + error_of(message));
    const json& result = message.contains("result") ? message["result"] : message;
    if (!result.is_object())
        throw Error(ErrorKind::protocol, "etcd sent a watch result that is not an object");
    try {
        WatchMessage out;
        if (result.contains("header") && result["header"].is_object())
            out.revision = decode_int(result["header"], "revision");
        out.created = result.value("created", false);
        out.canceled = result.value("canceled", false);
        out.compact_revision = decode_int(result, "compact_revision");
        out.cancel_reason = result.value("cancel_reason", std::string());
        for (const json& event : result.value("events", json::array()))
            out.events.push_back(decode_event(event));
        return out;
    } catch (const json::exception& e) {
        throw Error(ErrorKind::protocol,
                    std::string("etcd sent a malformed watch message: ") + e.what());
    }
}

std::vector<WatchMessage> WatchDecoder::feed(std::string_view bytes) {
    std::vector<WatchMessage> out;
    for (;;) {
        const auto newline = bytes.find('\n');
        const auto piece = bytes.substr(0, newline);
        if (m_partial.size() + piece.size() > m_max) {
            m_partial.clear();
            throw WatchTooLarge(ErrorKind::protocol, "etcd sent a watch message over " +
                                                         std::to_string(m_max) + " bytes");
        }
        m_partial.append(piece);
        if (newline == std::string_view::npos)
            return out;
        bytes.remove_prefix(newline + 1);
        std::string line = std::move(m_partial);
        m_partial.clear();
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        const json message = json::parse(line, nullptr, false);
        if (message.is_discarded())
            throw Error(ErrorKind::protocol, "etcd sent a watch message that is not JSON");
        out.push_back(decode_watch_message(message));
    }
}

json encode_watch(const std::string& key, const std::string& range_end,
                  std::int64_t start_revision) {
    json create = {{"key", base64_encode(key)}, {"progress_notify", true}};
    if (!range_end.empty())
        create["range_end"] = base64_encode(range_end);
    if (start_revision > 0)
        create["start_revision"] = std::to_string(start_revision);
    return {{"create_request", create}};
}

namespace {

// One watch stream on one endpoint: decodes what arrives, tracks the
// revision reached, and decides how the watch ended.
class Stream {
  public:
    Stream(const WatchRequest& request, const WatchHandler& handler)
        : m_request(request), m_handler(handler) {
        m_result.revision = std::max<std::int64_t>(request.start_revision - 1, 0);
    }

    bool on_data(std::string_view bytes) {
        std::vector<WatchMessage> messages;
        try {
            messages = m_decoder.feed(bytes);
        } catch (const WatchTooLarge& e) {
            return finish(WatchEnd::too_large, e.what());
        } catch (const Error& e) {
            return finish(WatchEnd::disconnected, e.what());
        }
        for (const auto& message : messages) {
            if (!on_message(message))
                return false;
        }
        return true;
    }

    bool keep_going() {
        if (m_request.stop && m_request.stop->load())
            return finish(WatchEnd::stopped);
        if (std::chrono::steady_clock::now() >= m_request.deadline)
            return finish(WatchEnd::deadline);
        return true;
    }

    // After the transfer: an end the callbacks did not choose is a break.
    WatchResult result(const std::string& why) {
        if (m_handler_error)
            std::rethrow_exception(m_handler_error);
        if (!m_ended)
            finish(WatchEnd::disconnected, why);
        return m_result;
    }
    bool heard() const { return m_heard; }

  private:
    bool on_message(const WatchMessage& message) {
        m_heard = true;
        if (message.compact_revision > 0) {
            m_result.compact_revision = message.compact_revision;
            return finish(WatchEnd::compacted);
        }
        if (message.canceled)
            return finish(WatchEnd::disconnected,
                          "etcd canceled the watch: " + message.cancel_reason);
        bool go_on = false;
        try {
            go_on = m_handler(message);
        } catch (...) {
            // Rethrown after the transfer, not taken for a broken stream.
            m_handler_error = std::current_exception();
            return finish(WatchEnd::handler);
        }
        advance(message);
        return go_on || finish(WatchEnd::handler);
    }

    // A created message only vouches for "now" when the watch began now; a
    // batch of events for its own events; an empty batch (progress) for its
    // header, since etcd only sends one to a watcher that is caught up.
    void advance(const WatchMessage& message) {
        std::int64_t reached = 0;
        if (message.created)
            reached = m_request.start_revision > 0 ? 0 : message.revision;
        else if (message.events.empty())
            reached = message.revision;
        for (const auto& event : message.events)
            reached = std::max(reached, event.mod_revision);
        m_result.revision = std::max(m_result.revision, reached);
    }

    bool finish(WatchEnd end, std::string error = "") {
        m_ended = true;
        m_result.end = end;
        m_result.error = std::move(error);
        return false;
    }

    const WatchRequest& m_request;
    const WatchHandler& m_handler;
    WatchDecoder m_decoder;
    WatchResult m_result;
    bool m_ended = false;
    bool m_heard = false;
    std::exception_ptr m_handler_error;
};

WatchResult watch_endpoint(Client& client, std::size_t endpoint, const std::string& body,
                           const WatchRequest& request, const WatchHandler& handler, bool& heard) {
    const auto& base = client.config().endpoints[endpoint];
    Stream stream(request, handler);
    std::string why;
    try {
        http::ClientOptions options = client.config().http;
        options.total_timeout = std::chrono::milliseconds(0); // a watch runs for hours
        if (auto auth = client.authorization(endpoint); !auth.empty())
            options.extra_headers.push_back(auth);
        http::CurlClient http(options);
        http::StreamSink sink;
        sink.on_data = [&](std::string_view bytes) { return stream.on_data(bytes); };
        sink.keep_going = [&] { return stream.keep_going(); };
        const auto end = http.post_stream(base + "/v3/watch", body, "application/json", sink);
        why = end.status == 200 ? base + " closed the watch stream"
                                : base + " answered HTTP " + std::to_string(end.status);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::interrupted)
            throw;
        why = e.what();
    }
    heard = stream.heard();
    return stream.result(why);
}

} // namespace

WatchResult watch(Client& client, const WatchRequest& request, const WatchHandler& handler) {
    const std::string body =
        encode_watch(request.key, request.range_end, request.start_revision).dump();
    const auto count = client.config().endpoints.size();
    WatchResult result;
    std::string failures;
    for (std::size_t i = 0; i < count; ++i) {
        bool heard = false;
        result = watch_endpoint(client, i, body, request, handler, heard);
        // Once an endpoint answered, its end stands: the caller resumes.
        if (result.end != WatchEnd::disconnected || heard)
            return result;
        failures += (failures.empty() ? "" : "; ") + result.error;
    }
    result.error = "etcd watch failed (tried " + client.endpoint_list() + "): " + failures;
    return result;
}

} // namespace acme::store::etcd
