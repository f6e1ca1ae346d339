#include "probe/event_loop.hpp"

#include "probe/probe.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace acme::probe {

namespace {

using net::Clock;

// Longest single poll(): a wait's deadline is at most an hour away, but a
// shorter sleep keeps the arithmetic far from int's range.
constexpr int k_max_poll_ms = 60000;

// Milliseconds until deadline, rounded up so that poll() wakes after it.
int ms_until(net::Deadline deadline, Clock::time_point now) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    return static_cast<int>(
        std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, k_max_poll_ms));
}

} // namespace

bool EventLoop::Wait::await_ready() {
    // As a blocking wait would: a passed deadline fails without waiting.
    if (Clock::now() >= m_deadline) {
        m_outcome = Outcome::timed_out;
    } else if (m_done && m_done()) {
        m_outcome = Outcome::ready;
    }
    return m_outcome != Outcome::pending;
}

void EventLoop::Wait::await_suspend(std::coroutine_handle<> awaiter) {
    m_awaiter = awaiter;
    m_loop.m_waits.push_back(this);
}

void EventLoop::Wait::await_resume() const {
    switch (m_outcome) {
    case Outcome::pending:
    case Outcome::ready:
        return;
    case Outcome::timed_out:
        throw net::Failure(error_kind::timeout, "timed out during " + std::string(m_phase));
    case Outcome::failed:
        throw net::Failure(error_kind::connect, std::string("poll: ") + std::strerror(m_errno));
    }
}

EventLoop::Wait::Outcome EventLoop::Wait::outcome(short revents, Clock::time_point now) const {
    if (m_done ? m_done() : revents != 0) {
        return Outcome::ready; // or POLLERR/POLLHUP: the next call on the fd reports it
    }
    return now >= m_deadline ? Outcome::timed_out : Outcome::pending;
}

EventLoop::~EventLoop() {
    // Only when run() did not finish: the frames (and the waits in them) go
    // with the tasks; nothing may point at them afterwards.
    m_waits.clear();
    m_tasks.clear();
}

void EventLoop::spawn(Task<> task) {
    m_tasks.push_back(std::move(task));
    m_tasks.back().start();
}

void EventLoop::run() {
    while (!m_waits.empty()) {
        turn();
    }
    std::vector<Task<>> tasks = std::move(m_tasks);
    m_tasks.clear();
    for (Task<>& task : tasks) {
        if (!task.done()) {
            throw std::logic_error("a probe task waits outside the event loop");
        }
        task.result();
    }
}

int EventLoop::poll_timeout_ms(Clock::time_point now) const {
    int timeout = k_max_poll_ms;
    for (const Wait* wait : m_waits) {
        timeout = std::min(timeout, ms_until(wait->m_deadline, now));
        if (wait->m_done) {
            timeout = std::min(timeout, k_check_interval_ms);
        }
    }
    return timeout;
}

void EventLoop::turn() {
    m_pollfds.clear();
    for (const Wait* wait : m_waits) {
        m_pollfds.push_back({wait->m_fd, wait->m_events, 0}); // fd -1: poll() skips it
    }
    const int rc = ::poll(m_pollfds.data(), m_pollfds.size(), poll_timeout_ms(Clock::now()));
    const int poll_errno = rc < 0 && errno != EINTR ? errno : 0;
    const auto now = Clock::now();

    // The waits that end leave m_waits before any of them resumes: a
    // resumed probe adds its next wait to m_waits.
    m_ended.clear();
    size_t kept = 0;
    for (size_t i = 0; i < m_waits.size(); ++i) {
        Wait* wait = m_waits[i];
        wait->m_outcome =
            poll_errno != 0 ? Wait::Outcome::failed : wait->outcome(m_pollfds[i].revents, now);
        wait->m_errno = poll_errno;
        if (wait->m_outcome == Wait::Outcome::pending) {
            m_waits[kept++] = wait;
        } else {
            m_ended.push_back(wait);
        }
    }
    m_waits.resize(kept);
    for (Wait* wait : m_ended) {
        wait->m_awaiter.resume();
    }
}

} // namespace acme::probe
