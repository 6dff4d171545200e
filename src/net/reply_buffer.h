#pragma once
// A client's output, held as Redis 7 holds it: a fixed buffer, whose size follows the
// client's peak use, and behind it a list of blocks for what does not fit. Replies go to
// the fixed buffer while the list is empty; once a reply overflows, everything after it
// goes to blocks (at least kBlockSize each) until they have all been sent.
//
// Positions given out by end() and taken by truncate() count every byte ever appended,
// so they stay valid across partial sends.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

struct iovec;

namespace corvid {

class ReplyBuffer {
 public:
  // The fixed buffer starts at kDefaultSize, never grows past it and never shrinks
  // below kMinSize (Redis's PROTO_REPLY_CHUNK_BYTES and PROTO_REPLY_MIN_BYTES).
  static constexpr size_t kDefaultSize = 16 * 1024;
  static constexpr size_t kMinSize = 1024;
  // An overflow block's allocation, unless one reply needs more.
  static constexpr size_t kBlockSize = 16 * 1024;

  ReplyBuffer();
  ~ReplyBuffer();
  ReplyBuffer(const ReplyBuffer&) = delete;
  ReplyBuffer& operator=(const ReplyBuffer&) = delete;

  // The hot path: bytes go where the cursor is (the fixed buffer, or the last block
  // once there are blocks) while they fit.
  void append(const char* data, size_t n) {
    if (static_cast<size_t>(limit_ - cursor_) >= n) {
      std::memcpy(cursor_, data, n);
      cursor_ += n;
      end_ += n;
      return;
    }
    append_overflow(data, n);
  }
  void append(std::string_view s) {
    if (!s.empty()) append(s.data(), s.size());  // an empty view's data may be null
  }
  void push_back(char c) { append(&c, 1); }

  // Bytes appended so far (a position for truncate()), and those not yet sent.
  uint64_t end() const { return end_; }
  size_t pending() const { return static_cast<size_t>(end_ - sent_); }
  // Drops the unsent output after position `mark` (CLIENT REPLY OFF/SKIP).
  void truncate(uint64_t mark);
  // Drops everything.
  void clear();

  // Fills `iov` (up to `max`) with the unsent pieces, in order; returns how many.
  int gather(iovec* iov, int max) const;
  // Marks `n` bytes as sent, freeing the blocks that are done.
  void consume(size_t n);
  // Everything unsent in one piece (copied together when blocks exist); valid until
  // the next change.
  std::string_view contiguous();

  // What CLIENT LIST shows: the fixed buffer's size (rbs), its peak use (rbp), the bytes
  // in it (obl), the blocks (oll) and the memory they hold (omem).
  size_t buffer_size() const { return capacity_; }
  size_t peak() const {
    sync();
    return peak_;
  }
  size_t buffer_used() const {
    sync();
    return used_;
  }
  size_t block_count() const { return block_count_; }
  size_t block_memory() const { return block_memory_; }
  size_t memory() const { return capacity_ + block_memory_; }

  // The periodic resize, by Redis 7's rules: shrink to max(kMinSize, peak + 1) when
  // the peak stayed under half the size (and half is at least kMinSize); double, up to
  // kDefaultSize, when the peak filled the buffer. Afterwards the peak restarts from the
  // current use once `peak_reset_ms` (>= 0) has passed since it last did.
  enum class Resize { None, Shrunk, Expanded };
  Resize resize_for_peak(int64_t now_ms, int64_t peak_reset_ms, bool resizing_enabled);
  void set_peak_reset_time(int64_t now_ms) { peak_reset_at_ms_ = now_ms; }

 private:
  struct Block {
    Block* next;
    size_t size;
    size_t used;
    char* data() { return reinterpret_cast<char*>(this + 1); }
  };

  void append_overflow(const char* data, size_t n);
  // Appends move only the cursor: sync() writes it back into the counts (and the peak)
  // before anything reads or changes them; place_cursor() puts it back afterwards.
  void sync() const;
  void place_cursor();
  void reallocate(size_t size);
  void free_block(Block* block);

  char* buffer_ = nullptr;
  size_t capacity_ = 0;
  char* cursor_ = nullptr;  // where the next byte goes
  char* limit_ = nullptr;   // the end of the space there
  mutable size_t used_ = 0;  // bytes in the fixed buffer
  size_t buffer_sent_ = 0;   // of which sent
  mutable size_t peak_ = 0;
  int64_t peak_reset_at_ms_ = 0;

  Block* head_ = nullptr;
  Block* tail_ = nullptr;
  size_t head_sent_ = 0;  // bytes of the head block already sent
  size_t block_count_ = 0;
  size_t block_memory_ = 0;

  uint64_t end_ = 0;
  uint64_t sent_ = 0;
  std::string joined_;  // contiguous()'s copy
};

}  // namespace corvid
