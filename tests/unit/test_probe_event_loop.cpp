// The event loop under probe_all (one per thread): Task<T> chains, waits on
// sockets that interleave, deadlines that throw, exceptions that reach the
// awaiter, and SIGPIPE kept from killing the process.
#include "common/unique_fd.hpp"
#include "probe/event_loop.hpp"
#include "probe/net.hpp"
#include "probe/probe.hpp"
#include "probe/sigpipe.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <poll.h>
#include <pthread.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace acme::probe;
using namespace std::chrono;
using acme::UniqueFd;

namespace {

struct SocketPair {
    UniqueFd a;
    UniqueFd b;
    SocketPair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
        a.reset(fds[0]);
        b.reset(fds[1]);
    }
};

net::Deadline in(milliseconds ms) {
    return net::Clock::now() + ms;
}

// Sends a "ping" line and waits for "pong", rounds times; logs each step.
Task<> pinger(EventLoop& loop, int fd, int rounds, std::vector<std::string>& log) {
    const net::Io io{loop, fd, in(seconds(5))};
    net::Input input;
    for (int i = 0; i < rounds; ++i) {
        co_await net::send_all(io, "ping\n", "test", error_kind::connect);
        log.push_back("ping sent");
        const std::string answer =
            co_await net::receive_exact(io, input, 4, "test", error_kind::connect);
        log.push_back(answer + " received");
    }
}

// Waits for a "ping" line and answers "pong", rounds times; logs each step.
Task<> ponger(EventLoop& loop, int fd, int rounds, std::vector<std::string>& log) {
    const net::Io io{loop, fd, in(seconds(5))};
    net::Input input;
    for (int i = 0; i < rounds; ++i) {
        const std::string question =
            co_await net::receive_line(io, input, "test", error_kind::connect);
        log.push_back(question + " received");
        co_await net::send_all(io, "pong", "test", error_kind::connect);
        log.push_back("pong sent");
    }
}

Task<int> answer_or_throw(bool fail) {
    if (fail) {
        throw std::runtime_error("inner failure");
    }
    co_return 42;
}

Task<int> add_one(bool fail) {
    const int inner = co_await answer_or_throw(fail);
    co_return inner + 1;
}

} // namespace

TEST_CASE("event loop: two tasks on one socket pair interleave on one thread", "[probe]") {
    SocketPair pair;
    std::vector<std::string> log;
    EventLoop loop;
    loop.spawn(ponger(loop, pair.b.get(), 3, log)); // waits first: nothing to read yet
    loop.spawn(pinger(loop, pair.a.get(), 3, log));
    loop.run();

    const std::vector<std::string> round = {"ping sent", "ping received", "pong sent",
                                            "pong received"};
    std::vector<std::string> expected;
    for (int i = 0; i < 3; ++i) {
        expected.insert(expected.end(), round.begin(), round.end());
    }
    CHECK(log == expected);
}

// Lambda coroutines below capture by reference: each lambda is a named local
// that outlives loop.run(), so its captures stay valid while its task runs.

TEST_CASE("event loop: a wait past its deadline throws timeout, the others go on", "[probe]") {
    SocketPair silent; // nobody ever writes to silent.b
    SocketPair busy;
    EventLoop loop;
    std::string kind;
    std::string error;
    milliseconds waited{0};
    const auto start = steady_clock::now();
    const auto wait_silent = [&]() -> Task<> {
        try {
            co_await loop.wait_for(silent.a.get(), POLLIN, in(milliseconds(150)), "the test");
        } catch (const net::Failure& failure) {
            kind = failure.kind();
            error = failure.what();
        }
        waited = duration_cast<milliseconds>(steady_clock::now() - start);
    };
    std::string echoed;
    const auto echo = [&]() -> Task<> {
        const net::Io io{loop, busy.a.get(), in(seconds(5))};
        net::Input input;
        echoed = co_await net::receive_exact(io, input, 2, "echo", error_kind::connect);
    };
    loop.spawn(wait_silent());
    loop.spawn(echo());
    REQUIRE(::write(busy.b.get(), "hi", 2) == 2);
    loop.run();

    CHECK(kind == error_kind::timeout);
    CHECK(error == "timed out during the test");
    CHECK(waited >= milliseconds(150));
    CHECK(waited < milliseconds(1000));
    CHECK(echoed == "hi");
}

TEST_CASE("event loop: a deadline already past throws without waiting", "[probe]") {
    SocketPair pair;
    EventLoop loop;
    std::string error;
    const auto late = [&]() -> Task<> {
        try {
            co_await loop.wait_for(pair.a.get(), POLLIN, in(milliseconds(-1)), "nothing");
        } catch (const net::Failure& failure) {
            error = failure.what();
        }
    };
    loop.spawn(late());
    CHECK(error == "timed out during nothing"); // already at spawn: it never suspended
    loop.run();
}

TEST_CASE("event loop: wait_until resumes once its condition holds", "[probe]") {
    EventLoop loop;
    int checks = 0;
    bool resumed = false;
    const auto until_third = [&]() -> Task<> {
        co_await loop.wait_until([&] { return ++checks >= 3; }, in(seconds(5)), "checks");
        resumed = true;
    };
    const auto start = steady_clock::now();
    loop.spawn(until_third());
    loop.run();
    CHECK(resumed);
    CHECK(checks == 3);
    CHECK(steady_clock::now() - start < milliseconds(500)); // polled every few ms
}

TEST_CASE("task: an exception reaches the awaiter, a value too", "[probe]") {
    EventLoop loop;
    int value = 0;
    std::string caught;
    const auto await_both = [&]() -> Task<> {
        value = co_await add_one(false);
        try {
            co_await add_one(true);
        } catch (const std::runtime_error& e) {
            caught = e.what();
        }
    };
    loop.spawn(await_both());
    loop.run();
    CHECK(value == 43);
    CHECK(caught == "inner failure");
}

TEST_CASE("event loop: run() rethrows what a top-level task ended with", "[probe]") {
    EventLoop loop;
    const auto failing = []() -> Task<> { co_await add_one(true); };
    loop.spawn(failing());
    CHECK_THROWS_WITH(loop.run(), "inner failure");
}

TEST_CASE("task: a long chain of tasks that end at once does not grow the stack", "[probe]") {
    EventLoop loop;
    long sum = 0;
    const auto many = [&]() -> Task<> {
        for (int i = 0; i < 1000000; ++i) {
            sum += co_await answer_or_throw(false); // symmetric transfer, no recursion
        }
    };
    loop.spawn(many());
    loop.run();
    CHECK(sum == 42000000L);
}

TEST_CASE("SigpipeBlocked: a write to a closed socket fails with EPIPE, nothing pending after",
          "[probe]") {
    SocketPair pair;
    pair.b.reset();
    {
        const SigpipeBlocked blocked;
        errno = 0;
        CHECK(::write(pair.a.get(), "x", 1) == -1); // write(2), as OpenSSL sends
        CHECK(errno == EPIPE);
    } // the pending SIGPIPE is dropped here, or it would kill the test now
    sigset_t mask;
    REQUIRE(pthread_sigmask(SIG_SETMASK, nullptr, &mask) == 0);
    CHECK(sigismember(&mask, SIGPIPE) == 0);
    sigset_t pending;
    REQUIRE(sigpending(&pending) == 0);
    CHECK(sigismember(&pending, SIGPIPE) == 0);
}
