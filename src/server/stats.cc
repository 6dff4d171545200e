#include "server/stats.h"

namespace corvid {

void RateMeter::sample(int64_t now_ms, uint64_t counter) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
    last_counter_ = counter;
    return;
  }
  int64_t elapsed = now_ms - last_ms_;
  if (elapsed <= 0) return;
  samples_[next_] = static_cast<double>(counter - last_counter_) * 1000.0 / static_cast<double>(elapsed);
  next_ = (next_ + 1) % kSamples;
  last_ms_ = now_ms;
  last_counter_ = counter;
}

double RateMeter::per_second() const {
  double sum = 0;
  for (double s : samples_) sum += s;
  return sum / kSamples;
}

}  // namespace corvid
