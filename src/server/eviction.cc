#include "server/eviction.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <cmath>
#include <limits>

#include "core/monotonic.h"
#include "db/database.h"
#include "server/memory_gauge.h"
#include "server/server.h"

namespace corvid {

namespace {


// maxmemory-eviction-tenacity: 10 (the default) allows 500 us per call; each step above
// 10 allows 15% more; 100 never stops.
int64_t time_limit_us(int tenacity) {
  if (tenacity <= 0) tenacity = 0;
  if (tenacity <= 10) return 50 * static_cast<int64_t>(tenacity);
  if (tenacity < 100) return static_cast<int64_t>(500.0 * std::pow(1.15, tenacity - 10));
  return std::numeric_limits<int64_t>::max();
}

bool volatile_policy(EvictionPolicy policy) {
  return policy == EvictionPolicy::VolatileLru || policy == EvictionPolicy::VolatileLfu ||
         policy == EvictionPolicy::VolatileRandom || policy == EvictionPolicy::VolatileTtl;
}

}  // namespace

EvictionPolicy parse_eviction_policy(std::string_view name) {
  if (name == "allkeys-lru") return EvictionPolicy::AllKeysLru;
  if (name == "allkeys-lfu") return EvictionPolicy::AllKeysLfu;
  if (name == "allkeys-random") return EvictionPolicy::AllKeysRandom;
  if (name == "volatile-lru") return EvictionPolicy::VolatileLru;
  if (name == "volatile-lfu") return EvictionPolicy::VolatileLfu;
  if (name == "volatile-random") return EvictionPolicy::VolatileRandom;
  if (name == "volatile-ttl") return EvictionPolicy::VolatileTtl;
  return EvictionPolicy::NoEviction;
}

Evictor::Result Evictor::perform() {
  const Config& config = server_.config();
  uint64_t limit = config.maxmemory;
  uint64_t used = memory_gauge::used();
  if (limit == 0 || used <= limit) {
    running_ = false;
    note_result(Result::Ok);
    return Result::Ok;
  }
  EvictionPolicy policy = parse_eviction_policy(config.maxmemory_policy);
  if (policy == EvictionPolicy::NoEviction) {
    running_ = false;
    note_result(Result::Failed);
    return Result::Failed;
  }
  const uint64_t to_free = used - limit;
  uint64_t freed = 0;
  const int64_t started = monotonic_us();
  const int64_t allowed = time_limit_us(config.maxmemory_eviction_tenacity);
  uint64_t evicted = 0;
  // The latency monitor's "eviction-cycle" (this whole call) and "eviction-del" (each key).
  const uint64_t latency_threshold = config.latency_monitor_threshold;
  auto end_cycle = [&](Result result) {
    if (latency_threshold != 0) {
      server_.latency_monitor().sample_if_needed(latency_threshold, "eviction-cycle",
                                                 static_cast<uint64_t>(monotonic_us() - started) / 1000);
    }
    note_result(result);
    return result;
  };
  while (freed < to_free) {
    Victim victim = choose(policy);
    if (victim.entry == nullptr) {
      running_ = false;
      // Nothing left to evict, but the background thread may still be freeing what was:
      // give it one time slice before refusing writes, as Redis does.
      if (server_.lazy_freer().pending_objects() > 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(std::min<int64_t>(allowed, 10000)));
        if (memory_gauge::used() <= limit) return end_cycle(Result::Ok);
      }
      return end_cycle(Result::Failed);
    }
    // What a key frees is measured, not estimated: values share nothing, but a
    // collection's real footprint is its allocator's business.
    uint64_t before = memory_gauge::used();
    const int64_t deletion_started = latency_threshold != 0 ? monotonic_us() : 0;
    victim.db->evict(victim.entry);
    if (latency_threshold != 0) {
      server_.latency_monitor().sample_if_needed(latency_threshold, "eviction-del",
                                                 static_cast<uint64_t>(monotonic_us() - deletion_started) / 1000);
    }
    ++evicted_keys_;
    uint64_t after = memory_gauge::used();
    if (before > after) freed += before - after;
    // Freed in the background, a big value leaves the figure later than it leaves the
    // keyspace: every 16 keys, look at the memory itself (as Redis does).
    if (config.lazyfree_lazy_eviction && (evicted + 1) % 16 == 0 && memory_gauge::used() <= limit) break;
    if (++evicted % 16 == 0 && monotonic_us() - started > allowed) {
      running_ = true;
      return end_cycle(Result::Running);
    }
  }
  running_ = false;
  return end_cycle(Result::Ok);
}

