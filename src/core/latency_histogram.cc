#include "core/latency_histogram.h"

namespace corvid {

void LatencyHistogram::allocate() { counts_ = std::make_unique<uint64_t[]>(kCountsLength); }

void LatencyHistogram::clear() {
  counts_.reset();
  total_ = 0;
}

int64_t LatencyHistogram::lowest_equivalent(int64_t value) {
  int bucket = bucket_of(value);
  return (value >> bucket) << bucket;
}

int64_t LatencyHistogram::highest_equivalent(int64_t value) {
  return lowest_equivalent(value) + equivalent_range(value) - 1;
}

int64_t LatencyHistogram::value_at_index(int64_t index) {
  int64_t bucket = (index >> kHalfMagnitude) - 1;
  int64_t sub = (index & (kHalfCount - 1)) + kHalfCount;
  if (bucket < 0) {
    // The first half-bucket has no lower half of its own: indexes 0..127 are values 0..127.
    sub -= kHalfCount;
    bucket = 0;
  }
  return sub << bucket;
}

int64_t LatencyHistogram::value_at_percentile(double percentile) const {
  double requested = percentile < 100.0 ? percentile : 100.0;
  // The same arithmetic as HDR (scale, multiply, round half up) so ranks agree exactly.
  auto rank = static_cast<int64_t>((requested / 100) * static_cast<double>(total_) + 0.5);
  if (rank < 1) rank = 1;
  int64_t value = 0;
  if (counts_) {
    uint64_t seen = 0;
    for (int64_t i = 0; i < kCountsLength; ++i) {
      seen += counts_[i];
      if (seen >= static_cast<uint64_t>(rank)) {
        value = value_at_index(i);
        break;
      }
    }
  }
  return percentile == 0.0 ? lowest_equivalent(value) : highest_equivalent(value);
}

std::vector<LatencyHistogram::CumulativePoint> LatencyHistogram::log_walk(int64_t first_level, int64_t base) const {
  std::vector<CumulativePoint> points;
  if (!counts_) return points;
  int64_t index = -1;
  int64_t value = 0;
  int64_t highest = 0;
  uint64_t cumulative = 0;
  int64_t level = first_level;
  int64_t level_floor = lowest_equivalent(level);
  // A step is reported when the walk stands on (or past) the level's own step; the walk
  // goes on while counts remain, or while the next step is already past the level.
  // Running out of steps before reaching a level reports the last step, once.
  while (cumulative < total_ || (index < kCountsLength && value_at_index(index + 1) > level_floor)) {
    while (value < level_floor) {
      if (++index >= kCountsLength) {
        points.push_back({highest, cumulative});
        return points;
      }
      cumulative += counts_[index];
      value = value_at_index(index);
      highest = highest_equivalent(value);
    }
    points.push_back({highest, cumulative});
    level *= base;
    level_floor = lowest_equivalent(level);
  }
  return points;
}

}  // namespace corvid
