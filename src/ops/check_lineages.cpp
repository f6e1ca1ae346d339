#include "ops/check_lineages.hpp"

#include "common/error.hpp"
#include "common/time_format.hpp"
#include "ops/cert_facts.hpp"
#include "ops/deploy_lineage.hpp"
#include "ops/lineage_state.hpp"
#include "ops/list_lineages.hpp"
#include "renew/policy.hpp"
#include "store/atomic_file.hpp"
#include "store/file_store.hpp"
#include "store/group.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <exception>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace acme::ops {

namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_part(LineageHealth& h, const fs::path& path) {
    try {
        return store::read_file(path, 1 << 20);
    } catch (const Error& e) {
        add_finding(h, Status::critical, e.what());
        return std::nullopt;
    }
}

// NRPE or node_exporter often run as another user than the store's owner,
// and privkey.pem, config.json and state.json are 0600 (0640 for the key
// group): what this user may not read is said, and the rest still checked.
// Asked only once a read failed: a check of 10,000 lineages makes no extra
// system call per file.
bool denied(const fs::path& file) {
    return ::access(file.c_str(), R_OK) != 0 && errno == EACCES;
}

void say_unreadable(LineageHealth& h, const fs::path& file, const std::string& unchecked) {
    add_finding(h, Status::ok,
                file.filename().string() + " is not readable by this user: " + unchecked);
}

// The key as check_files takes it: its text; "" and denied when this user
// may not read it (an OK finding says the match is not checked); no text
// when it cannot be read (a CRITICAL finding).
struct KeyRead {
    std::optional<std::string> pem;
    bool denied = false;
};

KeyRead read_key(LineageHealth& h, const fs::path& key) {
    try {
        return {store::read_file(key, 1 << 20), false};
    } catch (const Error& e) {
        if (denied(key)) {
            say_unreadable(h, key, "key match not checked");
            return {std::string(), true};
        }
        add_finding(h, Status::critical, e.what());
        return {};
    }
}

// A group may read the key exactly when the lineage grants it one (config.json
// "key_group", from issue --key-group): else a service cannot read its key,
// or a group reads a key nobody meant to give it.
void check_key_group(LineageHealth& h, const struct stat& key_st, const nlohmann::json& config) {
    const auto granted = config.value("key_group", nlohmann::json()).is_string()
                             ? config["key_group"].get<std::string>()
                             : std::string();
    const auto actual = store::group_name(key_st.st_gid);
    const bool group_reads = (key_st.st_mode & 0040) != 0;
    if (granted.empty()) {
        if (group_reads) {
            add_finding(h, Status::warning,
                        "privkey.pem is readable by group " + actual +
                            " but the lineage grants no group");
        }
        return;
    }
    const auto gid = store::find_group(granted);
    if (!gid) {
        add_finding(h, Status::warning, "the lineage's key group " + granted + " does not exist");
    } else if (key_st.st_gid != *gid) {
        add_finding(h, Status::warning,
                    "privkey.pem belongs to group " + actual + ", the lineage grants " + granted);
    } else if (!group_reads) {
        add_finding(h, Status::warning, "privkey.pem is not readable by group " + granted);
    }
}

// The private key must be readable by its owner only (0600), or by a group
// when the lineage grants one (0640), and owned by whoever owns the store.
void check_key_file(LineageHealth& h, const fs::path& key, std::optional<uid_t> store_owner,
                    const nlohmann::json& config) {
    struct stat key_st {};
    if (!store_owner || ::stat(key.c_str(), &key_st) != 0) {
        return;
    }
    const auto mode = key_st.st_mode & 07777;
    if ((mode & 0137) != 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04o", mode);
        add_finding(h, Status::critical,
                    "privkey.pem has mode " + std::string(buf) +
                        ", want 0600 (0640 for a key group)");
    }
    if (key_st.st_uid != *store_owner) {
        add_finding(h, Status::warning, "privkey.pem is not owned by the store's owner");
    }
    check_key_group(h, key_st, config);
}

