#include "db/clock.h"

#include <ctime>

namespace corvid {

void Clock::refresh() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  now_us = static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  now_ms = now_us / 1000;
}

}  // namespace corvid
