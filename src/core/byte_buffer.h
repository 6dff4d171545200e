#pragma once
// A growable byte buffer whose free space is not initialised. Socket reads go straight
// into its spare capacity; std::string would zero every byte it grows by first, which on
// the request path costs a 16KB memset per read.

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace corvid {

class ByteBuffer {
 public:
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view(size_t from = 0) const { return {data_.get() + from, size_ - from}; }

  // Makes room for at least `bytes` more and returns where they go (uninitialised).
  char* prepare(size_t bytes) {
    if (capacity_ - size_ < bytes) grow(size_ + bytes);
    return data_.get() + size_;
  }
  // Takes `bytes` written after a prepare() as part of the contents.
  void commit(size_t bytes) { size_ += bytes; }
  // Room for exactly `total` bytes, without prepare()'s headroom: for a caller that knows
  // how much is coming.
  void reserve(size_t total) {
    if (total > capacity_) resize(total);
  }
  // Drops the first `bytes` (already consumed) and moves the rest to the front.
  void discard_front(size_t bytes) {
    std::memmove(data_.get(), data_.get() + bytes, size_ - bytes);
    size_ -= bytes;
  }
  // Empties the buffer, giving memory back if it grew past `keep_capacity`.
  void clear(size_t keep_capacity) {
    size_ = 0;
    if (capacity_ > keep_capacity) {
      data_.reset();
      capacity_ = 0;
    }
  }

 private:
  void grow(size_t needed) { resize(std::max(needed, capacity_ + capacity_ / 2)); }
  void resize(size_t target) {
    auto bigger = std::make_unique_for_overwrite<char[]>(target);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = target;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace corvid
