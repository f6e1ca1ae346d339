#include "probe/probe.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <pthread.h>
#include <sstream>
#include <system_error>
#include <thread>

#include "common/error.hpp"
#include "probe/net.hpp"
#include "probe/starttls.hpp"
#include "probe/tls.hpp"

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

void read_peer(ProbeResult& result, const tls::Context& context, X509* leaf,
               STACK_OF(X509) * chain, const std::string& name) {
    result.leaf = crypto::read_certificate(tls::der(leaf));
    const tls::Verification verification = tls::verify(context, leaf, chain, name);
    result.verified = verification.verified;
    result.verify_error = verification.error;
    result.chain_earliest_not_after = verification.chain_earliest_not_after;
    result.ok = true;
}

void probe_into(ProbeResult& result, const tls::Context& context, const ProbeTarget& target,
                net::Deadline deadline) {
    const Endpoint remote = target.connect_to.value_or(Endpoint{target.host, target.port});
    const auto addresses = net::resolve(remote.host, remote.port, deadline);
    const net::UniqueFd fd = net::connect_any(addresses, deadline, result.address);
    negotiate_starttls(fd.get(), target.starttls, verify_name(target), deadline);
    const tls::Peer peer = tls::handshake(context, fd.get(), target.sni, deadline);
    result.tls_version = peer.tls_version;
    read_peer(result, context, peer.leaf.get(), peer.chain.get(), verify_name(target));
}

std::string seconds_text(std::chrono::milliseconds ms) {
    std::ostringstream out;
    out << static_cast<double>(ms.count()) / 1000.0;
    return out.str();
}

// Never throws: every failure of one target is its result.
ProbeResult probe_one(const tls::Context& context, const ProbeTarget& target,
                      const ProbeOptions& options) {
    ProbeResult result;
    result.target = target;
    const auto start = Clock::now();
    try {
        probe_into(result, context, target, start + options.timeout);
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
    return result;
}

// A write to a socket the server closed raises SIGPIPE in the writing thread;
// OpenSSL writes with write(2), so the probe threads block the signal and see
// EPIPE instead, without touching the process's signal dispositions.
void block_sigpipe() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// Runs job(0) ... job(count - 1) on at most `workers` threads; returns when all are done.
template <class Job> void run_pool(size_t count, int workers, const Job& job) {
    std::atomic<size_t> next{0};
    const auto work = [&] {
        block_sigpipe();
        for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
            job(i);
        }
    };
    const size_t wanted = std::min(count, static_cast<size_t>(std::max(workers, 1)));
    std::vector<std::jthread> threads;
    threads.reserve(wanted);
    for (size_t i = 0; i < wanted; ++i) {
        try {
            threads.emplace_back(work);
        } catch (const std::system_error&) {
            if (threads.empty()) {
                throw; // not even one thread: nothing would run
            }
            break; // fewer threads than asked: they share the remaining targets
        }
    }
} // the jthreads join here

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw net::Failure(error_kind::io, "cannot read " + path + ": " + std::strerror(errno));
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ProbeResult inspect_file(const tls::Context& context, const std::string& path,
                         const std::string& sni) {
    ProbeResult result;
    result.file = path;
    result.target.input = path;
    result.target.host.clear();
    result.target.port = 0;
    result.target.sni = sni;
    const auto start = Clock::now();
    try {
        const tls::ChainPtr chain = tls::read_certificates(read_file(path));
        if (sk_X509_num(chain.get()) == 0) {
            throw net::Failure(error_kind::certificate, "no certificate in " + path);
        }
        read_peer(result, context, sk_X509_value(chain.get(), 0), chain.get(), sni);
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
    std::vector<ProbeResult> results(targets.size());
    run_pool(targets.size(), options.concurrency,
             [&](size_t i) { results[i] = probe_one(context, targets[i], options); });
    return results;
}

std::vector<ProbeResult> inspect_files(const std::vector<std::string>& paths,
                                       const std::string& sni, const ProbeOptions& options) {
    const tls::Context context(options.ca_bundle);
    std::vector<ProbeResult> results;
    results.reserve(paths.size());
    for (const auto& path : paths) {
        results.push_back(inspect_file(context, path, sni));
    }
    return results;
}

} // namespace acme::probe
