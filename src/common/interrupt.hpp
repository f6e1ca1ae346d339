// Interrupted runs (SIGINT, SIGTERM, SIGHUP): the handler only records the
// signal; the blocking places (the process runner, curl transfers, the
// authorization and DNS waits) look at it and throw Error(interrupted),
// which unwinds through the RAII cleanups (solvers, locks) to the CLI. A
// second signal, e.g. Ctrl-C during that cleanup, kills the running child
// process groups and exits at once.
#pragma once

#include <chrono>
#include <sys/types.h>

namespace acme::interrupt {

// Installs the handlers (without SA_RESTART, so blocking calls return EINTR).
void install_handlers();

// The first signal received, 0 when none. Sticky: never cleared.
int signal_number();

// Whether this thread should give up what it is doing: a signal arrived and
// the thread is not running cleanup under a Shield.
bool should_stop();

// Throws Error(ErrorKind::interrupted) naming the signal when should_stop().
void throw_if_stopping();

// Sleeps for d in short slices; throws as throw_if_stopping() does.
void sleep_for(std::chrono::steady_clock::duration d);

// While one lives, this thread's hooks and waits run to their end even after
// a signal: the cleanup of what acmectl published must still happen.
class Shield {
  public:
    Shield();
    ~Shield();
    Shield(const Shield&) = delete;
    Shield& operator=(const Shield&) = delete;
};

// Registers a child's process group, so that the second signal can SIGKILL
// it before exiting. Slots are few and fixed (async-signal-safe); past them a
// group is simply not registered.
class ChildGroup {
  public:
    explicit ChildGroup(pid_t group);
    ~ChildGroup();
    ChildGroup(const ChildGroup&) = delete;
    ChildGroup& operator=(const ChildGroup&) = delete;

  private:
    int m_slot = -1;
};

} // namespace acme::interrupt
