// Private to src/probe: SIGPIPE blocked in this thread for a scope. A write
// to a socket the server closed raises SIGPIPE in the writing thread, and
// OpenSSL writes with write(2); blocked, the write fails with EPIPE instead,
// without touching the process's signal dispositions.
#pragma once

#include <csignal>

namespace acme::probe {

class SigpipeBlocked {
  public:
    SigpipeBlocked();
    // Drops the SIGPIPE our writes left pending (unblocking would deliver
    // it), then restores the thread's previous mask.
    ~SigpipeBlocked();
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

  private:
    sigset_t m_previous{};
    bool m_was_blocked = false; // then a pending SIGPIPE is not ours to drop
};

} // namespace acme::probe
