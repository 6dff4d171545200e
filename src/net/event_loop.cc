#include "net/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include "core/monotonic.h"

namespace corvid {


EventLoop::EventLoop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

EventLoop::~EventLoop() {
  close(wake_fd_);
  close(epoll_fd_);
}

void EventLoop::watch(int fd, bool readable, bool writable, IoHandler* handler) {
  uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
  if (static_cast<size_t>(fd) >= watches_.size()) watches_.resize(fd + 1);
  Watch& w = watches_[fd];
  if (events == 0) {
    unwatch(fd);
    return;
  }
  if (w.events == events && w.handler == handler) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  int op = w.events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  epoll_ctl(epoll_fd_, op, fd, &ev);
  w.events = events;
  w.handler = handler;
}

void EventLoop::unwatch(int fd) {
  if (static_cast<size_t>(fd) >= watches_.size() || watches_[fd].events == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watches_[fd] = Watch{};
}

size_t EventLoop::every(int period_ms, std::function<void()> tick) {
  timers_.push_back(Timer{period_ms, monotonic_ms() + period_ms, std::move(tick)});
  return timers_.size() - 1;
}

void EventLoop::set_period(size_t timer, int period_ms) {
  timers_[timer].period_ms = period_ms;
  timers_[timer].due_ms = std::min(timers_[timer].due_ms, monotonic_ms() + period_ms);
}

void EventLoop::wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof one);
  (void)ignored;
}

int EventLoop::next_timeout_ms(int64_t now_ms) const {
  int64_t soonest = -1;
  for (const Timer& t : timers_) {
    int64_t wait = std::max<int64_t>(0, t.due_ms - now_ms);
    if (soonest < 0 || wait < soonest) soonest = wait;
  }
  if (sleep_limit_) {
    int limit = sleep_limit_();
    if (limit >= 0 && (soonest < 0 || limit < soonest)) soonest = limit;
  }
  return static_cast<int>(soonest);
}

void EventLoop::run_due_timers(int64_t now_ms) {
  for (size_t i = 0; i < timers_.size(); ++i) {
    if (timers_[i].due_ms > now_ms) continue;
    // Schedule from now, not from the missed deadline, so a slow tick cannot snowball.
    timers_[i].due_ms = now_ms + timers_[i].period_ms;
    timers_[i].tick();
  }
}

void EventLoop::run() {
  running_ = true;
  while (running_) {
    if (before_sleep_) before_sleep_();
    if (!running_) break;
    poll_io(next_timeout_ms(monotonic_ms()));
    run_due_timers(monotonic_ms());
  }
}

void EventLoop::poll_io(int timeout_ms) {
  constexpr int kMaxEvents = 512;
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  if (n < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "epoll_wait");
  for (int i = 0; i < n; ++i) {
    int fd = events[i].data.fd;
    if (fd == wake_fd_) {
      uint64_t count;
      while (read(wake_fd_, &count, sizeof count) > 0) {
      }
      if (on_wake_) on_wake_();
      continue;
    }
    // A handler may close other descriptors; look each one up again before use.
    uint32_t ready = events[i].events;
    if (ready & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
      if (static_cast<size_t>(fd) < watches_.size() && watches_[fd].handler && (watches_[fd].events & EPOLLIN)) {
        watches_[fd].handler->on_readable();
      }
    }
    if (ready & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
      if (static_cast<size_t>(fd) < watches_.size() && watches_[fd].handler && (watches_[fd].events & EPOLLOUT)) {
        watches_[fd].handler->on_writable();
      }
    }
  }
}

}  // namespace corvid
