#pragma once
// The time a command sees. The server refreshes it once per event-loop turn and before
// each command, so that one command (and later a whole MULTI/EXEC or script) observes a
// single "now", as in Redis.

#include <cstdint>

namespace corvid {

struct Clock {
  int64_t now_ms = 0;  // wall clock, Unix milliseconds
  int64_t now_us = 0;  // wall clock, Unix microseconds

  uint32_t seconds() const { return static_cast<uint32_t>(now_ms / 1000); }
  void refresh();
  // A clock read now, for code outside a command (persistence progress and durations).
  static Clock current() {
    Clock clock;
    clock.refresh();
    return clock;
  }
};

}  // namespace corvid