// A version's files are judged from the verdict renew keeps in state.json
// when they are byte for byte those it was made of (issue #20: a check of
// 10,000 lineages decodes none), else decoded here.
void check_current_files(LineageHealth& h, const store::Store& store, const nlohmann::json& config,
                         const std::optional<CertFacts>& cached, std::optional<uid_t> store_owner) {
    const auto dir = store.current_dir(h.name);
    auto cert = read_part(h, dir / "cert.pem");
    auto chain = read_part(h, dir / "chain.pem");
    auto fullchain = read_part(h, dir / "fullchain.pem");
    const bool has_key = config.value("csr", std::string()).empty();
    auto key = has_key ? read_key(h, dir / "privkey.pem") : KeyRead{std::string(), false};
    if (!cert || !chain || !fullchain || !key.pem) {
        return;
    }
    const bool match_key = has_key && !key.denied;
    FilesCheck files;
    try {
        files = check_files(
            {std::move(*cert), std::move(*chain), std::move(*fullchain), std::move(*key.pem)},
            match_key, cached);
    } catch (const Error& e) {
        add_finding(h, Status::critical, e.what());
        return;
    }
    h.not_after = files.not_after;
    h.serial = files.serial_hex;
    if (!files.chain_issued_leaf) {
        add_finding(h, Status::critical, "chain.pem did not issue cert.pem");
    }
    if (!files.fullchain_starts_with_leaf) {
        add_finding(h, Status::critical, "fullchain.pem does not start with cert.pem");
    }
    if (match_key && !files.key_matches) {
        add_finding(h, Status::critical, "privkey.pem does not match cert.pem");
    }
    for (const auto& d : h.domains) {
        if (std::find(files.sans.begin(), files.sans.end(), d) == files.sans.end()) {
            add_finding(h, Status::critical, "cert.pem does not name " + d);
        }
    }
    if (has_key) {
        check_key_file(h, dir / "privkey.pem", store_owner, config);
    }
    h.due = renew::lifetime_renewal_time(files.not_before, files.not_after);
}

void check_expiry(LineageHealth& h, const probe::Thresholds& t, SysSeconds now) {
    if (!h.not_after) {
        return;
    }
    h.days_left = probe::days_left(*h.not_after, now);
    const auto left = std::to_string(*h.days_left) + " day(s) left";
    if (*h.not_after <= now) {
        add_finding(h, Status::critical, "expired " + iso8601_utc(*h.not_after));
    } else if (*h.days_left < t.crit_days) {
        add_finding(h, Status::critical, left);
    } else if (*h.days_left < t.warn_days) {
        add_finding(h, Status::warning, left);
    }
}

// state.json, read once: its "cert" record serves check_current_files, the rest
// check_state. A read that failed is said by check_state, where it always was.
struct StateRead {
    bool unreadable = false; // EACCES: this user may not read it
    std::optional<LineageState> state;
    std::exception_ptr error;
};

StateRead read_state(const LineageHealth& h, const store::Store& store) {
    StateRead r;
    try {
        r.state = state_from_json(store.read_state(h.name));
    } catch (...) {
        r.unreadable = denied(store.lineage_dir(h.name) / "state.json");
        if (!r.unreadable) {
            r.error = std::current_exception();
        }
    }
    return r;
}

std::optional<CertFacts> cached_facts(const StateRead& r) {
    return r.state ? r.state->cert : std::nullopt;
}

void check_state(LineageHealth& h, const store::Store& store, const StateRead& read) {
    if (read.unreadable) {
        say_unreadable(h, store.lineage_dir(h.name) / "state.json",
                       "renewal failures not checked (run check as the store's owner or the key "
                       "group)");
        return;
    }
    if (read.error) {
        std::rethrow_exception(read.error);
    }
    const auto& state = *read.state;
    h.last_attempt = state.last_attempt;
    h.last_success = state.last_success;
    h.consecutive_failures = state.consecutive_failures;
    h.last_error = state.last_error;
    if (state.ari) {
        h.due = state.ari->chosen;
    }
    if (state.consecutive_failures > 0) {
        add_finding(h, Status::warning,
                    std::to_string(state.consecutive_failures) +
                        " renewal failure(s) in a row, last: " + state.last_error);
    }
    if (!state.last_deploy_error.empty()) {
        add_finding(h, Status::warning, "last deploy hook failed: " + state.last_deploy_error);
    }
    // The marker names the serial revoked: a renewal since then replaced it.
    if (!state.revoked_serial.empty() && state.revoked_serial == h.serial) {
        h.revoked = true;
        add_finding(h, Status::critical,
                    "the current certificate was revoked (" + state.revoked_reason +
                        "); renew will replace it");
    }
}

