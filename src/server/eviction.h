#pragma once
// maxmemory: before each command the server asks the Evictor whether used memory is over
// the limit and, if the policy allows, it removes keys until it is not (or until its time
// slice runs out, in which case it goes on in the next event-loop turns).
//
// Key choice follows Redis 7.0. The random policies take a uniformly random key (of all
// keys, or of those with a TTL) from the databases in turn. LRU, LFU and TTL keep a pool
// of the 16 best candidates seen so far; each round samples maxmemory-samples keys of
// every database into it and evicts the best that still exists: the longest idle (LRU),
// the least frequently used (LFU), the nearest deadline (volatile-ttl).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace corvid {

class Server;
class Database;
class KeyEntry;

enum class EvictionPolicy : uint8_t {
  NoEviction,
  AllKeysLru,
  AllKeysLfu,
  AllKeysRandom,
  VolatileLru,
  VolatileLfu,
  VolatileRandom,
  VolatileTtl,
};
EvictionPolicy parse_eviction_policy(std::string_view name);

class Evictor {
 public:
  enum class Result { Ok, Running, Failed };

  explicit Evictor(Server& server) : server_(server) {}
  Evictor(const Evictor&) = delete;
  Evictor& operator=(const Evictor&) = delete;

  // Frees memory down to maxmemory if it can. Failed: over the limit and nothing (more)
  // may be evicted, so commands that would grow memory are refused. Running: the time
  // slice ran out; eviction continues in the next loop turns (running()).
  Result perform();
  bool running() const { return running_; }

  // INFO stats.
  uint64_t evicted_keys() const { return evicted_keys_; }
  // Milliseconds spent over maxmemory without being able to get under it.
  uint64_t total_exceeded_ms() const;
  uint64_t current_exceeded_ms() const;
  void reset_stats();

 private:
  struct Victim {
    Database* db = nullptr;
    KeyEntry* entry = nullptr;
  };
  struct Candidate {
    uint64_t score;  // higher: a better victim
    int db;
    std::string key;
  };

  Victim choose(EvictionPolicy policy);
  Victim choose_random(bool volatile_only);
  Victim choose_from_pool(EvictionPolicy policy, bool volatile_only);
  void sample_into_pool(int db, EvictionPolicy policy, bool volatile_only);
  uint64_t score(const Database& db, const KeyEntry& entry, EvictionPolicy policy) const;
  void note_result(Result result);

  Server& server_;
  static constexpr size_t kPoolSize = 16;
  std::vector<Candidate> pool_;  // ascending score
  std::vector<KeyEntry*> samples_;
  int next_db_ = 0;
  bool running_ = false;
  uint64_t evicted_keys_ = 0;
  uint64_t exceeded_total_us_ = 0;
  int64_t exceeded_since_us_ = 0;  // 0: not over the limit
};

}  // namespace corvid
