#pragma once
// One of the numbered databases: its keys, their expiry, and the only path by which
// commands read and change them. Lookups apply lazy expiry; every modification is
// reported once through key_changed(), which feeds the server's KeyChangeListener.

#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string_view>

#include "core/hash_table.h"
#include "db/clock.h"
#include "db/key_access.h"
#include "db/key_change.h"
#include "db/key_entry.h"
#include "db/snapshot_capture.h"

namespace corvid {

using KeyTable = HashTable<KeyEntry, KeyEntryTraits>;

// Counters that INFO reports for the keyspace as a whole.
struct KeyspaceStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t expired_keys = 0;
  uint64_t expired_subkeys = 0;  // hash fields reclaimed when their deadline passed
  // The active expiry cycle: a running estimate of the share of keys with a TTL that are
  // expired (each cycle's sample weighs 5%, as in Redis), and how many cycles stopped
  // because their time ran out.
  double expired_stale_perc = 0;
  uint64_t expired_time_cap_reached_count = 0;
  uint64_t dirty = 0;  // changes since the last save: rdb_changes_since_last_save
};

// Keys taken out of a database in one piece, to be freed elsewhere (FLUSHALL ASYNC).
struct DetachedKeys {
  KeyTable table;
  void dispose() {
    table.clear([](KeyEntry* e) { KeyEntry::destroy(e); });
  }
};

class Database {
 public:
  // `access` says how reads and writes record a key's use (LRU or LFU); the owner keeps
  // it current with maxmemory-policy.
  Database(int index, const Clock& clock, KeyspaceStats& stats, KeyChangeListener& listener,
           const AccessPolicy& access = default_access_policy());
  static const AccessPolicy& default_access_policy();
  // Who frees expired and evicted entries (by default: freed at once).
  void set_disposer(EntryDisposer* disposer) { disposer_ = disposer; }
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int index() const { return index_; }
  size_t size() const { return keys_.size(); }
  size_t volatile_count() const { return volatile_keys_.size(); }
  // The key table's buckets (both tables while rehashing): Redis's "slots".
  size_t slots() const { return keys_.bucket_count(); }
  uint64_t average_ttl_ms() const;

  // Reading: lazily expires, updates access time, counts keyspace hits and misses (a
  // miss is also a "keymiss" notice to the listener).
  KeyEntry* lookup_read(std::string_view key);
  // Inspecting without "using" (TYPE, EXISTS, TTL): counts hits and misses but
  // leaves the access time alone, so the key does not look recently used (Redis's
  // LOOKUP_NOTOUCH).
  KeyEntry* lookup_no_touch(std::string_view key);
  // OBJECT's lookup: like lookup_no_touch, but a miss is not a "keymiss" event (Redis's
  // LOOKUP_NONOTIFY).
  KeyEntry* lookup_no_notify(std::string_view key);
  // Before a write: lazily expires and updates access time; no hit/miss counting.
  KeyEntry* lookup_write(std::string_view key);
  // No side effects but lazy expiry: probes that neither read nor write the value (DEL,
  // KEYS, WATCH/EXEC, flush and swap checks, serving blocked clients, DEBUG).
  KeyEntry* find(std::string_view key);

  // Adds an entry whose key must be absent. Notifications hear "new" (before the
  // command's own event, as Redis reports from dbAdd).
  void insert(KeyEntry* entry);
  // Adds or replaces (SET): the old value and its expiry are freed.
  void upsert(KeyEntry* entry);
  // Puts `replacement` (same key) where `current` was, keeping expiry bookkeeping right.
  // Frees `current` (through the disposer: an overwritten value is an implicit delete).
  void replace(KeyEntry* current, KeyEntry* replacement);
  // Removes and frees (through the disposer, for `reason`). False when absent.
  bool remove(std::string_view key, EntryDisposer::Reason reason = EntryDisposer::Reason::Deleted);
  // Removes without freeing; the caller owns the entry.
  KeyEntry* detach(std::string_view key);

  // Sets or clears the TTL of `entry`, returning the (possibly reallocated) entry.
  KeyEntry* set_expiry(KeyEntry* entry, int64_t expire_at_ms);
  KeyEntry* clear_expiry(KeyEntry* entry) { return set_expiry(entry, KeyEntry::kNoExpiry); }
  bool is_expired(const KeyEntry& entry) const {
    return entry.has_expiry() && entry.expire_at_ms() <= clock_.now_ms;
  }

