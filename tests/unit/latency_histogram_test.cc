#include "core/latency_histogram.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace corvid {
namespace {

// Only the points where the cumulative count grew, keyed in whole microseconds: what
// LATENCY HISTOGRAM replies.
std::vector<std::pair<int64_t, uint64_t>> grown_usec(const LatencyHistogram& h) {
  std::vector<std::pair<int64_t, uint64_t>> out;
  uint64_t previous = 0;
  for (const auto& point : h.log_walk(1024, 2)) {
    if (point.cumulative > previous) out.emplace_back(point.highest_value / 1000, point.cumulative);
    previous = point.cumulative;
  }
  return out;
}

TEST(LatencyHistogram, StepsAreExactBelow256ThenDoubleEveryPowerOfTwo) {
  for (int64_t v = 0; v < 256; ++v) {
    EXPECT_EQ(LatencyHistogram::lowest_equivalent(v), v);
    EXPECT_EQ(LatencyHistogram::highest_equivalent(v), v);
  }
  EXPECT_EQ(LatencyHistogram::lowest_equivalent(257), 256);
  EXPECT_EQ(LatencyHistogram::highest_equivalent(256), 257);
  EXPECT_EQ(LatencyHistogram::lowest_equivalent(6000), 5984);
  EXPECT_EQ(LatencyHistogram::highest_equivalent(6000), 6015);
  // Index and value agree in both directions.
  for (int64_t v : {0L, 1L, 127L, 128L, 255L, 256L, 1000L, 6000L, 1'000'000L, 999'999'999L, 1'000'000'000L}) {
    int64_t index = LatencyHistogram::index_of(v);
    EXPECT_EQ(LatencyHistogram::value_at_index(index), LatencyHistogram::lowest_equivalent(v)) << v;
  }
}

TEST(LatencyHistogram, EmptyUntilRecordedAndClearForgets) {
  LatencyHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_TRUE(h.log_walk(1024, 2).empty());
  EXPECT_EQ(h.value_at_percentile(50), 0);
  h.record(5000);
  EXPECT_EQ(h.total(), 1u);
  h.clear();
  EXPECT_TRUE(h.empty());
  EXPECT_TRUE(h.log_walk(1024, 2).empty());
}

TEST(LatencyHistogram, ValuesAreClampedToTheTrackedRange) {
  LatencyHistogram h;
  h.record(0);
  h.record(-5);
  EXPECT_EQ(h.value_at_percentile(100), 1);
  h.record(5'000'000'000);
  EXPECT_EQ(h.total(), 3u);
  EXPECT_EQ(h.value_at_percentile(100), LatencyHistogram::highest_equivalent(1'000'000'000));
}

// The figures redis-server 7.0.15 gave for the same durations (INFO latencystats with
// latency-tracking-info-percentiles "0 50 100", and LATENCY HISTOGRAM).
TEST(LatencyHistogram, PercentilesMatchRedis) {
  LatencyHistogram one;
  one.record(6000);
  EXPECT_EQ(one.value_at_percentile(0), 5984);
  EXPECT_EQ(one.value_at_percentile(50), 6015);
  EXPECT_EQ(one.value_at_percentile(100), 6015);

  LatencyHistogram three;
  three.record(17920);
  three.record(124000);
  three.record(520000);
  EXPECT_EQ(three.value_at_percentile(0), 17920);
  EXPECT_EQ(three.value_at_percentile(50), 124415);
  EXPECT_EQ(three.value_at_percentile(100), 520191);
  EXPECT_EQ(three.value_at_percentile(150), 520191);
  // The rank is p/100 * n rounded half up: p33 is the first value (rank 1.49 -> 1),
  // p50.1 the second (2.003 -> 2), p84 the third (3.02 -> 3).
  EXPECT_EQ(three.value_at_percentile(33), 18047);
  EXPECT_EQ(three.value_at_percentile(50.1), 124415);
  EXPECT_EQ(three.value_at_percentile(84), 520191);
}

TEST(LatencyHistogram, PowerOfTwoWalkMatchesRedis) {
  LatencyHistogram three;
  three.record(17920);
  three.record(124000);
  three.record(520000);
  EXPECT_EQ(grown_usec(three), (std::vector<std::pair<int64_t, uint64_t>>{{33, 1}, {132, 2}, {528, 3}}));

  LatencyHistogram sleeps;  // DEBUG SLEEP 0.05 and 0.02
  sleeps.record(20'100'000);
  sleeps.record(50'100'000);
  EXPECT_EQ(grown_usec(sleeps), (std::vector<std::pair<int64_t, uint64_t>>{{33816, 1}, {67633, 2}}));

  LatencyHistogram fast;  // sub-microsecond and few-microsecond calls
  fast.record(1);
  fast.record(1000);
  fast.record(4000);
  fast.record(4000);
  EXPECT_EQ(grown_usec(fast), (std::vector<std::pair<int64_t, uint64_t>>{{1, 2}, {4, 4}}));
}

TEST(LatencyHistogram, WalkEndsOnTheLastStep) {
  // A second is past the last power of two the steps reach (2^30 ns has none): the walk
  // reports the last step instead, as Redis answered for a DEBUG SLEEP 1.1.
  LatencyHistogram h;
  h.record(1000);
  h.record(1'000'000'000);
  EXPECT_EQ(grown_usec(h), (std::vector<std::pair<int64_t, uint64_t>>{{1, 1}, {1073741, 2}}));
  EXPECT_EQ(h.value_at_percentile(100), 1002438655);
}

}  // namespace
}  // namespace corvid
