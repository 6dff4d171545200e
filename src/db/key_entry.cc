#include "db/key_entry.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "core/number_format.h"

namespace corvid {

RawString* RawString::create(std::string_view content, size_t capacity) {
  if (capacity < content.size()) capacity = content.size();
  void* block = std::malloc(sizeof(RawString) + capacity);
  if (block == nullptr) throw std::bad_alloc();
  auto* s = static_cast<RawString*>(block);
  s->length = content.size();
  s->capacity = capacity;
  if (!content.empty()) std::memcpy(s->data(), content.data(), content.size());
  return s;
}

void RawString::destroy(RawString* s) { std::free(s); }

KeyEntry* KeyEntry::allocate(std::string_view key, size_t inline_bytes, bool with_expiry,
                             int64_t expire_at_ms) {
  size_t header = sizeof(KeyEntry) + (with_expiry ? sizeof(ExpiryBlock) : 0);
  void* block = std::malloc(header + key.size() + inline_bytes);
  if (block == nullptr) throw std::bad_alloc();
  auto* e = static_cast<KeyEntry*>(block);
  e->next_ = nullptr;
  e->key_length_ = static_cast<uint32_t>(key.size());
  e->inline_length_ = static_cast<uint32_t>(inline_bytes);
  e->access_clock_ = 0;
  e->type_ = ValueType::String;
  e->encoding_ = Encoding::Embstr;
  e->lfu_counter_ = kLfuInitialCounter;
  e->has_expiry_ = with_expiry;
  e->snapshot_mark_ = false;
  e->own_integer_ = false;
  e->value_.integer = 0;
  if (with_expiry) {
    e->expiry_block()->expire_at_ms = expire_at_ms;
    e->expiry_block()->volatile_slot = 0;
    e->expiry_block()->reserved = 0;
  }
  if (!key.empty()) std::memcpy(const_cast<char*>(e->key_data()), key.data(), key.size());
  return e;
}

KeyEntry* KeyEntry::create_string(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  if (value.size() <= 20) {
    if (auto number = parse_int64(value)) return create_int(key, *number, expire_at_ms);
  }
  return create_text(key, value, expire_at_ms);
}

KeyEntry* KeyEntry::create_text(std::string_view key, std::string_view value, int64_t expire_at_ms) {
  bool with_expiry = expire_at_ms != kNoExpiry;
  if (value.size() <= kEmbstrMaxLength) {
    KeyEntry* e = allocate(key, value.size(), with_expiry, expire_at_ms);
    if (!value.empty()) std::memcpy(e->inline_data(), value.data(), value.size());
    return e;
  }
  KeyEntry* e = allocate(key, 0, with_expiry, expire_at_ms);
  e->encoding_ = Encoding::Raw;
  e->value_.raw = RawString::create(value, value.size());
  return e;
}

KeyEntry* KeyEntry::create_int(std::string_view key, int64_t value, int64_t expire_at_ms) {
  KeyEntry* e = allocate(key, 0, expire_at_ms != kNoExpiry, expire_at_ms);
  e->encoding_ = Encoding::Int;
  e->value_.integer = value;
  return e;
}

KeyEntry* KeyEntry::create_raw(std::string_view key, RawString* value, int64_t expire_at_ms) {
  KeyEntry* e = allocate(key, 0, expire_at_ms != kNoExpiry, expire_at_ms);
  e->encoding_ = Encoding::Raw;
  e->value_.raw = value;
  return e;
}

KeyEntry* KeyEntry::create_object(std::string_view key, ValueType type, std::unique_ptr<ValueObject> object,
                                  int64_t expire_at_ms) {
  KeyEntry* e = allocate(key, 0, expire_at_ms != kNoExpiry, expire_at_ms);
  e->type_ = type;
  e->value_.object = object.release();
  return e;
}

KeyEntry* KeyEntry::copy_header(const KeyEntry& source, std::string_view key, int64_t expire_at_ms) {
  KeyEntry* e = allocate(key, source.inline_length_, expire_at_ms != kNoExpiry, expire_at_ms);
  e->type_ = source.type_;
  e->encoding_ = source.encoding_;
  e->access_clock_ = source.access_clock_;
  e->lfu_counter_ = source.lfu_counter_;
  e->own_integer_ = source.own_integer_;
  if (source.inline_length_ > 0) std::memcpy(e->inline_data(), source.inline_data(), source.inline_length_);
  e->value_ = source.value_;
  return e;
}

KeyEntry* KeyEntry::clone(const KeyEntry& source, std::string_view key, int64_t expire_at_ms) {
  KeyEntry* e = copy_header(source, key, expire_at_ms);
  if (source.type_ != ValueType::String) {
    e->value_.object = source.value_.object->clone().release();
  } else if (source.encoding_ == Encoding::Raw) {
    e->value_.raw = RawString::create(source.value_.raw->view(), source.value_.raw->length);
  } else if (source.encoding_ == Encoding::Int) {
    e->own_integer_ = true;  // Redis duplicates the object, shared or not
  }
  return e;
}

KeyEntry* KeyEntry::relocate(KeyEntry& source, std::string_view key, int64_t expire_at_ms) {
  KeyEntry* e = copy_header(source, key, expire_at_ms);
  source.type_ = ValueType::String;
  source.encoding_ = Encoding::Embstr;
  source.inline_length_ = 0;
  source.value_.integer = 0;
  return e;
}

void KeyEntry::destroy(KeyEntry* entry) {
  if (entry == nullptr) return;
  if (entry->type_ != ValueType::String) {
    delete entry->value_.object;
  } else if (entry->encoding_ == Encoding::Raw) {
    RawString::destroy(entry->value_.raw);
  }
  std::free(entry);
}

std::string_view KeyEntry::string_value(char (&scratch)[24]) const {
  if (encoding_ == Encoding::Int) return {scratch, format_int64(value_.integer, scratch)};
  if (encoding_ == Encoding::Raw) return value_.raw->view();
  return {inline_data(), inline_length_};
}

void KeyEntry::replace_raw_string(RawString* value) {
  if (encoding_ == Encoding::Raw) RawString::destroy(value_.raw);
  encoding_ = Encoding::Raw;
  value_.raw = value;
}

size_t KeyEntry::allocated_bytes() const {
  size_t total = malloc_usable_size(const_cast<KeyEntry*>(this));
  if (type_ != ValueType::String) {
    total += value_.object->allocated_bytes();
  } else if (encoding_ == Encoding::Raw) {
    total += malloc_usable_size(value_.raw);
  }
  return total;
}

}  // namespace corvid