  // The single key-change hook (see key_change.h). Every command that changes a key calls it once.
  void key_changed(std::string_view key, uint32_t event_class, std::string_view event);
  // A change Redis does not count as modifying the key (a stream's consumer groups): it
  // counts toward saves and propagation, and keyspace notifications hear `event` unless it
  // is empty, but WATCH, client tracking and blocked clients do not.
  void key_changed_quietly(std::string_view key, uint32_t event_class = 0, std::string_view event = {});
  // Has the clients blocked on `key` look at it again (the consumer group they wait on
  // went) without counting as a change.
  void wake_waiters(std::string_view key);

  // Expires keys with a TTL for at most `budget_us`; returns how many were removed.
  // Adapts like Redis: keeps going while a good share of the sampled keys were expired.
  // `effort` (active-expire-effort, 1-10) scales the batch and lowers the share of
  // expired keys that is tolerated, as it does in Redis. `tally` (optional) accumulates
  // how many keys the walk looked at and removed, and whether its time ran out.
  struct ExpireTally {
    size_t sampled = 0;
    size_t expired = 0;
    bool out_of_time = false;
  };
  size_t active_expire(int64_t budget_us, ExpireTally* tally = nullptr, int effort = 1);

  // Hash field expiry. Lookups drop a hash's due fields (and the hash, once empty) before
  // anyone sees them; these keep a registry of the hashes that may have field deadlines
  // so that the cron also reclaims fields nobody reads.
  // Registers `key` (a hash that was just given a field deadline). Idempotent. Keys moved
  // in by insert/replace (RENAME, COPY, MOVE) are registered automatically.
  void track_field_expiry(std::string_view key);
  // Walks the registry for at most `budget_us`; returns how many fields were removed.
  size_t active_expire_fields(int64_t budget_us);
  size_t field_expiry_tracked() const { return field_expiry_keys_.size(); }
  // visit(const KeyEntry&) for each hash the registry names (some may have no deadline
  // left), without side effects: whether a snapshot needs Redis 7.4's hash types.
  template <class F>
  void for_each_field_expiry_hash(F&& visit) {
    field_expiry_keys_.for_each([&](TrackedKey& k) {
      if (const KeyEntry* e = keys_.peek(k.key())) visit(*e);
    });
  }

  KeyEntry* random_key();

  // While clients are paused (CLIENT PAUSE, WRITE or ALL) the dataset must not change:
  // expired keys read as missing but stay, and the active cycle does nothing.
  void set_expiry_paused(bool paused) { expiry_paused_ = paused; }

  // maxmemory eviction. Candidates are raw entries: no lazy expiry, no access recorded.
  // Up to `count` entries from a random spot, of all keys or of those with a TTL.
  size_t sample_for_eviction(KeyEntry** out, size_t count, bool volatile_only);
  // One uniformly random entry (allkeys-random, volatile-random); nullptr when none.
  KeyEntry* random_for_eviction(bool volatile_only);
  // A key with a TTL, or any key, by name, without side effects.
  KeyEntry* peek(std::string_view key, bool volatile_only);
  // Removes and frees an evicted key; everyone hears "evicted" (not counted as a change).
  void evict(KeyEntry* entry);
  // OBJECT FREQ: the entry's LFU counter after idle decay.
  uint8_t access_frequency(const KeyEntry& entry) const {
    return lfu_decayed_counter(entry, access_, clock_.seconds());
  }
  // SCAN over this database. visit(KeyEntry&) ; returns the next cursor.
  template <class F>
  uint64_t scan(uint64_t cursor, F&& visit) {
    return keys_.scan(cursor, std::forward<F>(visit));
  }
  template <class F>
  void for_each(F&& visit) {
    keys_.for_each(std::forward<F>(visit));
  }
  // Spends a bounded amount of incremental rehashing (server cron).
  void rehash_steps(size_t buckets) { keys_.rehash_steps(buckets); }

  // Empties the database. The returned keys are the caller's to free (possibly elsewhere).
  std::unique_ptr<DetachedKeys> detach_all();
  // SWAPDB: exchanges contents, not identities.
  void swap_contents(Database& other);

