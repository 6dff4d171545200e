#pragma once
// How a key's use is recorded for maxmemory eviction, as maxmemory-policy decides: the
// time of its last access (LRU; OBJECT IDLETIME), or a logarithmic access counter that
// decays while the key is idle (LFU; OBJECT FREQ). Both live in the key entry (the
// access clock in seconds and an 8-bit counter), so switching policy at run time just
// starts reading the other one.

#include <cstdint>
#include <random>

#include "db/key_entry.h"

namespace corvid {

struct AccessPolicy {
  bool lfu = false;
  int lfu_log_factor = 10;  // higher: more accesses per counter step
  int lfu_decay_time = 1;   // minutes of idleness per counter step down (0: never)
};

// The LFU counter once the minutes the key sat idle have been taken off.
uint8_t lfu_decayed_counter(const KeyEntry& entry, const AccessPolicy& policy, uint32_t now_s);

// One access. LRU: the time. LFU: decay, then a step up with probability
// 1/((counter - 5) * lfu-log-factor + 1), and the time.
void record_access(KeyEntry& entry, const AccessPolicy& policy, uint32_t now_s, std::mt19937& rng);

}  // namespace corvid
