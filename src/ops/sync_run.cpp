#include "ops/sync_run.hpp"

#include "common/error.hpp"
#include "common/interrupt.hpp"

#include <algorithm>

namespace acme::ops {

namespace etcd = store::etcd;

namespace {

std::chrono::sys_seconds now_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Errors that a later attempt may get past as a whole (etcd away) or that
// end the run: not one lineage's problem.
bool ends_pass(const Error& e) {
    return e.temporary() || e.kind() == ErrorKind::interrupted;
}

// The value of certs/NAME/current: a version number, else nullopt (the
// lineage's current version is read instead).
std::optional<int> version_number(const std::string& value) {
    if (value.empty() || value.size() > 9 ||
        value.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoi(value);
}

// A key name from etcd becomes a local folder name: only a valid lineage name.
bool safe_name(const std::string& name) {
    try {
        store::Store::check_lineage_name(name);
        return true;
    } catch (const Error&) {
        return false;
    }
}

std::string seconds_text(std::chrono::milliseconds d) {
    return std::to_string(static_cast<double>(d.count()) / 1000.0).substr(0, 4) + " s";
}

} // namespace

Syncer::Syncer(const etcd::EtcdStore& shared, SyncOptions options, Logger& log, SyncReport report)
    : m_shared(shared), m_local(shared.home()), m_options(std::move(options)), m_log(log),
      m_report(std::move(report)), m_record{shared.node(), std::nullopt, {}, m_options.http01},
      m_registration(shared, m_options.node_ttl) {
    const auto certs = m_shared.prefix() + "certs/";
    add_handler(
        {certs, [this](const auto& events) { on_cert_events(events); }, [this] { resync_all(); }});
}

void Syncer::add_handler(PrefixHandler handler) {
    m_handlers.push_back(std::move(handler));
}

bool Syncer::selected(const std::string& name) const {
    const auto& only = m_options.only;
    return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
}

LineageSync Syncer::sync_one(const std::string& name, std::optional<int> wanted) {
    LineageSync out{name, std::nullopt, std::nullopt, false, "", "", {}};
    try {
        out = sync_lineage({m_shared, m_local, m_options.hook_timeout, m_log}, name, wanted);
        m_failed.erase(name);
    } catch (const Error& e) {
        if (ends_pass(e))
            throw;
        out.error = e.what();
        out.version = m_local.current_version(name);
        m_failed.insert(name);
        m_log.warn(name + ": sync failed: " + out.error);
    }
    m_record.lineages[name] = {out.version, out.deploy_error, out.error};
    if (out.changed || !out.error.empty())
        m_report(out);
    return out;
}

std::vector<LineageSync> Syncer::sync_all() {
    const auto names = sync_selection(m_shared, m_options.only);
    check_local_writable(m_local);
    std::vector<LineageSync> out;
    for (const auto& name : names)
        out.push_back(sync_one(name));
    m_record.last_sync = now_seconds();
    publish();
    return out;
}

void Syncer::publish() {
    m_registration.publish(m_record);
}

// certs/NAME/current moved: that lineage has a new version (or is gone).
void Syncer::on_cert_events(const std::vector<etcd::WatchEvent>& events) {
    const auto prefix = m_shared.prefix() + "certs/";
    bool changed = false;
    // In revision order, each version in turn: none is skipped.
    for (const auto& e : events) {
        const auto rest = e.key.substr(prefix.size());
        const auto slash = rest.find('/');
        if (slash == std::string::npos || rest.substr(slash) != "/current")
            continue;
        const auto name = rest.substr(0, slash);
        if (!safe_name(name)) {
            m_log.warn("ignored a change of " + e.key + ": not a lineage name");
            continue;
        }
        if (e.type == etcd::WatchEvent::Type::remove)
            m_log.info(name + " was removed from the shared store; its local copy stays");
        else if (selected(name))
            changed = sync_one(name, version_number(e.value)).changed || changed;
    }
    if (changed)
        publish();
}

void Syncer::dispatch(const std::vector<etcd::WatchEvent>& events) {
    for (const auto& handler : m_handlers) {
        std::vector<etcd::WatchEvent> mine;
        for (const auto& e : events) {
            if (e.key.starts_with(handler.prefix))
                mine.push_back(e);
        }
        if (!mine.empty())
            handler.on_events(mine);
    }
}

void Syncer::resync_all() {
    sync_all();
}

// Every node_ttl/3: the lease kept alive, the record's time moved on, and
// the lineages that failed tried again.
void Syncer::refresh() {
    const std::set<std::string> failed = m_failed;
    for (const auto& name : failed)
        sync_one(name);
    if (!m_registration.keepalive())
        m_log.warn("this node's record in the shared store had expired: published again");
    m_record.last_sync = now_seconds();
    publish();
}

etcd::WatchRequest Syncer::watch_range() const {
    etcd::WatchRequest request;
    for (const auto& h : m_handlers) {
        if (request.key.empty() || h.prefix < request.key)
            request.key = h.prefix;
        const auto end = etcd::prefix_end(h.prefix);
        if (end > request.range_end)
            request.range_end = end;
    }
    return request;
}

namespace {

// A clean stop takes the node's record away with its lease at once.
class Withdrawal {
  public:
    explicit Withdrawal(NodeRegistration& registration) : m_registration(registration) {}
    ~Withdrawal() {
        const interrupt::Shield shield; // the revoke must still reach etcd
        m_registration.withdraw();
    }
    Withdrawal(const Withdrawal&) = delete;
    Withdrawal& operator=(const Withdrawal&) = delete;