  // Point-in-time snapshots (db/snapshot_capture.h). begin_snapshot flips this database's
  // mark, so every existing entry is "not captured yet"; from then on, entries about to
  // change are handed to `capture` first, and new entries are born captured.
  void begin_snapshot(SnapshotCapture* capture);
  void end_snapshot() { capture_ = nullptr; }
  bool snapshot_running() const { return capture_ != nullptr; }
  // The walk's test: true (and the entry is marked captured) when the snapshot does not
  // have `entry` yet and the caller is to serialize it now.
  bool claim_for_snapshot(KeyEntry& entry) {
    if (entry.snapshot_mark() == snapshot_mark_) return false;
    entry.set_snapshot_mark(snapshot_mark_);
    return true;
  }
  // Hands every entry the snapshot does not have yet to it (before FLUSHDB, SWAPDB).
  void capture_everything();
  // Marks every entry as captured without serializing it: an abandoned snapshot leaves
  // the marks consistent for the next one.
  void mark_everything_captured();

  // Loading (RDB, DEBUG RELOAD): adds an entry without events or counting a change. False
  // (and the entry is not taken) when the key exists.
  bool load(KeyEntry* entry);
  // Before loading about `keys` keys into an empty database: size its table once.
  void reserve(size_t keys) {
    if (keys_.size() == 0) keys_.reserve(keys);
  }

  // Table shape for DEBUG HTSTATS-like reporting.
  size_t bucket_count() const { return keys_.bucket_count(); }

 private:
  KeyEntry* expire_if_needed(KeyEntry* entry);
  // Before `entry` changes or goes: a running snapshot that does not have it takes it now.
  void before_change(KeyEntry* entry) {
    if (capture_ != nullptr && entry != nullptr && entry->snapshot_mark() != snapshot_mark_) {
      capture_->capture(index_, *entry);
      entry->set_snapshot_mark(snapshot_mark_);
    }
  }
  // A new entry: no snapshot running now will ever want it.
  void born(KeyEntry* entry) { entry->set_snapshot_mark(snapshot_mark_); }
  // A read found nothing: counted, and heard as "keymiss" by keyspace notifications.
  void count_miss(std::string_view key);
  void track_volatile(KeyEntry* entry);
  void untrack_volatile(KeyEntry* entry);
  void delete_expired(KeyEntry* entry);
  void dispose(KeyEntry* entry, EntryDisposer::Reason reason);
  // Drops the due fields of a hash entry; true when that emptied and removed it.
  bool expire_hash_fields(KeyEntry* entry);
  void track_if_field_deadlines(const KeyEntry* entry);
  void clear_field_expiry_registry();

  // An entry of the field-expiry registry: a key name, in one allocation.
  struct TrackedKey {
    TrackedKey* next;
    uint32_t length;
    std::string_view key() const { return {reinterpret_cast<const char*>(this + 1), length}; }
    static TrackedKey* create(std::string_view key);
    static void destroy(TrackedKey* k);
  };
  struct TrackedKeyTraits {
    static std::string_view key(const TrackedKey& k) { return k.key(); }
    static TrackedKey* next(const TrackedKey& k) { return k.next; }
    static void set_next(TrackedKey& k, TrackedKey* n) { k.next = n; }
  };

  int index_;
  bool expiry_paused_ = false;
  const Clock& clock_;
  KeyspaceStats& stats_;
  KeyChangeListener& listener_;
  const AccessPolicy& access_;
  EntryDisposer* disposer_ = nullptr;
  KeyTable keys_;
  // Every key with a TTL, for active expiry; each entry knows its slot, so removal is
  // O(1) (move the last one into the hole). A deque never moves its elements as it grows.
  std::deque<KeyEntry*> volatile_keys_;
  size_t expire_cursor_ = 0;
  // Names of hashes that may hold fields with deadlines. Entries can go stale (the key was
  // deleted, or its deadlines removed); the cron walk drops those when it meets them, so
  // no other path has to keep this exact. Walked with a SCAN cursor, which survives resizes.
  HashTable<TrackedKey, TrackedKeyTraits> field_expiry_keys_;
  uint64_t field_expiry_cursor_ = 0;
  std::mt19937 rng_;
  SnapshotCapture* capture_ = nullptr;
  bool snapshot_mark_ = false;
};

}  // namespace corvid
