#include "store/etcd/gateway_json.hpp"

#include "common/error.hpp"
#include "crypto/base64url.hpp"

#include <algorithm>

namespace acme::store::etcd {

using nlohmann::json;

std::string base64_encode(const std::string& bytes) {
    std::string text = crypto::base64url_encode(bytes);
    std::replace(text.begin(), text.end(), '-', '+');
    std::replace(text.begin(), text.end(), '_', '/');
    text.append((4 - text.size() % 4) % 4, '=');
    return text;
}

std::string base64_decode(const std::string& text) {
    std::string url = text;
    while (!url.empty() && url.back() == '=')
        url.pop_back();
    if (url.empty())
        return ""; // keys_only answers and empty values carry no text
    if (url.find_first_of("-_") != std::string::npos)
        throw Error(ErrorKind::protocol, "etcd sent a value that is not base64");
    std::replace(url.begin(), url.end(), '+', '-');
    std::replace(url.begin(), url.end(), '/', '_');
    if (!crypto::is_base64url(url))
        throw Error(ErrorKind::protocol, "etcd sent a value that is not base64");
    return crypto::base64url_decode(url);
}

std::string prefix_end(const std::string& prefix) {
    std::string end = prefix;
    while (!end.empty()) {
        auto& last = reinterpret_cast<unsigned char&>(end.back());
        if (last < 0xff) {
            ++last;
            return end;
        }
        end.pop_back();
    }
    return std::string(1, '\0'); // every key
}

json encode_range(const std::string& key, const std::string& range_end, bool keys_only) {
    json body = {{"key", base64_encode(key)}};
    if (!range_end.empty())
        body["range_end"] = base64_encode(range_end);
    if (keys_only)
        body["keys_only"] = true;
    return body;
}

json encode_put(const std::string& key, const std::string& value, std::int64_t lease) {
    json body = {{"key", base64_encode(key)}, {"value", base64_encode(value)}};
    if (lease != 0)
        body["lease"] = std::to_string(lease);
    return body;
}

json encode_delete(const std::string& key, const std::string& range_end) {
    json body = {{"key", base64_encode(key)}};
    if (!range_end.empty())
        body["range_end"] = base64_encode(range_end);
    return body;
}

namespace {

json encode_compare(const Compare& c) {
    json out = {{"key", base64_encode(c.key)}, {"target", c.target}, {"result", c.result}};
    if (c.target == "VALUE")
        out["value"] = base64_encode(c.value);
    else if (c.target == "MOD")
        out["mod_revision"] = std::to_string(c.number);
    else if (c.target == "CREATE")
        out["create_revision"] = std::to_string(c.number);
    else
        out["version"] = std::to_string(c.number);
    return out;
}

json encode_op(const Op& op) {
    switch (op.kind) {
    case Op::Kind::put:
        return {{"request_put", encode_put(op.key, op.value, op.lease)}};
    case Op::Kind::remove:
        return {{"request_delete_range", encode_delete(op.key, op.range_end)}};
    case Op::Kind::range:
        break;
    }
    return {{"request_range", encode_range(op.key, op.range_end)}};
}

json encode_ops(const std::vector<Op>& ops) {
    json out = json::array();
    for (const Op& op : ops)
        out.push_back(encode_op(op));
    return out;
}

} // namespace

json encode_txn(const std::vector<Compare>& compares, const std::vector<Op>& success,
                const std::vector<Op>& failure) {
    json cmp = json::array();
    for (const Compare& c : compares)
        cmp.push_back(encode_compare(c));
    json body = {{"compare", cmp}, {"success", encode_ops(success)}};
    if (!failure.empty())
        body["failure"] = encode_ops(failure);
    return body;
}

std::int64_t decode_int(const json& object, const char* field) {
    auto it = object.find(field);
    if (it == object.end() || it->is_null())
        return 0;
    try {
        return it->is_string() ? std::stoll(it->get<std::string>()) : it->get<std::int64_t>();
    } catch (const std::exception&) {
        throw Error(ErrorKind::protocol, std::string("etcd sent a malformed ") + field);
    }
}

std::vector<KeyValue> decode_kvs(const json& range_response) {
    std::vector<KeyValue> out;
    auto it = range_response.find("kvs");
    if (it == range_response.end() || !it->is_array())
        return out;
    for (const json& kv : *it) {
        KeyValue item;
        item.key = base64_decode(kv.value("key", ""));
        item.value = base64_decode(kv.value("value", ""));
        item.create_revision = decode_int(kv, "create_revision");
        item.mod_revision = decode_int(kv, "mod_revision");
        item.lease = decode_int(kv, "lease");
        out.push_back(std::move(item));
    }
    return out;
}

} // namespace acme::store::etcd