  private:
    NodeRegistration& m_registration;
};

} // namespace

// One watch until its deadline or a break. A temporary error (etcd away)
// in the middle of a pass or a change is a break too: the next watch then
// starts with a full pass, so nothing half done is left behind.
etcd::WatchResult Syncer::watch_step(WatchState& state) {
    auto request = watch_range();
    request.start_revision = state.resync ? 0 : state.revision + 1;
    request.deadline = std::chrono::steady_clock::now() + state.refresh_every;
    etcd::WatchResult result;
    try {
        result = etcd::watch(m_shared.client(), request, [&](const etcd::WatchMessage& m) {
            state.backoff = m_options.backoff_min; // etcd answers again
            if (m.created && state.resync) {
                for (const auto& h : m_handlers)
                    h.on_resync();
                state.resync = false;
            }
            dispatch(m.events);
            return true;
        });
        if (result.end == etcd::WatchEnd::deadline)
            refresh();
    } catch (const Error& e) {
        if (!e.temporary())
            throw; // --only names a lineage the store does not have, ...
        result.end = etcd::WatchEnd::disconnected;
        result.error = e.what();
        state.resync = true;
    }
    state.revision = std::max(state.revision, result.revision);
    return result;
}

void Syncer::watch() {
    check_local_writable(m_local);
    const Withdrawal withdrawal(m_registration);
    WatchState state;
    state.refresh_every = std::chrono::seconds(std::max(m_options.node_ttl / 3, 1));
    state.backoff = m_options.backoff_min;
    for (;;) {
        interrupt::throw_if_stopping();
        const auto result = watch_step(state);
        switch (result.end) {
        case etcd::WatchEnd::deadline:
            continue;
        case etcd::WatchEnd::compacted:
            m_log.warn("etcd compacted its history up to revision " +
                       std::to_string(result.compact_revision) + ": reading every lineage again");
            state.resync = true;
            continue;
        case etcd::WatchEnd::too_large:
            m_log.warn(result.error + ": reading every lineage again");
            state.resync = true;
            continue;
        default:
            break;
        }
        m_log.warn("sync: " + result.error + "; trying again in " + seconds_text(state.backoff));
        interrupt::sleep_for(state.backoff);
        state.backoff = std::min(state.backoff * 2, m_options.backoff_max);
    }
}

} // namespace acme::ops
