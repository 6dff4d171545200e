#include "db/database.h"

#include <algorithm>
#include <ctime>

namespace corvid {

namespace {

int64_t monotonic_us() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace

Database::Database(int index, const Clock& clock, KeyspaceStats& stats, KeyChangeListener& listener)
    : index_(index), clock_(clock), stats_(stats), listener_(listener), rng_(std::random_device{}()) {}

Database::~Database() {
  keys_.clear([](KeyEntry* e) { KeyEntry::destroy(e); });
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
  if (entry == nullptr || !is_expired(*entry)) return entry;
  delete_expired(entry);
  return nullptr;
}

void Database::delete_expired(KeyEntry* entry) {
  std::string key(entry->key());
  untrack_volatile(entry);
  keys_.remove(key);
  KeyEntry::destroy(entry);
  ++stats_.expired_keys;
  // Reclaiming an expired key is not a change a save would care about (Redis does not
  // count it in rdb_changes_since_last_save), but everyone else hears of it.
  listener_.on_key_change(KeyChange{index_, key, kEventExpired, "expired"});
}

KeyEntry* Database::find(std::string_view key) { return expire_if_needed(keys_.find(key)); }

KeyEntry* Database::lookup_read(std::string_view key) {
  KeyEntry* entry = find(key);
  if (entry == nullptr) {
    ++stats_.misses;
    return nullptr;
  }
  ++stats_.hits;
  entry->set_access_clock(clock_.seconds());
  return entry;
}

KeyEntry* Database::lookup_no_touch(std::string_view key) {
  KeyEntry* entry = find(key);
  ++(entry != nullptr ? stats_.hits : stats_.misses);
  return entry;
}

KeyEntry* Database::lookup_write(std::string_view key) {
  KeyEntry* entry = find(key);
  if (entry != nullptr) entry->set_access_clock(clock_.seconds());
  return entry;
}

void Database::insert(KeyEntry* entry) {
  entry->set_access_clock(clock_.seconds());
  keys_.insert(entry);
  if (entry->has_expiry()) track_volatile(entry);
}

void Database::upsert(KeyEntry* entry) {
  KeyEntry* old = keys_.find(entry->key());
  if (old == nullptr) {
    insert(entry);
    return;
  }
  replace(old, entry);
}

void Database::replace(KeyEntry* current, KeyEntry* replacement) {
  replacement->set_access_clock(clock_.seconds());
  if (current->has_expiry() && replacement->has_expiry()) {
    uint32_t slot = current->volatile_slot();
    replacement->set_volatile_slot(slot);
    volatile_keys_[slot] = replacement;
  } else {
    if (current->has_expiry()) untrack_volatile(current);
    if (replacement->has_expiry()) track_volatile(replacement);
  }
  keys_.replace(current, replacement);
  KeyEntry::destroy(current);
}

bool Database::remove(std::string_view key) {
  KeyEntry* entry = detach(key);
  if (entry == nullptr) return false;
  KeyEntry::destroy(entry);
  return true;
}

KeyEntry* Database::detach(std::string_view key) {
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

size_t Database::active_expire(int64_t budget_us) {
  // Walk the TTL list in batches of 20 from where the last cycle stopped, and keep going
  // only while a good share of each batch had expired and the time budget lasts, like
  // Redis's slow cycle. The list is kept in random order (see track_volatile), so a batch
  // is a fair sample of what is left; and because the walk moves on instead of
  // re-sampling, a pass over due keys cleans everything it passes.
  constexpr size_t kBatch = 20;
  constexpr size_t kAcceptableStalePercent = 10;
  int64_t start = monotonic_us();
  size_t removed = 0;
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
    if (expired * 100 <= checked * kAcceptableStalePercent) break;
    if ((batches & 15) == 0 && monotonic_us() - start >= budget_us) break;
  }
  return removed;
}

KeyEntry* Database::random_key() {
  // Expired keys found by sampling are reclaimed on the way, as Redis does; each miss
  // removes a key, so this ends.
  for (;;) {
    KeyEntry* entry = keys_.random_node(rng_);
    if (entry == nullptr) return nullptr;
    if (!is_expired(*entry)) return entry;
    delete_expired(entry);
  }
}

std::unique_ptr<DetachedKeys> Database::detach_all() {
  auto detached = std::make_unique<DetachedKeys>();
  detached->table = std::move(keys_);
  keys_ = KeyTable();
  volatile_keys_.clear();
  expire_cursor_ = 0;
  return detached;
}

void Database::swap_contents(Database& other) {
  std::swap(keys_, other.keys_);
  std::swap(volatile_keys_, other.volatile_keys_);
  std::swap(expire_cursor_, other.expire_cursor_);
}

}  // namespace corvid