nlohmann::json read_config(LineageHealth& h, const store::Store& store) {
    try {
        return store.read_config(h.name);
    } catch (const Error&) {
        const auto path = store.lineage_dir(h.name) / "config.json";
        if (denied(path)) {
            say_unreadable(h, path, "names not checked");
            return nlohmann::json::object();
        }
        throw;
    }
}

// What is the same for every lineage of one check.
struct CheckRun {
    probe::Thresholds thresholds;
    SysSeconds now;
    std::optional<uid_t> store_owner; // nullopt when the store cannot be stat'ed
};

LineageHealth check_one(const store::Store& store, const std::string& name, const CheckRun& run) {
    LineageHealth h;
    h.name = name;
    try {
        auto config = read_config(h, store);
        if (config.contains("domains") && config["domains"].is_array()) {
            h.domains = config["domains"].get<std::vector<std::string>>();
        }
        h.deploy_hooks = deploy_commands(config);
        if (!store.current_version(name)) {
            add_finding(h, Status::critical, "no current certificate");
            return h;
        }
        const auto state = read_state(h, store);
        check_current_files(h, store, config, cached_facts(state), run.store_owner);
        check_expiry(h, run.thresholds, run.now);
        check_state(h, store, state);
    } catch (const Error& e) {
        add_finding(h, Status::unknown, e.what());
    }
    return h;
}

// Calls check(i) for every i < count. A file store's reads are plain system
// calls, most of a lineage's cost once renew keeps the verdicts (issue #20:
// 10,000 lineages): a few threads share them out. An etcd store has one
// connection: one thread.
template <class Check>
void for_each_lineage(const store::Store& store, std::size_t count, Check check) {
    constexpr std::size_t k_per_thread = 256; // fewer lineages: not worth a thread
    const bool files = dynamic_cast<const store::FileStore*>(&store) != nullptr;
    const std::size_t threads =
        files ? std::clamp<std::size_t>(std::min<std::size_t>(std::thread::hardware_concurrency(),
                                                              count / k_per_thread),
                                        1, 4)
              : 1;
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        try {
            for (std::size_t i = next++; i < count; i = next++) {
                check(i);
            }
        } catch (...) { // check_one says an Error as a finding: this is worse
            const std::lock_guard lock(failure_mutex);
            failure = std::current_exception();
            next = count;
        }
    };
    std::vector<std::jthread> helpers;
    for (std::size_t t = 1; t < threads; ++t) {
        helpers.emplace_back(work);
    }
    work();
    helpers.clear(); // joins
    if (failure) {
        std::rethrow_exception(failure);
    }
}

} // namespace

void add_finding(LineageHealth& h, Status status, const std::string& message) {
    h.findings.push_back({status, message});
    h.status = probe::worst(h.status, status);
}

std::vector<LineageHealth> check_lineages(const store::Store& store,
                                          const std::vector<std::string>& names,
                                          const probe::Thresholds& thresholds, SysSeconds now,
                                          bool allow_empty) {
    const auto selected = select_lineages(store, names);
    if (selected.empty() && !allow_empty) {
        std::error_code ec;
        const bool exists = fs::is_directory(store.home(), ec);
        throw Error(ErrorKind::config, "no lineages in " + store.home().string() +
                                           (exists ? "" : " (it does not exist)") +
                                           ": wrong --home, or another user's store? "
                                           "(--allow-empty accepts an empty store)");
    }
    CheckRun run{thresholds, now, std::nullopt};
    struct stat home {};
    if (::stat(store.home().c_str(), &home) == 0) {
        run.store_owner = home.st_uid;
    }
    std::vector<LineageHealth> out(selected.size());
    for_each_lineage(store, selected.size(),
                     [&](std::size_t i) { out[i] = check_one(store, selected[i], run); });
    return out;
}

void check_served(std::vector<LineageHealth>& lineages, const store::Store& store,
                  const ServedOptions& options, SysSeconds now) {
    std::vector<std::string> names;
    for (const auto& h : lineages) {
        names.push_back(h.name);
    }
    auto served = probe_served(store, names, options, now);
    for (std::size_t i = 0; i < lineages.size(); ++i) {
        auto& h = lineages[i];
        if (!served[i].error.empty()) {
            add_finding(h, Status::unknown, "served: " + served[i].error);
        }
        for (const auto& e : served[i].endpoints) {
            if (e.verdict.status != Status::ok) {
                add_finding(h, e.verdict.status, e.label + " " + e.verdict.message);
            }
        }
        h.served = std::move(served[i].endpoints);
    }
}

} // namespace acme::ops