Evictor::Victim Evictor::choose(EvictionPolicy policy) {
  bool volatile_only = volatile_policy(policy);
  if (policy == EvictionPolicy::AllKeysRandom || policy == EvictionPolicy::VolatileRandom) {
    return choose_random(volatile_only);
  }
  return choose_from_pool(policy, volatile_only);
}

Evictor::Victim Evictor::choose_random(bool volatile_only) {
  // The databases in turn, so that no one of them is emptied first.
  int count = server_.database_count();
  for (int i = 0; i < count; ++i) {
    next_db_ = (next_db_ + 1) % count;
    Database& db = server_.db(next_db_);
    if (KeyEntry* entry = db.random_for_eviction(volatile_only)) return {&db, entry};
  }
  return {};
}

Evictor::Victim Evictor::choose_from_pool(EvictionPolicy policy, bool volatile_only) {
  for (;;) {
    size_t keys = 0;
    for (int i = 0; i < server_.database_count(); ++i) {
      Database& db = server_.db(i);
      size_t n = volatile_only ? db.volatile_count() : db.size();
      if (n == 0) continue;
      sample_into_pool(i, policy, volatile_only);
      keys += n;
    }
    if (keys == 0) return {};
    // Best first; a candidate deleted since it was sampled is dropped and the next tried.
    while (!pool_.empty()) {
      Candidate best = std::move(pool_.back());
      pool_.pop_back();
      Database& db = server_.db(best.db);
      if (KeyEntry* entry = db.peek(best.key, volatile_only)) return {&db, entry};
    }
  }
}

void Evictor::sample_into_pool(int db_index, EvictionPolicy policy, bool volatile_only) {
  Database& db = server_.db(db_index);
  // Reused between rounds: eviction runs before commands, so it should not allocate.
  samples_.resize(static_cast<size_t>(std::max(1, server_.config().maxmemory_samples)));
  size_t n = db.sample_for_eviction(samples_.data(), samples_.size(), volatile_only);
  for (size_t i = 0; i < n; ++i) {
    uint64_t s = score(db, *samples_[i], policy);
    auto at = std::lower_bound(pool_.begin(), pool_.end(), s,
                               [](const Candidate& c, uint64_t value) { return c.score < value; });
    if (pool_.size() == kPoolSize) {
      // Full: worse than everything is not kept; otherwise the worst goes.
      if (at == pool_.begin()) continue;
      pool_.erase(pool_.begin());
      --at;
    }
    pool_.insert(at, Candidate{s, db_index, std::string(samples_[i]->key())});
  }
}

uint64_t Evictor::score(const Database& db, const KeyEntry& entry, EvictionPolicy policy) const {
  switch (policy) {
    case EvictionPolicy::AllKeysLfu:
    case EvictionPolicy::VolatileLfu:
      return 255 - db.access_frequency(entry);
    case EvictionPolicy::VolatileTtl:
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(entry.expire_at_ms());
    default:
      break;
  }
  uint32_t now = server_.clock().seconds();
  return now > entry.access_clock() ? now - entry.access_clock() : 0;
}

void Evictor::note_result(Result result) {
  // Time over the limit counts while eviction cannot (yet) bring memory under it.
  if (result == Result::Ok) {
    if (exceeded_since_us_ != 0) {
      exceeded_total_us_ += static_cast<uint64_t>(monotonic_us() - exceeded_since_us_);
      exceeded_since_us_ = 0;
    }
  } else if (exceeded_since_us_ == 0) {
    exceeded_since_us_ = monotonic_us();
  }
}

uint64_t Evictor::current_exceeded_ms() const {
  return exceeded_since_us_ == 0 ? 0 : static_cast<uint64_t>(monotonic_us() - exceeded_since_us_) / 1000;
}

uint64_t Evictor::total_exceeded_ms() const { return exceeded_total_us_ / 1000 + current_exceeded_ms(); }

void Evictor::reset_stats() {
  evicted_keys_ = 0;
  exceeded_total_us_ = 0;
  exceeded_since_us_ = 0;
}

}  // namespace corvid
