// A file descriptor that closes itself: the one owner of every descriptor of
// the core (store files, solvers' listeners, hook pipes, probe sockets).
#pragma once

#include <cerrno>
#include <unistd.h>
#include <utility>

namespace acme {

class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other)
            reset(std::exchange(other.m_fd, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    explicit operator bool() const { return valid(); }

    // Gives up ownership without closing, for a caller that closes itself
    // and checks the result.
    int release() noexcept { return std::exchange(m_fd, -1); }

    // close(2) with its result, for writers that must know the data landed.
    // Returns 0 or an errno value.
    int close_checked() noexcept {
        const int fd = release();
        return fd >= 0 && ::close(fd) != 0 ? errno : 0;
    }

    // Closes the current descriptor and takes fd. A close error is of no use
    // here; writers that care call close_checked() first.
    void reset(int fd = -1) noexcept {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

  private:
    int m_fd = -1;
};

} // namespace acme
