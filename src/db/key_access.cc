#include "db/key_access.h"

namespace corvid {

uint8_t lfu_decayed_counter(const KeyEntry& entry, const AccessPolicy& policy, uint32_t now_s) {
  uint8_t counter = entry.lfu_counter();
  if (policy.lfu_decay_time <= 0) return counter;
  // Whole minutes, as Redis's LFU clock counts them.
  uint32_t last_minute = entry.access_clock() / 60;
  uint32_t now_minute = now_s / 60;
  if (now_minute <= last_minute) return counter;
  uint32_t periods = (now_minute - last_minute) / static_cast<uint32_t>(policy.lfu_decay_time);
  return periods >= counter ? 0 : static_cast<uint8_t>(counter - periods);
}

void record_access(KeyEntry& entry, const AccessPolicy& policy, uint32_t now_s, std::mt19937& rng) {
  if (policy.lfu) {
    uint8_t counter = lfu_decayed_counter(entry, policy, now_s);
    if (counter < 255) {
      double base = counter > kLfuInitialCounter ? counter - kLfuInitialCounter : 0;
      double p = 1.0 / (base * policy.lfu_log_factor + 1);
      if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p) ++counter;
    }
    entry.set_lfu_counter(counter);
  }
  entry.set_access_clock(now_s);
}

}  // namespace corvid
