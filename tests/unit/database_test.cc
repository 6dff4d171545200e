// Database: expiry bookkeeping across reallocation, lazy and active expiry, the hook.

#include "db/database.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace corvid {
namespace {

struct RecordingListener : KeyChangeListener {
  std::vector<std::string> events;
  std::vector<std::string> notices;  // events that are not changes ("new", "keymiss")
  void on_key_change(const KeyChange& change) override {
    events.push_back(std::string(change.event) + ":" + std::string(change.key));
  }
  void on_key_event(const KeyChange& change) override {
    notices.push_back(std::string(change.event) + ":" + std::string(change.key));
  }
};

class DatabaseTest : public ::testing::Test {
 protected:
  DatabaseTest() : db(0, clock, stats, listener) { clock.now_ms = 1'000'000; }

  KeyEntry* put(const std::string& key, const std::string& value, int64_t expire_at = KeyEntry::kNoExpiry) {
    KeyEntry* entry = KeyEntry::create_string(key, value, expire_at);
    db.upsert(entry);
    return entry;
  }

  Clock clock;
  KeyspaceStats stats;
  RecordingListener listener;
  Database db;
};

TEST_F(DatabaseTest, EncodingsFollowRedisRules) {
  char scratch[24];
  EXPECT_EQ(put("i", "12345")->encoding(), Encoding::Int);
  EXPECT_EQ(put("z", "0123")->encoding(), Encoding::Embstr);
  EXPECT_EQ(put("e", std::string(44, 'x'))->encoding(), Encoding::Embstr);
  KeyEntry* raw = put("r", std::string(45, 'x'));
  EXPECT_EQ(raw->encoding(), Encoding::Raw);
  EXPECT_EQ(raw->string_value(scratch), std::string(45, 'x'));
  EXPECT_EQ(db.find("i")->string_value(scratch), "12345");
  KeyEntry* text = KeyEntry::create_text("t", "6", KeyEntry::kNoExpiry);
  EXPECT_EQ(text->encoding(), Encoding::Embstr);
  KeyEntry::destroy(text);
}

TEST_F(DatabaseTest, ExpiryReallocatesEntryAndKeepsValue) {
  char scratch[24];
  KeyEntry* entry = put("k", "value");
  EXPECT_FALSE(entry->has_expiry());
  entry = db.set_expiry(entry, clock.now_ms + 5000);
  EXPECT_TRUE(entry->has_expiry());
  EXPECT_EQ(db.volatile_count(), 1u);
  EXPECT_EQ(db.find("k"), entry);
  EXPECT_EQ(entry->string_value(scratch), "value");
  entry = db.clear_expiry(entry);
  EXPECT_FALSE(entry->has_expiry());
  EXPECT_EQ(db.volatile_count(), 0u);
  EXPECT_EQ(db.find("k")->string_value(scratch), "value");
}

TEST_F(DatabaseTest, LazyExpiryOnLookupCountsAndNotifies) {
  put("k", "v", clock.now_ms + 10);
  EXPECT_NE(db.lookup_read("k"), nullptr);
  clock.now_ms += 10;
  EXPECT_EQ(db.lookup_read("k"), nullptr);
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(stats.expired_keys, 1u);
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 1u);
  // Reclaiming is reported, but is not a change for rdb_changes_since_last_save.
  EXPECT_EQ(stats.dirty, 0u);
  ASSERT_EQ(listener.events.size(), 1u);
  EXPECT_EQ(listener.events[0], "expired:k");
}

TEST_F(DatabaseTest, ActiveExpiryRemovesDueKeysAndSparesOthers) {
  for (int i = 0; i < 5000; ++i) put("later:" + std::to_string(i), "v", clock.now_ms + 100000);
  for (int i = 0; i < 5000; ++i) put("keep:" + std::to_string(i), "v");
  for (int i = 0; i < 20000; ++i) put("soon:" + std::to_string(i), "v", clock.now_ms + 10);
  clock.now_ms += 10;
  size_t removed = 0;
  for (int round = 0; round < 50 && removed < 20000; ++round) removed += db.active_expire(1'000'000);
  EXPECT_EQ(removed, 20000u);
  EXPECT_EQ(db.size(), 10000u);
  EXPECT_EQ(db.volatile_count(), 5000u);
  EXPECT_NE(db.find("later:4999"), nullptr);
  EXPECT_NE(db.find("keep:0"), nullptr);
}

// active-expire-effort scales the batch: 20 keys at effort 1, 65 at effort 10 (a walk
// that finds nothing due stops after one batch). The tolerated share of expired keys
// (10% down to 1%) is not checked here: the TTL list's random order makes any one
// batch's share a matter of chance.
TEST_F(DatabaseTest, ActiveExpiryEffortScalesTheBatch) {
  for (int i = 0; i < 1000; ++i) put("later:" + std::to_string(i), "v", clock.now_ms + 100000);
  Database::ExpireTally low, high;
  db.active_expire(1'000'000, &low, 1);
  db.active_expire(1'000'000, &high, 10);
  EXPECT_EQ(low.sampled, 20u);
  EXPECT_EQ(high.sampled, 65u);
}

