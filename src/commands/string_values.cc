#include "commands/string_values.h"

#include <cstring>

#include "core/number_format.h"
#include "server/server.h"

namespace corvid {

bool string_or_absent(CommandContext& ctx, const KeyEntry* entry) {
  if (entry == nullptr || entry->type() == ValueType::String) return true;
  ctx.reply.error(errors::kWrongType);
  return false;
}

bool length_allowed(CommandContext& ctx, uint64_t current, uint64_t added) {
  uint64_t total = current + added;
  if (total >= current && total <= ctx.server.config().proto_max_bulk_len) return true;
  ctx.reply.error(kStringTooLong);
  return false;
}

// Puts `value` under `key` as SET does (the TTL becomes `deadline`), where `existing` is
// what a lookup just found there. Overwriting an int with an int, or a raw buffer with a
// value that fits it snugly, reuses the entry: the common benchmark case of SET/INCR on
// hot keys then allocates nothing.
void store_string(Database& db, KeyEntry* existing, std::string_view key, std::string_view value,
                  int64_t deadline) {
  if (existing != nullptr && existing->type() == ValueType::String &&
      existing->has_expiry() == (deadline != KeyEntry::kNoExpiry)) {
    if (existing->is_int() && value.size() <= 20) {
      if (auto number = parse_int64(value)) {
        existing->set_int_value(*number);
        db.set_expiry(existing, deadline);
        return;
      }
    } else if (existing->encoding() == Encoding::Raw && value.size() > KeyEntry::kEmbstrMaxLength) {
      RawString* raw = existing->raw_string();
      // Only when little would be wasted: a value much smaller than the buffer gets an
      // exact one, as Redis's fresh object would.
      if (raw->capacity >= value.size() && raw->capacity / 2 <= value.size()) {
        std::memcpy(raw->data(), value.data(), value.size());
        raw->length = value.size();
        db.set_expiry(existing, deadline);
        return;
      }
    }
  }
  KeyEntry* entry = KeyEntry::create_string(key, value, deadline);
  if (existing != nullptr) {
    db.replace(existing, entry);
  } else {
    db.insert(entry);
  }
}

namespace {

// Like Redis's sds: double small buffers, grow large ones by 1MB, so that repeated
// APPEND/SETRANGE are amortised O(1).
size_t grown_capacity(size_t needed) {
  constexpr size_t kStepLimit = 1024 * 1024;
  return needed < kStepLimit ? needed * 2 : needed + kStepLimit;
}

}  // namespace

KeyEntry* make_raw(Database& db, KeyEntry* entry, size_t needed) {
  if (entry->encoding() == Encoding::Raw) {
    RawString* raw = entry->raw_string();
    if (raw->capacity < needed) entry->replace_raw_string(RawString::create(raw->view(), grown_capacity(needed)));
    return entry;
  }
  char scratch[24];
  std::string_view current = entry->string_value(scratch);
  RawString* raw = RawString::create(current, needed > current.size() ? grown_capacity(needed) : current.size());
  if (entry->encoding() == Encoding::Int) {
    entry->replace_raw_string(raw);
    return entry;
  }
  // An embstr keeps its bytes inside the entry; a raw entry without them is smaller.
  KeyEntry* moved = KeyEntry::create_raw(entry->key(), raw, entry->expire_at_ms());
  moved->set_lfu_counter(entry->lfu_counter());
  db.replace(entry, moved);
  return moved;
}

RawString* writable_string(Database& db, std::string_view key, KeyEntry* entry, size_t length) {
  if (entry == nullptr) {
    RawString* raw = RawString::create({}, length);
    std::memset(raw->data(), 0, length);
    raw->length = length;
    db.insert(KeyEntry::create_raw(key, raw, KeyEntry::kNoExpiry));
    return raw;
  }
  entry = make_raw(db, entry, length);
  RawString* raw = entry->raw_string();
  if (raw->length < length) {
    std::memset(raw->data() + raw->length, 0, length - raw->length);
    raw->length = length;
  }
  return raw;
}

}  // namespace corvid
