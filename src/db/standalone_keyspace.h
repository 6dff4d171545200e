#pragma once
// Databases that belong to no server: what the offline tools (corvid-check-rdb), the fuzz
// targets and the unit tests load files into and inspect. They keep their own clock (set
// once, to a fixed instant or to now) and statistics, and ignore key-change events.

#include <cstdint>
#include <memory>
#include <vector>

#include "db/clock.h"
#include "db/database.h"
#include "db/key_change.h"

namespace corvid {

struct IgnoreKeyChanges final : KeyChangeListener {
  void on_key_change(const KeyChange&) override {}
};

class StandaloneKeyspace {
 public:
  // `now_ms` < 0: the clock reads the current time once.
  explicit StandaloneKeyspace(int64_t now_ms = -1, int databases = 16) {
    if (now_ms < 0) {
      clock_.refresh();
    } else {
      clock_.now_ms = now_ms;
      clock_.now_us = now_ms * 1000;
    }
    for (int i = 0; i < databases; ++i) dbs_.push_back(std::make_unique<Database>(i, clock_, stats_, listener_));
  }
  StandaloneKeyspace(const StandaloneKeyspace&) = delete;
  StandaloneKeyspace& operator=(const StandaloneKeyspace&) = delete;

  std::vector<Database*> databases() const {
    std::vector<Database*> out;
    for (const auto& db : dbs_) out.push_back(db.get());
    return out;
  }
  Database& db(int index) { return *dbs_[static_cast<size_t>(index)]; }
  Clock& clock() { return clock_; }
  const Clock& clock() const { return clock_; }
  KeyspaceStats& stats() { return stats_; }

 private:
  Clock clock_;
  KeyspaceStats stats_;
  IgnoreKeyChanges listener_;
  std::vector<std::unique_ptr<Database>> dbs_;
};

}  // namespace corvid
