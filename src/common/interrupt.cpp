#include "common/interrupt.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstring>
#include <string>
#include <thread>
#include <unistd.h>

namespace acme::interrupt {

namespace {

constexpr int k_exit_base = 128;          // a shell's exit status for "killed by signal N"
constexpr std::size_t k_group_slots = 64; // --parallel is at most 64
// How long a sleep goes before it looks at the flag again.
constexpr auto k_sleep_slice = std::chrono::milliseconds(50);

std::atomic<int> g_signal{0};
std::array<std::atomic<pid_t>, k_group_slots> g_groups{};
thread_local int t_shield_depth = 0;

static_assert(std::atomic<int>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free,
              "the signal handler may only touch lock-free atomics");

extern "C" void on_signal(int sig) {
    int first = 0;
    if (g_signal.compare_exchange_strong(first, sig))
        return;
    // Second signal: only async-signal-safe calls from here.
    for (auto& group : g_groups) {
        const pid_t pgid = group.load();
        if (pgid > 0)
            ::kill(-pgid, SIGKILL);
    }
    ::_exit(k_exit_base + sig);
}

std::string signal_name(int sig) {
    switch (sig) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "signal " + std::to_string(sig);
    }
}

} // namespace

void install_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    ::sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: poll, read and sleeps return EINTR
    for (int sig : {SIGINT, SIGTERM, SIGHUP})
        ::sigaction(sig, &action, nullptr);
}

int signal_number() {
    return g_signal.load();
}

bool should_stop() {
    return t_shield_depth == 0 && g_signal.load() != 0;
}

void throw_if_stopping() {
    if (should_stop())
        throw Error(ErrorKind::interrupted, "interrupted by " + signal_name(signal_number()));
}

void sleep_for(std::chrono::steady_clock::duration d) {
    const auto until = std::chrono::steady_clock::now() + d;
    for (;;) {
        throw_if_stopping();
        const auto now = std::chrono::steady_clock::now();
        if (now >= until)
            return;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(until - now, k_sleep_slice));
    }
}

Shield::Shield() {
    ++t_shield_depth;
}

Shield::~Shield() {
    --t_shield_depth;
}

ChildGroup::ChildGroup(pid_t group) {
    for (std::size_t i = 0; i < g_groups.size(); ++i) {
        pid_t empty = 0;
        if (g_groups[i].compare_exchange_strong(empty, group)) {
            m_slot = static_cast<int>(i);
            return;
        }
    }
}

ChildGroup::~ChildGroup() {
    if (m_slot >= 0)
        g_groups[static_cast<std::size_t>(m_slot)].store(0);
}

} // namespace acme::interrupt
