#include "probe/sigpipe.hpp"

#include <pthread.h>

namespace acme::probe {

namespace {

sigset_t only_sigpipe() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    return set;
}

} // namespace

SigpipeBlocked::SigpipeBlocked() {
    const sigset_t set = only_sigpipe();
    pthread_sigmask(SIG_BLOCK, &set, &m_previous);
    m_was_blocked = sigismember(&m_previous, SIGPIPE) == 1;
}

SigpipeBlocked::~SigpipeBlocked() {
    if (!m_was_blocked) {
        const sigset_t set = only_sigpipe();
        sigset_t pending;
        // Standard signals do not queue: one for the thread, one for the process at most.
        for (int i = 0; i < 2 && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
             ++i) {
            const timespec no_wait{0, 0};
            sigtimedwait(&set, nullptr, &no_wait);
        }
    }
    pthread_sigmask(SIG_SETMASK, &m_previous, nullptr);
}

} // namespace acme::probe
