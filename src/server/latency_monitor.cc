#include "server/latency_monitor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace corvid {

void LatencySeries::add(int64_t now_seconds, uint64_t milliseconds) {
  max_ = std::max(max_, milliseconds);
  LatencySample& previous = slots_[(next_ + kSlots - 1) % kSlots];
  if (previous.unix_seconds == now_seconds) {
    // One sample per second: the worst of it.
    previous.milliseconds = std::max(previous.milliseconds, milliseconds);
    return;
  }
  slots_[next_] = {now_seconds, milliseconds};
  next_ = (next_ + 1) % kSlots;
}

std::vector<LatencySample> LatencySeries::samples() const {
  std::vector<LatencySample> out;
  for (size_t i = 0; i < kSlots; ++i) {
    const LatencySample& s = slots_[(next_ + i) % kSlots];
    if (s.unix_seconds != 0) out.push_back(s);
  }
  return out;
}

void LatencyMonitor::add(std::string_view event, uint64_t milliseconds, int64_t now_seconds) {
  for (auto& [name, series] : events_) {
    if (name == event) {
      series->add(now_seconds, milliseconds);
      return;
    }
  }
  events_.emplace_back(std::string(event), std::make_unique<LatencySeries>());
  events_.back().second->add(now_seconds, milliseconds);
}

const LatencySeries* LatencyMonitor::find(std::string_view event) const {
  for (const auto& [name, series] : events_) {
    if (name == event) return series.get();
  }
  return nullptr;
}

size_t LatencyMonitor::reset(std::string_view event) {
  auto it = std::find_if(events_.begin(), events_.end(), [&](const auto& e) { return e.first == event; });
  if (it == events_.end()) return 0;
  events_.erase(it);
  return 1;
}

size_t LatencyMonitor::reset_all() {
  size_t count = events_.size();
  events_.clear();
  return count;
}

namespace {

// How long ago, in the largest unit that is at least one: "42s", "5m", "3h", "2d".
std::string age_label(int64_t seconds) {
  char buffer[32];
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(seconds));
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof buffer, "%lldm", static_cast<long long>(seconds / 60));
  } else if (seconds < 86400) {
    std::snprintf(buffer, sizeof buffer, "%lldh", static_cast<long long>(seconds / 3600));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldd", static_cast<long long>(seconds / 86400));
  }
  return buffer;
}

constexpr int kGraphColumns = 80;
constexpr int kGraphRows = 4;
// Each row can show three heights of a column's top; rows below the top are filled.
constexpr char kLevelMarks[] = {'_', 'o', '#'};
constexpr int kMarksPerRow = 3;

struct GraphPoint {
  uint64_t value;
  std::string label;
};

// One band of up to kGraphColumns points, scaled between the whole graph's `low` and `high`.
void draw_band(std::string& out, const std::vector<GraphPoint>& points, size_t first, size_t count, uint64_t low,
               uint64_t high) {
  const int levels = kGraphRows * kMarksPerRow;
  double span = static_cast<double>(high - low);
  if (span == 0) span = 1;
  std::vector<int> heights(count);
  for (size_t i = 0; i < count; ++i) {
    double above_low = static_cast<double>(points[first + i].value - low);
    // The scaled height is truncated twice (the product, then the quotient), as Redis draws.
    auto height = static_cast<int>(static_cast<int>(above_low * levels) / span);
    heights[i] = std::clamp(height, 0, levels - 1);
  }
  std::string line(count, ' ');
  for (int row = 0; row < kGraphRows; ++row) {
    int row_floor = (kGraphRows - row - 1) * kMarksPerRow;
    for (size_t i = 0; i < count; ++i) {
      int mark = heights[i] - row_floor;
      line[i] = mark < 0 ? ' ' : mark < kMarksPerRow ? kLevelMarks[mark] : '|';
    }
    out += line;
    out += '\n';
  }
  // A blank line, then the labels written downwards, one character per line.
  size_t longest = 0;
  for (size_t i = 0; i < count; ++i) longest = std::max(longest, points[first + i].label.size());
  out.append(count, ' ');
  out += '\n';
  for (size_t at = 0; at < longest; ++at) {
    for (size_t i = 0; i < count; ++i) {
      const std::string& label = points[first + i].label;
      line[i] = at < label.size() ? label[at] : ' ';
    }
    out += line;
    out += '\n';
  }
}

}  // namespace

