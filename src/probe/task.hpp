// Private to src/probe: Task<T>, a lazy C++20 coroutine that one probe's
// sequential steps (connect, STARTTLS dialogue, handshake) are written as.
// It runs when awaited and hands the awaiter its value or rethrows its
// exception there. A task that ends without waiting lets its awaiter go on
// without suspending; one that waited resumes its awaiter when it ends. So
// the stack grows with how deep tasks nest, never with how many a loop
// awaits one after another, even where the compiler makes no tail calls
// (symmetric transfer alone needs them: -O0 and ASan builds overflowed).
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

namespace acme::probe {

template <class T = void> class Task;

namespace detail {

// What every task's promise holds: whom to resume at the end, and the exception.
struct PromiseBase {
    std::coroutine_handle<> continuation = std::noop_coroutine();
    bool awaiter_suspended = false; // false: the awaiter sees done() and goes on itself
    std::exception_ptr error;

    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <class P>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<P> ended) const noexcept {
            const PromiseBase& promise = ended.promise();
            return promise.awaiter_suspended ? promise.continuation : std::noop_coroutine();
        }
        void await_resume() const noexcept {}
    };

    std::suspend_always initial_suspend() const noexcept { return {}; }
    FinalAwaiter final_suspend() const noexcept { return {}; }
    void unhandled_exception() noexcept { error = std::current_exception(); }
    void rethrow_if_failed() const {
        if (error) {
            std::rethrow_exception(error);
        }
    }
};

template <class T> struct Promise : PromiseBase {
    std::optional<T> value;

    Task<T> get_return_object() noexcept;
    void return_value(T result) { value.emplace(std::move(result)); }
    T take() {
        rethrow_if_failed();
        if (!value) {
            throw std::logic_error("probe task ended without a value");
        }
        return std::move(*value);
    }
};

template <> struct Promise<void> : PromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void take() const { rethrow_if_failed(); }
};

} // namespace detail

template <class T> class [[nodiscard]] Task {
  public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    explicit Task(Handle handle) noexcept : m_handle(handle) {}
    Task(Task&& other) noexcept : m_handle(std::exchange(other.m_handle, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            destroy();
            m_handle = std::exchange(other.m_handle, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { destroy(); }

    // co_await task: runs it now, up to its first wait; the awaiter goes on
    // at once if it has ended, else when it ends (single thread: nothing can
    // end it between resume() returning and the flag being set).
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> awaiter) {
        m_handle.promise().continuation = awaiter;
        m_handle.resume();
        if (m_handle.done()) {
            return false;
        }
        m_handle.promise().awaiter_suspended = true;
        return true;
    }
    T await_resume() { return m_handle.promise().take(); }

    // For the event loop's top-level tasks, which nobody awaits: run until
    // the first suspension; once done(), result() returns or rethrows.
    void start() { m_handle.resume(); }
    bool done() const noexcept { return m_handle.done(); }
    T result() { return m_handle.promise().take(); }

  private:
    void destroy() noexcept {
        if (m_handle) {
            m_handle.destroy();
        }
    }

    Handle m_handle;
};

namespace detail {
template <class T> Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>(Task<T>::Handle::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>(Task<void>::Handle::from_promise(*this));
}
} // namespace detail

} // namespace acme::probe
