#pragma once
// One key of the keyspace and its value, in a single allocation.
//
// Layout: [header][expiry block, only for keys with a TTL][key bytes][inline value bytes]
// Keeping the key, the TTL and a small string value in the same block as the hash
// chain link is what makes a key cost less memory than in Redis (one allocation per
// key instead of a dict entry, a key sds and a value object). Changing whether a key
// has a TTL, or growing an inline value, reallocates the entry; the Database swaps the
// new block into the hash table in place.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "db/value_object.h"

namespace corvid {

enum class ValueType : uint8_t { String, List, Set, ZSet, Hash, Stream };

// A string value stored outside the entry: large values, and values that commands
// grow in place (APPEND, SETRANGE), which get spare capacity like Redis's sds.
struct RawString {
  size_t length;
  size_t capacity;
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view view() const { return {data(), length}; }

  static RawString* create(std::string_view content, size_t capacity);
  static void destroy(RawString* s);
};

// A new key's LFU counter (Redis's LFU_INIT_VAL): new keys are not evicted at once.
inline constexpr uint8_t kLfuInitialCounter = 5;

class KeyEntry {
 public:
  static constexpr int64_t kNoExpiry = -1;
  // Redis keeps strings up to 44 bytes next to their object header ("embstr").
  static constexpr size_t kEmbstrMaxLength = 44;

  // Builds a string entry with the encoding Redis would choose for `value`
  // (int when it is a canonical 64-bit integer, embstr up to 44 bytes, else raw).
  static KeyEntry* create_string(std::string_view key, std::string_view value, int64_t expire_at_ms);
  // embstr or raw even when the value looks like an integer: what INCRBYFLOAT stores.
  static KeyEntry* create_text(std::string_view key, std::string_view value, int64_t expire_at_ms);
  static KeyEntry* create_int(std::string_view key, int64_t value, int64_t expire_at_ms);
  // Always "raw": what APPEND and SETRANGE produce in Redis. Reserves spare capacity.
  static KeyEntry* create_raw(std::string_view key, RawString* value, int64_t expire_at_ms);
  // A collection value: the entry takes ownership of `object`.
  static KeyEntry* create_object(std::string_view key, ValueType type, std::unique_ptr<ValueObject> object,
                                 int64_t expire_at_ms);
  static void destroy(KeyEntry* entry);
  // A new entry (possibly another key or expiry) that takes over `source`'s value without
  // copying it: `source` is left holding an empty string, to be destroyed by the caller.
  // O(1) whatever the value's size (EXPIRE, PERSIST, RENAME).
  static KeyEntry* relocate(KeyEntry& source, std::string_view key, int64_t expire_at_ms);
  // A copy of the whole entry under a (possibly) different key and expiry; for COPY.
  static KeyEntry* clone(const KeyEntry& source, std::string_view key, int64_t expire_at_ms);

  std::string_view key() const { return {key_data(), key_length_}; }
  ValueType type() const { return type_; }
  Encoding encoding() const { return type_ == ValueType::String ? encoding_ : value_.object->encoding(); }

  bool has_expiry() const { return has_expiry_; }
  int64_t expire_at_ms() const { return has_expiry_ ? expiry_block()->expire_at_ms : kNoExpiry; }
  // Only for entries created with an expiry; changing presence needs a new entry.
  void set_expire_at_ms(int64_t when) { expiry_block()->expire_at_ms = when; }
  // Position in the database's list of keys with a TTL (for active expiry).
  uint32_t volatile_slot() const { return expiry_block()->volatile_slot; }
  void set_volatile_slot(uint32_t slot) { expiry_block()->volatile_slot = slot; }

  // String values (type() == String only). `scratch` holds the digits of an int-encoded value.
  std::string_view string_value(char (&scratch)[24]) const;
  bool is_int() const { return encoding_ == Encoding::Int; }
  int64_t int_value() const { return value_.integer; }
  // Mutable raw buffer (only for Encoding::Raw).
  RawString* raw_string() { return value_.raw; }
  // Takes ownership of a new raw buffer, freeing the old one.
  void replace_raw_string(RawString* value);
  // For int-encoded entries: INCR and friends update in place.
  void set_int_value(int64_t value) {
    value_.integer = value;
    own_integer_ = false;
  }
  // An int-encoded value Redis would hold in an object of its own rather than its shared
  // small integer: what COPY makes (OBJECT REFCOUNT then says 1, as in Redis).
  bool has_own_integer() const { return own_integer_; }

  // Collection values (type() != String).
  ValueObject* object() const { return value_.object; }
  template <class T>
  T& object_as() const {
    return *static_cast<T*>(value_.object);
  }
  // See ValueObject::free_effort; a string is one or two allocations.
  size_t free_effort() const { return type_ == ValueType::String ? 1 : value_.object->free_effort(); }

  // Last access time in seconds, and the LFU counter; see db/key_access.h.
  uint32_t access_clock() const { return access_clock_; }
  void set_access_clock(uint32_t clock) { access_clock_ = clock; }
  uint8_t lfu_counter() const { return lfu_counter_; }
  void set_lfu_counter(uint8_t counter) { lfu_counter_ = counter; }

  // Bytes of this entry and what it owns, as the allocator sees it (for MEMORY USAGE).
  size_t allocated_bytes() const;

  // The entry's snapshot mark: equal to its database's current mark once a running
  // snapshot has captured it, or when it was created after the snapshot began.
  bool snapshot_mark() const { return snapshot_mark_; }
  void set_snapshot_mark(bool mark) { snapshot_mark_ = mark; }

  // Hash-table chain link (see KeyEntryTraits).
  KeyEntry* next_in_bucket() const { return next_; }
  void set_next_in_bucket(KeyEntry* next) { next_ = next; }

 private:
  struct ExpiryBlock {
    int64_t expire_at_ms;
    uint32_t volatile_slot;
    uint32_t reserved;
  };

  static KeyEntry* allocate(std::string_view key, size_t inline_bytes, bool with_expiry, int64_t expire_at_ms);
  // A new entry with `source`'s header, inline bytes and value word (shared, not copied).
  static KeyEntry* copy_header(const KeyEntry& source, std::string_view key, int64_t expire_at_ms);
  size_t header_bytes() const { return sizeof(KeyEntry) + (has_expiry_ ? sizeof(ExpiryBlock) : 0); }
  ExpiryBlock* expiry_block() const {
    return reinterpret_cast<ExpiryBlock*>(const_cast<char*>(reinterpret_cast<const char*>(this + 1)));
  }
  const char* key_data() const { return reinterpret_cast<const char*>(this) + header_bytes(); }
  char* inline_data() { return const_cast<char*>(key_data()) + key_length_; }
  const char* inline_data() const { return key_data() + key_length_; }

  KeyEntry* next_;
  uint32_t key_length_;
  uint32_t inline_length_;
  uint32_t access_clock_;
  ValueType type_;
  Encoding encoding_;
  uint8_t lfu_counter_;
  bool has_expiry_ : 1;
  // Which side of a point-in-time snapshot this entry is on (see Database::claim_for_snapshot).
  bool snapshot_mark_ : 1;
  bool own_integer_ : 1;  // see has_own_integer()
  union {
    int64_t integer;
    RawString* raw;
    ValueObject* object;
  } value_;
};

struct KeyEntryTraits {
  static std::string_view key(const KeyEntry& e) { return e.key(); }
  static KeyEntry* next(const KeyEntry& e) { return e.next_in_bucket(); }
  static void set_next(KeyEntry& e, KeyEntry* n) { e.set_next_in_bucket(n); }
};

}  // namespace corvid
