// The JSON of etcd's v3 gRPC gateway (POST /v3/kv/range, put, txn, ...):
// keys and values travel as standard base64, 64-bit numbers as strings.
// Pure functions, so the encoding is unit-tested without a server.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace acme::store::etcd {

std::string base64_encode(const std::string& bytes); // RFC 4648 §4, padded
// Throws Error(protocol) on text that is not base64.
std::string base64_decode(const std::string& text);

// The range_end that selects every key starting with prefix (etcd's rule:
// the prefix with its last byte incremented, dropping trailing 0xff).
std::string prefix_end(const std::string& prefix);

struct KeyValue {
    std::string key;
    std::string value;
    std::int64_t create_revision = 0;
    std::int64_t mod_revision = 0;
    std::int64_t lease = 0;
};

// One comparison of a txn: target is MOD, CREATE, VERSION or VALUE.
struct Compare {
    std::string key;
    std::string target;
    std::int64_t number = 0; // for MOD, CREATE, VERSION
    std::string value;       // for VALUE
    std::string result = "EQUAL";
};

// One operation of a txn: a put (with an optional lease) or a delete of a key
// or, with range_end, of a range.
struct Op {
    enum class Kind { put, remove, range } kind = Kind::put;
    std::string key;
    std::string value;
    std::string range_end;
    std::int64_t lease = 0;
};

// Shorthands for the txns the store sends.
inline Compare created_at(const std::string& key, std::int64_t revision,
                          const char* result = "EQUAL") {
    return Compare{key, "CREATE", revision, "", result};
}
inline Compare modified_at(const std::string& key, std::int64_t revision) {
    return Compare{key, "MOD", revision, "", "EQUAL"};
}
inline Op put_op(const std::string& key, const std::string& value, std::int64_t lease = 0) {
    return Op{Op::Kind::put, key, value, "", lease};
}
inline Op delete_op(const std::string& key, const std::string& range_end = "") {
    return Op{Op::Kind::remove, key, "", range_end, 0};
}

nlohmann::json encode_range(const std::string& key, const std::string& range_end,
                            bool keys_only = false);
nlohmann::json encode_put(const std::string& key, const std::string& value, std::int64_t lease = 0);
nlohmann::json encode_delete(const std::string& key, const std::string& range_end = "");
nlohmann::json encode_txn(const std::vector<Compare>& compares, const std::vector<Op>& success,
                          const std::vector<Op>& failure = {});

// The kvs of a range response (or of a txn's response_range).
std::vector<KeyValue> decode_kvs(const nlohmann::json& range_response);
// etcd's int64 fields arrive as JSON strings ("12"); absent means 0.
std::int64_t decode_int(const nlohmann::json& object, const char* field);

} // namespace acme::store::etcd