std::string LatencyMonitor::graph(std::string_view event, const LatencySeries& series, int64_t now_seconds) {
  std::vector<GraphPoint> points;
  uint64_t low = 0;
  uint64_t high = 0;
  for (const LatencySample& s : series.samples()) {
    if (points.empty()) {
      low = high = s.milliseconds;
    } else {
      low = std::min(low, s.milliseconds);
      high = std::max(high, s.milliseconds);
    }
    points.push_back({s.milliseconds, age_label(now_seconds - s.unix_seconds)});
  }
  std::string out(event);
  char title[160];
  std::snprintf(title, sizeof title, " - high %llu ms, low %llu ms (all time high %llu ms)\n",
                static_cast<unsigned long long>(high), static_cast<unsigned long long>(low),
                static_cast<unsigned long long>(series.all_time_max()));
  out += title;
  out.append(kGraphColumns, '-');
  out += '\n';
  for (size_t first = 0; first < points.size(); first += kGraphColumns) {
    if (first != 0) out += '\n';
    size_t count = std::min(points.size() - first, static_cast<size_t>(kGraphColumns));
    draw_band(out, points, first, count, low, high);
  }
  return out;
}

std::string LatencyMonitor::doctor(uint64_t threshold_ms) const {
  std::string out;
  char buffer[512];
  if (events_.empty()) {
    if (threshold_ms == 0) {
      out += "The latency monitor is off (latency-monitor-threshold is 0), so there is nothing to report. ";
      out += "Turn it on with CONFIG SET latency-monitor-threshold <milliseconds>: events lasting at least that ";
      out += "long are then sampled.\n";
    } else {
      out += "No event has reached the latency threshold since the samples were last reset: nothing to worry about.\n";
    }
    return out;
  }
  out += "Latency report: the events below reached the latency threshold.\n\n";
  int number = 0;
  for (const auto& [name, series] : events_) {
    std::vector<LatencySample> samples = series->samples();
    if (samples.empty()) continue;
    double sum = 0;
    for (const LatencySample& s : samples) sum += static_cast<double>(s.milliseconds);
    double mean = sum / static_cast<double>(samples.size());
    double deviation = 0;
    for (const LatencySample& s : samples) deviation += std::fabs(static_cast<double>(s.milliseconds) - mean);
    deviation /= static_cast<double>(samples.size());
    int64_t spread = samples.back().unix_seconds - samples.front().unix_seconds;
    std::snprintf(buffer, sizeof buffer,
                  "%d. %s: %zu spike(s) over %lld second(s), %.0f ms on average (mean deviation %.0f ms); "
                  "the worst ever lasted %llu ms.\n",
                  ++number, name.c_str(), samples.size(), static_cast<long long>(spread), mean, deviation,
                  static_cast<unsigned long long>(series->all_time_max()));
    out += buffer;
  }
  out += "\nWhat may help:\n";
  bool commands = find("command") != nullptr || find("fast-command") != nullptr;
  if (commands) {
    out += "- Slow commands: look for them with SLOWLOG GET, and prefer commands whose cost does not grow with ";
    out += "the size of the value (avoid KEYS, large SMEMBERS/HGETALL/LRANGE on big collections).\n";
  }
  if (find("fast-command") != nullptr) {
    out += "- Even O(1) commands were slow: the process may be starved of CPU or swapping; check the host.\n";
  }
  if (find("expire-cycle") != nullptr) {
    out += "- The active expiry cycle was slow: many keys expiring at the same moment cost time; spread their TTLs.\n";
  }
  if (find("eviction-cycle") != nullptr || find("eviction-del") != nullptr) {
    out += "- Eviction was slow: evicting large values takes time; consider a larger maxmemory or smaller values.\n";
  }
  out += "- Reset the samples with LATENCY RESET once the causes are dealt with.\n";
  return out;
}

}  // namespace corvid
