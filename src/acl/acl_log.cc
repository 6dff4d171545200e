#include "acl/acl_log.h"

#include <algorithm>

namespace corvid {

namespace {

constexpr int64_t kGroupingWindowMs = 60000;
constexpr size_t kGroupingScan = 10;

bool same_event(const AclLogEntry& a, const AclLogEntry& b) {
  return a.reason == b.reason && a.context == b.context && a.object == b.object && a.username == b.username;
}

}  // namespace

void AclLog::add(AclLogEntry entry, size_t max_len) {
  // Only the newest few are looked at, as Redis does: an old event logs anew.
  auto end = entries_.begin() + static_cast<std::ptrdiff_t>(std::min(entries_.size(), kGroupingScan));
  for (auto it = entries_.begin(); it != end; ++it) {
    if (!same_event(*it, entry) || entry.created_ms - it->created_ms >= kGroupingWindowMs) continue;
    entry.count = it->count + 1;
    entries_.erase(it);
    break;
  }
  entries_.push_front(std::move(entry));
  while (entries_.size() > max_len) entries_.pop_back();
}

}  // namespace corvid
