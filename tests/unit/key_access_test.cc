// LFU counting and decay (db/key_access.h), and the eviction helpers of Database.

#include "db/key_access.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "db/database.h"

namespace corvid {
namespace {

class KeyAccessTest : public ::testing::Test {
 protected:
  ~KeyAccessTest() override { KeyEntry::destroy(entry); }
  KeyEntry* entry = KeyEntry::create_string("k", "v", KeyEntry::kNoExpiry);
  std::mt19937 rng{42};
};

TEST_F(KeyAccessTest, NewKeysStartAtFive) { EXPECT_EQ(entry->lfu_counter(), kLfuInitialCounter); }

TEST_F(KeyAccessTest, LogFactorZeroCountsEveryAccessUpTo255) {
  AccessPolicy lfu{.lfu = true, .lfu_log_factor = 0, .lfu_decay_time = 1};
  entry->set_access_clock(600);  // as Database::insert does: no idle minutes to decay
  for (int i = 0; i < 10; ++i) record_access(*entry, lfu, 600, rng);
  EXPECT_EQ(entry->lfu_counter(), 15);
  EXPECT_EQ(entry->access_clock(), 600u);
  for (int i = 0; i < 1000; ++i) record_access(*entry, lfu, 600, rng);
  EXPECT_EQ(entry->lfu_counter(), 255);
}

TEST_F(KeyAccessTest, HigherCountersGrowMoreSlowly) {
  AccessPolicy lfu{.lfu = true, .lfu_log_factor = 10, .lfu_decay_time = 0};
  // The first step above the initial value is certain; then each is ten times less likely
  // per step: a thousand accesses stay far below 255.
  record_access(*entry, lfu, 0, rng);
  EXPECT_EQ(entry->lfu_counter(), 6);
  for (int i = 0; i < 1000; ++i) record_access(*entry, lfu, 0, rng);
  EXPECT_GT(entry->lfu_counter(), 10);
  EXPECT_LT(entry->lfu_counter(), 40);
}

TEST_F(KeyAccessTest, IdleMinutesDecayTheCounter) {
  entry->set_lfu_counter(20);
  entry->set_access_clock(60 * 100);
  AccessPolicy lfu{.lfu = true, .lfu_log_factor = 10, .lfu_decay_time = 2};
  EXPECT_EQ(lfu_decayed_counter(*entry, lfu, 60 * 100 + 59), 20);  // same minute
  EXPECT_EQ(lfu_decayed_counter(*entry, lfu, 60 * 104), 18);       // two periods of two minutes
  EXPECT_EQ(lfu_decayed_counter(*entry, lfu, 60 * 1000), 0);       // never below zero
  lfu.lfu_decay_time = 0;
  EXPECT_EQ(lfu_decayed_counter(*entry, lfu, 60 * 1000), 20);  // 0: no decay
}

TEST_F(KeyAccessTest, LruRecordsOnlyTheTime) {
  AccessPolicy lru;
  record_access(*entry, lru, 1234, rng);
  EXPECT_EQ(entry->access_clock(), 1234u);
  EXPECT_EQ(entry->lfu_counter(), kLfuInitialCounter);
}

struct Recorder : KeyChangeListener {
  std::vector<std::string> events;
  void on_key_change(const KeyChange& change) override {
    events.push_back(std::string(change.event) + ":" + std::string(change.key));
  }
};

TEST(DatabaseEvictionTest, SamplesAndEvicts) {
  Clock clock;
  clock.now_ms = 1'000'000;
  KeyspaceStats stats;
  Recorder listener;
  Database db(0, clock, stats, listener);
  for (int i = 0; i < 100; ++i) {
    int64_t expire = i % 10 == 0 ? clock.now_ms + 100000 + i : KeyEntry::kNoExpiry;
    db.insert(KeyEntry::create_string("k" + std::to_string(i), "v", expire));
  }
  // Only keys with a TTL are candidates of the volatile policies.
  KeyEntry* sample[8];
  size_t n = db.sample_for_eviction(sample, 8, true);
  EXPECT_EQ(n, 8u);
  std::set<const KeyEntry*> distinct(sample, sample + n);
  EXPECT_EQ(distinct.size(), n);
  for (size_t i = 0; i < n; ++i) EXPECT_TRUE(sample[i]->has_expiry());
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(db.random_for_eviction(true)->has_expiry());
  EXPECT_GT(db.sample_for_eviction(sample, 8, false), 0u);

  // Eviction removes, reports "evicted", and is not a change a save counts.
  KeyEntry* victim = db.random_for_eviction(true);
  std::string name(victim->key());
  uint64_t dirty = stats.dirty;
  db.evict(victim);
  EXPECT_EQ(db.find(name), nullptr);
  EXPECT_EQ(db.size(), 99u);
  EXPECT_EQ(db.volatile_count(), 9u);
  EXPECT_EQ(stats.dirty, dirty);
  EXPECT_EQ(listener.events.back(), "evicted:" + name);
  EXPECT_EQ(db.peek(name, false), nullptr);
  EXPECT_NE(db.peek("k1", false), nullptr);
  EXPECT_EQ(db.peek("k1", true), nullptr);  // no TTL
}

}  // namespace
}  // namespace corvid
