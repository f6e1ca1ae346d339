#include "probe/probe.hpp"

#include "common/error.hpp"
#include "probe/cert_file.hpp"
#include "probe/event_loop.hpp"
#include "probe/net.hpp"
#include "probe/peer_cache.hpp"
#include "probe/sigpipe.hpp"
#include "probe/starttls.hpp"
#include "probe/tls.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iterator>
#include <sstream>
#include <system_error>
#include <thread>

namespace acme::probe {

namespace {

using net::Clock;

// The name the certificate must be valid for: the SNI, else the IP literal.
std::string verify_name(const ProbeTarget& target) {
    return target.sni.empty() ? target.host : target.sni;
}

void fail(ProbeResult& result, const std::string& kind, const std::string& detail) {
    result.ok = false;
    result.error_kind = kind;
    result.error = detail;
}

void read_peer(ProbeResult& result, tls::PeerCache& peers, X509* leaf, STACK_OF(X509) * chain,
               const std::string& name) {
    tls::PeerReport report = peers.report(leaf, chain, name);
    result.leaf = std::move(report.leaf);
    result.verified = report.verification.verified;
    result.verify_error = std::move(report.verification.error);
    result.chain_earliest_not_after = report.verification.chain_earliest_not_after;
    result.ok = true;
}

Task<> probe_into(ProbeResult& result, EventLoop& loop, tls::PeerCache& peers,
                  const ProbeTarget& target, net::Deadline deadline) {
    const Endpoint remote = target.connect_to.value_or(Endpoint{target.host, target.port});
    const auto addresses = co_await net::resolve(loop, remote.host, remote.port, deadline);
    const net::UniqueFd fd = co_await net::connect_any(loop, addresses, deadline, result.address);
    const net::Io io{loop, fd.get(), deadline};
    const std::string name = verify_name(target);
    co_await negotiate_starttls(io, target.starttls, name);
    const tls::Peer peer = co_await tls::handshake(peers.context(), io, target.sni);
    result.tls_version = peer.tls_version;
    read_peer(result, peers, peer.leaf.get(), peer.chain.get(), name);
}

std::string seconds_text(std::chrono::milliseconds ms) {
    std::ostringstream out;
    out << static_cast<double>(ms.count()) / 1000.0;
    return out.str();
}

// Never throws: every failure of one target is its result.
Task<ProbeResult> probe_one(EventLoop& loop, tls::PeerCache& peers, const ProbeTarget& target,
                            const ProbeOptions& options) {
    ProbeResult result;
    result.target = target;
    const auto start = Clock::now();
    try {
        co_await probe_into(result, loop, peers, target, start + options.timeout);
    } catch (const net::Failure& failure) {
        std::string detail = failure.what();
        if (failure.kind() == error_kind::timeout) {
            detail += " (limit " + seconds_text(options.timeout) + " s)";
        }
        fail(result, failure.kind(), detail);
    } catch (const Error& e) {
        fail(result, error_kind::certificate, e.what());
    } catch (const std::exception& e) {
        fail(result, error_kind::internal, e.what());
    } catch (...) {
        fail(result, error_kind::internal, "unexpected exception");
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    co_return result;
}

// What the probe workers share: the targets, the next one to take, and the
// results (each index written by the one worker that took it).
struct Batch {
    tls::PeerCache& peers;
    const std::vector<ProbeTarget>& targets;
    const ProbeOptions& options;
    std::vector<ProbeResult> results;
    std::atomic<size_t> next{0};
};

// One probe in flight: takes the next target whenever its last one has ended.
Task<> probe_worker(EventLoop& loop, Batch& batch) {
    for (size_t i = batch.next++; i < batch.targets.size(); i = batch.next++) {
        ProbeResult result = co_await probe_one(loop, batch.peers, batch.targets[i], batch.options);
        batch.results[i] = std::move(result);
    }
}

// An event loop on this thread with `workers` probes in flight.
void run_loop(Batch& batch, size_t workers) {
    const SigpipeBlocked sigpipe_blocked;
    EventLoop loop;
    for (size_t i = 0; i < workers; ++i) {
        loop.spawn(probe_worker(loop, batch));
    }
    loop.run();
}

// Runs `in_flight` probe workers: on this thread's loop and, when there is a
// second core, half of them on a helper thread's. One loop does all the
// waiting, but OpenSSL's certificate decoding keeps a core busy; a second
// loop keeps a thread pool's wall time at the memory of two threads (each
// thread costs a stack and a malloc arena, which is why there are not more).
void run_loops(Batch& batch, size_t in_flight) {
    std::exception_ptr helper_error;
    {
        std::jthread helper;
        if (in_flight > 1 && std::thread::hardware_concurrency() > 1) {
            try {
                helper = std::jthread([&] {
                    try {
                        run_loop(batch, in_flight / 2);
                    } catch (...) {
                        helper_error = std::current_exception();
                    }
                });
            } catch (const std::system_error&) {
                // no second thread: this one runs all the workers
            }
        }
        run_loop(batch, helper.joinable() ? in_flight - in_flight / 2 : in_flight);
    } // the helper joins here
    if (helper_error) {
        std::rethrow_exception(helper_error);
    }
}

ProbeResult inspect_file(tls::PeerCache& peers, const std::string& path, const std::string& sni) {
    ProbeResult result;
    result.file = path;
    result.target.input = path;
    result.target.host.clear();
    result.target.port = 0;
    result.target.sni = sni;
    const auto start = Clock::now();
    try {
        const tls::ChainPtr chain = tls::read_certificates(read_cert_file(path));
        if (sk_X509_num(chain.get()) == 0) {
            throw net::Failure(error_kind::certificate, "no certificate in " + path);
        }
        read_peer(result, peers, sk_X509_value(chain.get(), 0), chain.get(), sni);
    } catch (const net::Failure& failure) {
        fail(result, failure.kind(), failure.what());
    } catch (const Error& e) {
        fail(result, error_kind::certificate, path + ": " + e.what());
    }
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return result;
}

} // namespace

std::vector<ProbeResult> probe_all(const std::vector<ProbeTarget>& targets,
                                   const ProbeOptions& options) {
    const tls::Context context(options.ca_bundle);
    tls::PeerCache peers(context);
    Batch batch{peers, targets, options, std::vector<ProbeResult>(targets.size())};
    run_loops(batch,
              std::min(targets.size(), static_cast<size_t>(std::max(options.concurrency, 1))));
    return std::move(batch.results);
}

std::vector<ProbeResult> inspect_files(const std::vector<std::string>& paths,
                                       const std::string& sni, const ProbeOptions& options) {
    const tls::Context context(options.ca_bundle);
    tls::PeerCache peers(context);
    std::vector<ProbeResult> results;
    results.reserve(paths.size());
    for (const auto& path : paths) {
        results.push_back(inspect_file(peers, path, sni));
    }
    return results;
}

} // namespace acme::probe
