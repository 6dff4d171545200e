#include "db/database.h"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <typeinfo>
#include <new>
#include <vector>

#include "core/monotonic.h"
#include "db/hash_value.h"

namespace corvid {

namespace {

// The hash an entry holds, if any. Checked by dynamic type rather than by the entry's
// type tag alone, so that the database never misreads some other collection object
// (tests store stand-ins); HashValue is final, so comparing type_info is exact and cheap.
HashValue* hash_of(const KeyEntry* entry) {
  if (entry->type() != ValueType::Hash) return nullptr;
  ValueObject* object = entry->object();
  return typeid(*object) == typeid(HashValue) ? static_cast<HashValue*>(object) : nullptr;
}

}  // namespace

Database::Database(int index, const Clock& clock, KeyspaceStats& stats, KeyChangeListener& listener,
                   const AccessPolicy& access)
    : index_(index), clock_(clock), stats_(stats), listener_(listener), access_(access),
      rng_(std::random_device{}()) {}

const AccessPolicy& Database::default_access_policy() {
  static const AccessPolicy policy;
  return policy;
}

Database::~Database() {
  keys_.clear([](KeyEntry* e) { KeyEntry::destroy(e); });
  clear_field_expiry_registry();
}

uint64_t Database::average_ttl_ms() const {
  if (volatile_keys_.empty()) return 0;
  // Sampled, like Redis's estimate: exactness is not worth a full walk.
  constexpr size_t kSamples = 64;
  size_t step = volatile_keys_.size() / kSamples + 1;
  int64_t total = 0;
  size_t counted = 0;
  for (size_t i = 0; i < volatile_keys_.size(); i += step) {
    int64_t ttl = volatile_keys_[i]->expire_at_ms() - clock_.now_ms;
    if (ttl > 0) {
      total += ttl;
      ++counted;
    }
  }
  return counted == 0 ? 0 : static_cast<uint64_t>(total / static_cast<int64_t>(counted));
}

KeyEntry* Database::expire_if_needed(KeyEntry* entry) {
  if (entry == nullptr) return nullptr;
  if (is_expired(*entry)) {
    if (!expiry_paused_) delete_expired(entry);
    return nullptr;
  }
  if (!expiry_paused_ && expire_hash_fields(entry)) return nullptr;
  return entry;
}

bool Database::expire_hash_fields(KeyEntry* entry) {
  HashValue* found = hash_of(entry);
  if (found == nullptr || !found->has_due_fields(clock_.now_ms)) return false;
  HashValue& hash = *found;
  const size_t removed = hash.expire_due(clock_.now_ms);
  if (removed == 0) return false;
  stats_.expired_subkeys += removed;
  std::string key(entry->key());
  key_changed(key, kEventHash, "hexpired");
  if (hash.size() > 0) return false;
  remove(key);
  // Redis reports the emptied hash's removal as a separate generic event.
  key_changed(key, kEventGeneric, "del");
  return true;
}

Database::TrackedKey* Database::TrackedKey::create(std::string_view key) {
  auto* k = static_cast<TrackedKey*>(::operator new(sizeof(TrackedKey) + key.size()));
  k->next = nullptr;
  k->length = static_cast<uint32_t>(key.size());
  if (!key.empty()) std::memcpy(k + 1, key.data(), key.size());
  return k;
}

void Database::TrackedKey::destroy(TrackedKey* k) { ::operator delete(k); }

void Database::track_field_expiry(std::string_view key) {
  if (field_expiry_keys_.peek(key) != nullptr) return;
  field_expiry_keys_.insert(TrackedKey::create(key));
}

void Database::track_if_field_deadlines(const KeyEntry* entry) {
  const HashValue* hash = hash_of(entry);
  if (hash != nullptr && hash->has_field_deadlines()) track_field_expiry(entry->key());
}

void Database::clear_field_expiry_registry() {
  field_expiry_keys_.clear([](TrackedKey* k) { TrackedKey::destroy(k); });
  field_expiry_cursor_ = 0;
}

size_t Database::active_expire_fields(int64_t budget_us) {
  // Looking a registered key up is what expires its due fields (see expire_if_needed);
  // the walk only decides which keys to look at and forgets the ones that no longer hold
  // hashes with deadlines. Like active_expire, it stops early once a batch finds little
  // to do, and resumes from its cursor next time.
  constexpr size_t kBatch = 20;
  if (expiry_paused_) return 0;
  constexpr size_t kAcceptableStalePercent = 10;
  const int64_t start = monotonic_us();
  const uint64_t expired_before = stats_.expired_subkeys;
  std::vector<std::string> batch;
  for (size_t rounds = 1; !field_expiry_keys_.empty(); ++rounds) {
    batch.clear();
    do {
      field_expiry_cursor_ = field_expiry_keys_.scan(
          field_expiry_cursor_, [&batch](TrackedKey& k) { batch.emplace_back(k.key()); });
    } while (batch.size() < kBatch && field_expiry_cursor_ != 0);
    size_t hashes_with_due_fields = 0;
    for (const std::string& key : batch) {
      const uint64_t expired_so_far = stats_.expired_subkeys;
      KeyEntry* entry = find(key);
      hashes_with_due_fields += stats_.expired_subkeys != expired_so_far;
      const HashValue* hash = entry == nullptr ? nullptr : hash_of(entry);
      if (hash == nullptr || !hash->has_field_deadlines()) {
        TrackedKey::destroy(field_expiry_keys_.remove(key));
      }
    }
    if (field_expiry_cursor_ == 0) break;  // a full pass per cycle at most
    if (hashes_with_due_fields * 100 <= batch.size() * kAcceptableStalePercent) break;
    if ((rounds & 3) == 0 && monotonic_us() - start >= budget_us) break;
  }
  return static_cast<size_t>(stats_.expired_subkeys - expired_before);
}

void Database::delete_expired(KeyEntry* entry) {
  before_change(entry);
  std::string key(entry->key());
  untrack_volatile(entry);
  keys_.remove(key);
  dispose(entry, EntryDisposer::Reason::Expired);
  ++stats_.expired_keys;
  // Reclaiming an expired key is not a change a save would care about (Redis does not
  // count it in rdb_changes_since_last_save), but everyone else hears of it.
  listener_.on_key_change(KeyChange{index_, key, kEventExpired, "expired"});
}

KeyEntry* Database::find(std::string_view key) {
  KeyEntry* entry = keys_.find(key);
  // Whoever looks a key up may change it in place; a running snapshot takes it first.
  before_change(entry);
  return expire_if_needed(entry);
}

void Database::count_miss(std::string_view key) {
  ++stats_.misses;
  listener_.on_key_event(KeyChange{index_, key, kEventKeyMiss, "keymiss"});
}

KeyEntry* Database::lookup_read(std::string_view key) {
  KeyEntry* entry = find(key);
  if (entry == nullptr) {
    count_miss(key);
    return nullptr;
  }
  ++stats_.hits;
  record_access(*entry, access_, clock_.seconds(), rng_);
  return entry;
}

KeyEntry* Database::lookup_no_touch(std::string_view key) {
  KeyEntry* entry = find(key);
  if (entry != nullptr) {
    ++stats_.hits;
  } else {
    count_miss(key);
  }
  return entry;
}

KeyEntry* Database::lookup_no_notify(std::string_view key) {
  KeyEntry* entry = find(key);
  ++(entry != nullptr ? stats_.hits : stats_.misses);
  return entry;
}

KeyEntry* Database::lookup_write(std::string_view key) {
  KeyEntry* entry = find(key);
  if (entry != nullptr) record_access(*entry, access_, clock_.seconds(), rng_);
  return entry;
}

void Database::insert(KeyEntry* entry) {
  born(entry);
  entry->set_access_clock(clock_.seconds());
  keys_.insert(entry);
  if (entry->has_expiry()) track_volatile(entry);
  track_if_field_deadlines(entry);
  listener_.on_key_event(KeyChange{index_, entry->key(), kEventNew, "new"});
}

void Database::upsert(KeyEntry* entry) {
  KeyEntry* old = keys_.find(entry->key());
  before_change(old);
  if (old == nullptr) {
    insert(entry);
    return;
  }
  replace(old, entry);
}

void Database::replace(KeyEntry* current, KeyEntry* replacement) {
  before_change(current);
  born(replacement);
  if (access_.lfu) {
    // Under LFU an overwritten key keeps its history (its frequency), as in Redis.
    replacement->set_lfu_counter(current->lfu_counter());
    replacement->set_access_clock(current->access_clock());
  } else {
    replacement->set_access_clock(clock_.seconds());
  }
  if (current->has_expiry() && replacement->has_expiry()) {
    uint32_t slot = current->volatile_slot();
    replacement->set_volatile_slot(slot);
    volatile_keys_[slot] = replacement;
  } else {
    if (current->has_expiry()) untrack_volatile(current);
    if (replacement->has_expiry()) track_volatile(replacement);
  }
  keys_.replace(current, replacement);
  dispose(current, EntryDisposer::Reason::Deleted);
  track_if_field_deadlines(replacement);
}

bool Database::remove(std::string_view key, EntryDisposer::Reason reason) {
  KeyEntry* entry = detach(key);
  if (entry == nullptr) return false;
  dispose(entry, reason);
  return true;
}

KeyEntry* Database::detach(std::string_view key) {
  before_change(keys_.find(key));
  KeyEntry* entry = keys_.remove(key);
  if (entry != nullptr && entry->has_expiry()) untrack_volatile(entry);
  return entry;
}

KeyEntry* Database::set_expiry(KeyEntry* entry, int64_t expire_at_ms) {
  bool wants_expiry = expire_at_ms != KeyEntry::kNoExpiry;
  if (entry->has_expiry() && wants_expiry) {
    entry->set_expire_at_ms(expire_at_ms);
    return entry;
  }
  if (!entry->has_expiry() && !wants_expiry) return entry;
  KeyEntry* moved = KeyEntry::relocate(*entry, entry->key(), expire_at_ms);
  replace(entry, moved);
  return moved;
}

void Database::key_changed(std::string_view key, uint32_t event_class, std::string_view event) {
  ++stats_.dirty;
  listener_.on_key_change(KeyChange{index_, key, event_class, event});
}

void Database::key_changed_quietly(std::string_view key, uint32_t event_class, std::string_view event) {
  ++stats_.dirty;
  if (!event.empty()) listener_.on_key_event(KeyChange{index_, key, event_class, event});
}

void Database::wake_waiters(std::string_view key) { listener_.on_key_ready(index_, key); }

void Database::track_volatile(KeyEntry* entry) {
  // Insert at a random position (swap with a random slot) so the list stays shuffled:
  // keys given TTLs together, with deadlines far apart, must not form long runs that
  // make the expiry walk think nothing is due.
  auto slot = static_cast<uint32_t>(volatile_keys_.size());
  volatile_keys_.push_back(entry);
  auto other = static_cast<uint32_t>(rng_() % volatile_keys_.size());
  KeyEntry* displaced = volatile_keys_[other];
  volatile_keys_[other] = entry;
  volatile_keys_[slot] = displaced;
  displaced->set_volatile_slot(slot);
  entry->set_volatile_slot(other);
}

void Database::untrack_volatile(KeyEntry* entry) {
  uint32_t slot = entry->volatile_slot();
  KeyEntry* last = volatile_keys_.back();
  volatile_keys_[slot] = last;
  last->set_volatile_slot(slot);
  volatile_keys_.pop_back();
}

size_t Database::active_expire(int64_t budget_us, ExpireTally* tally, int effort) {
  // Walk the TTL list in batches of 20 from where the last cycle stopped, and keep going
  // only while a good share of each batch had expired and the time budget lasts, like
  // Redis's slow cycle. The list is kept in random order (see track_volatile), so a batch
  // is a fair sample of what is left; and because the walk moves on instead of
  // re-sampling, a pass over due keys cleans everything it passes.
  // Effort 1 is Redis's defaults: batches of 20 keys, stop when at most 10% expired; each
  // step of effort adds a quarter batch and tolerates one point less.
  const size_t extra_effort = static_cast<size_t>(std::clamp(effort, 1, 10) - 1);
  const size_t kBatch = 20 + 20 / 4 * extra_effort;
  const size_t kAcceptableStalePercent = 10 - extra_effort;
  if (expiry_paused_) return 0;
  int64_t start = monotonic_us();
  size_t removed = 0;
  size_t sampled = 0;
  bool out_of_time = false;
  for (size_t batches = 1; !volatile_keys_.empty(); ++batches) {
    size_t checked = 0;
    size_t expired = 0;
    for (; checked < kBatch && checked < volatile_keys_.size(); ++checked) {
      if (expire_cursor_ >= volatile_keys_.size()) expire_cursor_ = 0;
      KeyEntry* entry = volatile_keys_[expire_cursor_];
      if (is_expired(*entry)) {
        // The last key moves into this slot; it is looked at next.
        delete_expired(entry);
        ++expired;
      } else {
        ++expire_cursor_;
      }
    }
    removed += expired;
    sampled += checked;
    if (expired * 100 <= checked * kAcceptableStalePercent) break;
    if ((batches & 15) == 0 && monotonic_us() - start >= budget_us) {
      out_of_time = true;
      break;
    }
  }
  if (tally != nullptr) {
    tally->sampled += sampled;
    tally->expired += removed;
    tally->out_of_time |= out_of_time;
  }
  return removed;
}

KeyEntry* Database::random_key() {
  // Expired keys found by sampling are reclaimed on the way, as Redis does; each miss
  // removes a key, so this ends.
  for (int tries = 1;; ++tries) {
    KeyEntry* entry = keys_.fair_random_node(rng_);
    if (entry == nullptr) return nullptr;
    if (!is_expired(*entry)) return entry;
    if (!expiry_paused_) {
      delete_expired(entry);
    } else if (tries >= 100) {
      // Nothing may be removed now, and every key tried was expired: as a Redis replica
      // does, give up looking and return one.
      return entry;
    }
  }
}

size_t Database::sample_for_eviction(KeyEntry** out, size_t count, bool volatile_only) {
  if (!volatile_only) return keys_.sample(out, count, rng_);
  size_t total = volatile_keys_.size();
  if (total == 0) return 0;
  // The TTL list is in random order already: a run from a random start is a fair sample.
  count = std::min(count, total);
  size_t start = std::uniform_int_distribution<size_t>(0, total - 1)(rng_);
  for (size_t i = 0; i < count; ++i) out[i] = volatile_keys_[(start + i) % total];
  return count;
}

KeyEntry* Database::random_for_eviction(bool volatile_only) {
  if (!volatile_only) return keys_.random_node(rng_);
  if (volatile_keys_.empty()) return nullptr;
  return volatile_keys_[std::uniform_int_distribution<size_t>(0, volatile_keys_.size() - 1)(rng_)];
}

KeyEntry* Database::peek(std::string_view key, bool volatile_only) {
  KeyEntry* entry = keys_.find(key);
  return entry != nullptr && (!volatile_only || entry->has_expiry()) ? entry : nullptr;
}

void Database::dispose(KeyEntry* entry, EntryDisposer::Reason reason) {
  if (disposer_ != nullptr) {
    disposer_->dispose(entry, reason);
  } else {
    KeyEntry::destroy(entry);
  }
}

void Database::evict(KeyEntry* entry) {
  before_change(entry);
  std::string key(entry->key());
  if (entry->has_expiry()) untrack_volatile(entry);
  keys_.remove(key);
  dispose(entry, EntryDisposer::Reason::Evicted);
  listener_.on_key_change(KeyChange{index_, key, kEventEvicted, "evicted"});
}

std::unique_ptr<DetachedKeys> Database::detach_all() {
  capture_everything();
  auto detached = std::make_unique<DetachedKeys>();
  detached->table = std::move(keys_);
  keys_ = KeyTable();
  volatile_keys_.clear();
  expire_cursor_ = 0;
  clear_field_expiry_registry();
  return detached;
}

void Database::swap_contents(Database& other) {
  // A running snapshot keeps each database's keys under its own number.
  capture_everything();
  other.capture_everything();
  std::swap(keys_, other.keys_);
  std::swap(volatile_keys_, other.volatile_keys_);
  std::swap(expire_cursor_, other.expire_cursor_);
  field_expiry_keys_.swap(other.field_expiry_keys_);
  std::swap(field_expiry_cursor_, other.field_expiry_cursor_);
}

void Database::begin_snapshot(SnapshotCapture* capture) {
  snapshot_mark_ = !snapshot_mark_;
  capture_ = capture;
}

void Database::capture_everything() {
  if (capture_ == nullptr) return;
  keys_.for_each([this](KeyEntry& entry) { before_change(&entry); });
}

void Database::mark_everything_captured() {
  keys_.for_each([this](KeyEntry& entry) { entry.set_snapshot_mark(snapshot_mark_); });
}

bool Database::load(KeyEntry* entry) {
  born(entry);
  entry->set_access_clock(clock_.seconds());
  if (keys_.insert(entry) != nullptr) return false;  // the key exists: not taken
  if (entry->has_expiry()) track_volatile(entry);
  track_if_field_deadlines(entry);
  return true;
}

}  // namespace corvid
