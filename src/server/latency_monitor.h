#pragma once
// The latency monitor (LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR): for each event class
// ("command", "fast-command", "expire-cycle", "eviction-cycle", "eviction-del"), the
// samples of the last 160 seconds that reached latency-monitor-threshold milliseconds,
// at most one per second (the worst of that second), and the worst ever seen.

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace corvid {

struct LatencySample {
  int64_t unix_seconds = 0;  // 0: the slot was never used
  uint64_t milliseconds = 0;
};

class LatencySeries {
 public:
  static constexpr size_t kSlots = 160;

  void add(int64_t now_seconds, uint64_t milliseconds);
  // The used slots, oldest first.
  std::vector<LatencySample> samples() const;
  const LatencySample& latest() const { return slots_[(next_ + kSlots - 1) % kSlots]; }
  uint64_t all_time_max() const { return max_; }

 private:
  LatencySample slots_[kSlots];
  size_t next_ = 0;  // where the next second's sample goes
  uint64_t max_ = 0;
};

class LatencyMonitor {
 public:
  // The cheap test every caller makes first: the monitor is on (threshold > 0) and the
  // duration reached it.
  static bool worth_sampling(uint64_t threshold_ms, uint64_t milliseconds) {
    return threshold_ms != 0 && milliseconds >= threshold_ms;
  }
  void sample_if_needed(uint64_t threshold_ms, std::string_view event, uint64_t milliseconds) {
    if (worth_sampling(threshold_ms, milliseconds)) add(event, milliseconds, std::time(nullptr));
  }
  void add(std::string_view event, uint64_t milliseconds, int64_t now_seconds);

  // Events in the order they were first sampled.
  const std::vector<std::pair<std::string, std::unique_ptr<LatencySeries>>>& events() const { return events_; }
  const LatencySeries* find(std::string_view event) const;
  // Forgets one event (1 if it had samples, else 0) or all of them (how many there were).
  size_t reset(std::string_view event);
  size_t reset_all();

  // LATENCY GRAPH: a title line, a ruler and the samples drawn as 4-row columns (80 per
  // band) with, under each, how long ago it was taken.
  static std::string graph(std::string_view event, const LatencySeries& series, int64_t now_seconds);
  // LATENCY DOCTOR: a plain-language reading of the samples.
  std::string doctor(uint64_t threshold_ms) const;

 private:
  std::vector<std::pair<std::string, std::unique_ptr<LatencySeries>>> events_;
};

}  // namespace corvid
