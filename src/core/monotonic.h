#pragma once
// A clock for measuring durations (time budgets, command timing, timers): it never jumps
// when the wall clock is set.

#include <time.h>

#include <cstdint>

namespace corvid {

inline int64_t monotonic_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

inline int64_t monotonic_ms() { return monotonic_us() / 1000; }

}  // namespace corvid
