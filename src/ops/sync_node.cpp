#include "ops/sync_node.hpp"

#include "common/error.hpp"
#include "common/time_format.hpp"

namespace acme::ops {

using nlohmann::json;

namespace {

std::string node_prefix(const store::etcd::EtcdStore& store) {
    return store.prefix() + "nodes/";
}

std::string text_member(const json& doc, const char* name) {
    return doc.contains(name) && doc[name].is_string() ? doc[name].get<std::string>() : "";
}

} // namespace

json node_to_json(const NodeRecord& record) {
    json lineages = json::object();
    for (const auto& [name, l] : record.lineages) {
        lineages[name] = {{"version", l.version ? json(*l.version) : json()},
                          {"deploy_error", l.deploy_error},
                          {"sync_error", l.sync_error}};
    }
    json out = {{"node", record.node},
                {"last_sync", record.last_sync ? json(iso8601_utc(*record.last_sync)) : json()},
                {"lineages", lineages}};
    if (!record.http01.empty())
        out["http01"] = record.http01;
    return out;
}

NodeRecord node_from_json(const std::string& node, const json& doc) {
    NodeRecord record{node, std::nullopt, {}, {}};
    if (!doc.is_object())
        return record;
    record.last_sync = parse_iso8601_utc(text_member(doc, "last_sync"));
    record.http01 = text_member(doc, "http01");
    if (!doc.contains("lineages") || !doc["lineages"].is_object())
        return record;
    for (const auto& [name, l] : doc["lineages"].items()) {
        if (!l.is_object())
            continue;
        NodeLineage out;
        if (l.contains("version") && l["version"].is_number_integer())
            out.version = l["version"].get<int>();
        out.deploy_error = text_member(l, "deploy_error");
        out.sync_error = text_member(l, "sync_error");
        record.lineages[name] = out;
    }
    return record;
}

std::vector<NodeRecord> read_nodes(const store::etcd::EtcdStore& store) {
    const auto prefix = node_prefix(store);
    std::vector<NodeRecord> out;
    for (const auto& kv : store.client().range(prefix, store::etcd::prefix_end(prefix))) {
        const auto node = kv.key.substr(prefix.size());
        out.push_back(node_from_json(node, json::parse(kv.value, nullptr, false)));
    }
    return out; // etcd answers a range in key order
}

NodeRegistration::NodeRegistration(const store::etcd::EtcdStore& store, int ttl_seconds)
    : m_store(store), m_ttl(ttl_seconds) {}

void NodeRegistration::publish(const NodeRecord& record) {
    auto& client = m_store.client();
    const auto key = node_prefix(m_store) + m_store.node();
    const auto before = client.get(key);
    if (m_lease == 0)
        m_lease = client.lease_grant(m_ttl);
    client.put(key, node_to_json(record).dump(), m_lease);
    // The lease of an earlier run (sync --once from cron) holds nothing now.
    if (before && before->lease != 0 && before->lease != m_lease) {
        try {
            client.lease_revoke(before->lease);
        } catch (const Error&) {
            // It expires by itself.
        }
    }
}

bool NodeRegistration::keepalive() {
    if (m_lease == 0)
        return false;
    if (m_store.client().lease_keepalive(m_lease) > 0)
        return true;
    m_lease = 0;
    return false;
}

void NodeRegistration::withdraw() noexcept {
    if (m_lease == 0)
        return;
    try {
        m_store.client().lease_revoke(m_lease);
    } catch (...) {
        // The record goes when the lease expires.
    }
    m_lease = 0;
}

} // namespace acme::ops
