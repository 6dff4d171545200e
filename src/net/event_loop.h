#pragma once
// The event loop behind a small interface: sockets with readiness callbacks, periodic
// timers, a hook that runs before each sleep, and a wake-up other threads may call.
// Today it is epoll; an io_uring backend can replace it without touching its users.

#include <cstdint>
#include <functional>
#include <vector>

namespace corvid {

class IoHandler {
 public:
  virtual void on_readable() = 0;
  virtual void on_writable() = 0;

 protected:
  ~IoHandler() = default;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts or updates interest in `fd`. Watching nothing for both removes it.
  void watch(int fd, bool readable, bool writable, IoHandler* handler);
  void unwatch(int fd);

  // Calls `tick` every `period_ms` milliseconds until the loop stops. Returns the timer's
  // id, for set_period.
  size_t every(int period_ms, std::function<void()> tick);
  void set_period(size_t timer, int period_ms);
  // Runs before each wait for events (flushes replies, fast expiry cycle).
  void before_sleep(std::function<void()> hook) { before_sleep_ = std::move(hook); }
  // Asked before each wait: the longest the loop may sleep in milliseconds, or -1 for no
  // limit beyond the timers (blocked clients' timeouts are finer than the cron).
  void sleep_limit(std::function<int()> limit) { sleep_limit_ = std::move(limit); }

  void run();
  // One wait of at most `timeout_ms` for socket events and their handlers, without timers
  // or the before-sleep hook: what a long script uses to answer other clients meanwhile.
  void poll_io(int timeout_ms);
  void stop() { running_ = false; }
  // Safe from any thread: interrupts a wait so that the loop notices new work.
  void wake();
  // Drains pending wake-ups; set a callback to hear about them.
  void on_wake(std::function<void()> callback) { on_wake_ = std::move(callback); }

 private:
  struct Timer {
    int period_ms;
    int64_t due_ms;
    std::function<void()> tick;
  };
  struct Watch {
    IoHandler* handler = nullptr;
    uint32_t events = 0;
  };

  int next_timeout_ms(int64_t now_ms) const;
  void run_due_timers(int64_t now_ms);

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool running_ = false;
  std::vector<Watch> watches_;  // indexed by fd
  std::vector<Timer> timers_;
  std::function<void()> before_sleep_;
  std::function<int()> sleep_limit_;
  std::function<void()> on_wake_;
};

int64_t monotonic_ms();

}  // namespace corvid
