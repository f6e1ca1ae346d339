// Private to src/probe: one thread runs many probes. Each probe is a Task
// that suspends where blocking code would wait (a socket, a DNS lookup); the
// loop poll()s all those sockets at once, up to the nearest deadline, and
// resumes the probes whose wait ended: ready, or timed out.
#pragma once

#include "probe/failure.hpp"
#include "probe/task.hpp"

#include <coroutine>
#include <functional>
#include <poll.h>
#include <string_view>
#include <vector>

namespace acme::probe {

class EventLoop {
  public:
    // The awaitable of wait_for / wait_until; it lives in the awaiting
    // coroutine's frame and the loop points at it while it is suspended.
    class Wait {
      public:
        bool await_ready();
        void await_suspend(std::coroutine_handle<> awaiter);
        // Throws net::Failure timeout "timed out during <phase>" when the
        // deadline passed first, connect when poll() itself failed.
        void await_resume() const;

      private:
        friend class EventLoop;
        enum class Outcome { pending, ready, timed_out, failed };
        Wait(EventLoop& loop, int fd, short events, std::function<bool()> done,
             net::Deadline deadline, std::string_view phase)
            : m_loop(loop), m_fd(fd), m_events(events), m_done(std::move(done)),
              m_deadline(deadline), m_phase(phase) {}
        // This turn's outcome for a wait whose poll() entry reported revents.
        Outcome outcome(short revents, net::Clock::time_point now) const;

        EventLoop& m_loop;
        int m_fd;
        short m_events;
        std::function<bool()> m_done; // set for wait_until: checked every turn
        net::Deadline m_deadline;
        std::string_view m_phase; // the awaiter's text, alive while it waits
        std::coroutine_handle<> m_awaiter;
        Outcome m_outcome = Outcome::pending;
        int m_errno = 0; // of poll(), when failed
    };

    EventLoop() = default;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;
    ~EventLoop();

    // co_await: until fd is ready for events (POLLIN/POLLOUT), has an error
    // or hung up; the caller's next call on fd reports which.
    Wait wait_for(int fd, short events, net::Deadline deadline, std::string_view phase) {
        return Wait(*this, fd, events, nullptr, deadline, phase);
    }
    // co_await: until done() returns true, asked every turn (at least every
    // k_check_interval) for what has no descriptor to poll, like getaddrinfo_a.
    Wait wait_until(std::function<bool()> done, net::Deadline deadline, std::string_view phase) {
        return Wait(*this, -1, 0, std::move(done), deadline, phase);
    }

    // Runs task until its first wait; run() carries it on.
    void spawn(Task<> task);
    // Returns when every spawned task has ended; then rethrows the first
    // exception one of them ended with.
    void run();

    static constexpr int k_check_interval_ms = 2;

  private:
    // One poll() and the resumption of every wait it ended.
    void turn();
    int poll_timeout_ms(net::Clock::time_point now) const;

    std::vector<Wait*> m_waits; // in the order they began
    std::vector<Task<>> m_tasks;
    std::vector<pollfd> m_pollfds; // this turn's, reused
    std::vector<Wait*> m_ended;    // this turn's, reused
};

} // namespace acme::probe