TEST_F(DatabaseTest, RemovingAndReplacingKeepsTheTtlListConsistent) {
  for (int i = 0; i < 100; ++i) put("k" + std::to_string(i), "v", clock.now_ms + 1000 + i);
  for (int i = 0; i < 100; i += 2) EXPECT_TRUE(db.remove("k" + std::to_string(i)));
  // Replacing a volatile entry by one with a TTL keeps its slot; without drops it.
  put("k1", "new", clock.now_ms + 5);
  put("k3", "new");
  EXPECT_EQ(db.volatile_count(), 49u);
  clock.now_ms += 5;
  size_t removed = 0;
  for (int round = 0; round < 10; ++round) removed += db.active_expire(1'000'000);
  EXPECT_EQ(removed, 1u);
  EXPECT_EQ(db.find("k1"), nullptr);
  EXPECT_NE(db.find("k3"), nullptr);
  EXPECT_EQ(db.volatile_count(), 48u);
}

TEST_F(DatabaseTest, RandomKeyReclaimsExpiredKeysItMeets) {
  for (int i = 0; i < 50; ++i) put("gone" + std::to_string(i), "v", clock.now_ms + 1);
  put("alive", "v");
  clock.now_ms += 1;
  KeyEntry* entry = db.random_key();
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->key(), "alive");
}

TEST_F(DatabaseTest, DetachAllLeavesAnEmptyUsableDatabase) {
  for (int i = 0; i < 1000; ++i) put("k" + std::to_string(i), "v", i % 2 ? clock.now_ms + 100 : KeyEntry::kNoExpiry);
  auto detached = db.detach_all();
  EXPECT_EQ(db.size(), 0u);
  EXPECT_EQ(db.volatile_count(), 0u);
  EXPECT_EQ(detached->table.size(), 1000u);
  detached->dispose();
  put("again", "v", clock.now_ms + 100);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.volatile_count(), 1u);
}

// A collection stand-in: owns heap memory, so a missed delete or a shallow copy shows
// up under AddressSanitizer.
struct TestCollection : ValueObject {
  std::vector<std::string> items;
  Encoding encoding() const override { return Encoding::Hashtable; }
  std::unique_ptr<ValueObject> clone() const override { return std::make_unique<TestCollection>(*this); }
  size_t allocated_bytes() const override { return items.size() * sizeof(std::string); }
  size_t free_effort() const override { return items.size(); }
};

TEST_F(DatabaseTest, CollectionValuesAreOwnedClonedAndFreedByTheEntry) {
  auto object = std::make_unique<TestCollection>();
  object->items.assign(100, std::string(64, 'x'));
  KeyEntry* entry = KeyEntry::create_object("h", ValueType::Hash, std::move(object), KeyEntry::kNoExpiry);
  db.insert(entry);
  EXPECT_EQ(entry->type(), ValueType::Hash);
  EXPECT_EQ(entry->free_effort(), 100u);
  // Giving it a TTL reallocates the entry; the collection moves over without a copy.
  ValueObject* before = entry->object();
  entry = db.set_expiry(entry, clock.now_ms + 1000);
  EXPECT_EQ(entry->object(), before);
  EXPECT_EQ(entry->encoding(), Encoding::Hashtable);
  EXPECT_EQ(entry->object_as<TestCollection>().items.size(), 100u);
  KeyEntry* copy = KeyEntry::clone(*entry, "h2", KeyEntry::kNoExpiry);
  EXPECT_NE(copy->object(), entry->object());
  copy->object_as<TestCollection>().items.clear();
  EXPECT_EQ(entry->object_as<TestCollection>().items.size(), 100u);
  KeyEntry::destroy(copy);
  EXPECT_TRUE(db.remove("h"));
}

TEST_F(DatabaseTest, KeyChangedCountsAndForwards) {
  put("k", "v");
  db.key_changed("k", kEventString, "set");
  EXPECT_EQ(stats.dirty, 1u);
  ASSERT_EQ(listener.events.size(), 1u);
  EXPECT_EQ(listener.events[0], "set:k");
}

TEST_F(DatabaseTest, NewKeysAndReadMissesAreNoticesNotChanges) {
  put("a", "1");
  put("a", "2");  // replaced, not new
  db.lookup_read("missing");
  db.lookup_no_touch("gone");
  db.lookup_no_notify("quiet");  // OBJECT's lookup: a miss, but no event
  db.lookup_write("written");   // writes do not report misses
  db.find("probe");
  EXPECT_EQ(listener.notices, (std::vector<std::string>{"new:a", "keymiss:missing", "keymiss:gone"}));
  EXPECT_TRUE(listener.events.empty());
  EXPECT_EQ(stats.misses, 3u);
  EXPECT_EQ(stats.dirty, 0u);
}

}  // namespace
}  // namespace corvid
