#pragma once
// A log-linear ("HDR") histogram of durations in nanoseconds, from 1 ns to 1 s, with two
// significant decimal digits: the per-command histograms behind LATENCY HISTOGRAM and
// INFO latencystats. Its bucket layout and its answers (which value a percentile
// reports, which cumulative counts a power-of-two walk reports) are those of the HDR
// histogram Redis 7.0 records command durations with, so that both report the same
// numbers for the same durations.
//
// Values are grouped in buckets: bucket 0 holds 0..255 in steps of 1; bucket b > 0
// holds 2^(b+7) .. 2^(b+8)-1 in 128 steps of 2^b. A value's "equivalent range" is the
// step it falls in; percentiles answer the highest value of the step (the lowest for p0).

#include <cstdint>
#include <memory>
#include <vector>

namespace corvid {

class LatencyHistogram {
 public:
  static constexpr int64_t kLowest = 1;
  static constexpr int64_t kHighest = 1'000'000'000;

  // One point of the power-of-two walk: `highest_value` is the highest value equivalent
  // to the step where the walk passed a power of two; `cumulative` counts every recorded
  // value up to and including that step.
  struct CumulativePoint {
    int64_t highest_value;
    uint64_t cumulative;
  };

  // Records one duration, clamped to [kLowest, kHighest]. The counts are allocated on the
  // first record (most commands are never called); after that a record is an index
  // computation and two increments.
  void record(int64_t value) {
    if (value < kLowest) value = kLowest;
    if (value > kHighest) value = kHighest;
    if (!counts_) allocate();
    ++counts_[index_of(value)];
    ++total_;
  }

  uint64_t total() const { return total_; }
  bool empty() const { return total_ == 0; }
  // Forgets every value and releases the counts.
  void clear();

  // The value at `percentile` (0..100): the highest value equivalent to the step holding
  // the ceil-rounded rank (for 0, the lowest value of the first step). 0 when empty.
  int64_t value_at_percentile(double percentile) const;

  // Walks the steps from the smallest value, reporting a point each time the walk reaches
  // the step of the next reporting level: `first_level`, then times `base` each time.
  // A walk that runs out of steps before the next level reports its last step (whose
  // highest value is just over 2^30 ns), as HDR does.
  std::vector<CumulativePoint> log_walk(int64_t first_level, int64_t base) const;

  // The layout, exposed for tests.
  static int64_t lowest_equivalent(int64_t value);
  static int64_t highest_equivalent(int64_t value);
  static int64_t value_at_index(int64_t index);
  static int64_t index_of(int64_t value) {
    int bucket = bucket_of(value);
    int64_t sub = value >> bucket;
    return ((static_cast<int64_t>(bucket) + 1) << kHalfMagnitude) + (sub - kHalfCount);
  }

 private:
  // 2 significant digits need 200 distinguishable steps per power of two: 256 (2^8).
  static constexpr int kSubBucketMagnitude = 8;
  static constexpr int kHalfMagnitude = kSubBucketMagnitude - 1;
  static constexpr int64_t kSubBucketCount = int64_t{1} << kSubBucketMagnitude;
  static constexpr int64_t kHalfCount = kSubBucketCount / 2;
  static constexpr int kBucketCount = [] {
    int buckets = 1;
    for (int64_t untrackable = kSubBucketCount; untrackable <= kHighest; untrackable <<= 1) ++buckets;
    return buckets;
  }();
  static constexpr int64_t kCountsLength = (kBucketCount + 1) * kHalfCount;

  static int bucket_of(int64_t value) {
    // The position of the highest bit, at least that of the sub-bucket mask.
    int top_bit = 63 - __builtin_clzll(static_cast<uint64_t>(value) | (kSubBucketCount - 1));
    return top_bit + 1 - kSubBucketMagnitude;
  }
  static int64_t equivalent_range(int64_t value) { return int64_t{1} << bucket_of(value); }

  void allocate();

  std::unique_ptr<uint64_t[]> counts_;
  uint64_t total_ = 0;
};

}  // namespace corvid
