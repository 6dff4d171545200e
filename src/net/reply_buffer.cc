#include "net/reply_buffer.h"

#include <malloc.h>
#include <sys/uio.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace corvid {

namespace {

// malloc that reports the usable size it really gave, as Redis's zmalloc_usable does:
// the slack of the allocator's size class is used rather than wasted.
char* allocate(size_t bytes, size_t* usable) {
  void* memory = std::malloc(bytes);
  if (memory == nullptr) throw std::bad_alloc();
  *usable = malloc_usable_size(memory);
  return static_cast<char*>(memory);
}

}  // namespace

// The peak starts at the full size, so a new client keeps its buffer at least until the
// first peak reset (Redis 7 does the same).
ReplyBuffer::ReplyBuffer() {
  buffer_ = allocate(kDefaultSize, &capacity_);
  peak_ = capacity_;
  place_cursor();
}

ReplyBuffer::~ReplyBuffer() {
  clear();
  std::free(buffer_);
}

void ReplyBuffer::sync() const {
  if (head_ == nullptr) {
    used_ = static_cast<size_t>(cursor_ - buffer_);
    if (used_ > peak_) peak_ = used_;
  } else {
    tail_->used = static_cast<size_t>(cursor_ - tail_->data());
  }
}

void ReplyBuffer::place_cursor() {
  if (head_ == nullptr) {
    cursor_ = buffer_ + used_;
    limit_ = buffer_ + capacity_;
  } else {
    cursor_ = tail_->data() + tail_->used;
    limit_ = tail_->data() + tail_->size;
  }
}

void ReplyBuffer::append_overflow(const char* data, size_t n) {
  sync();
  end_ += n;
  if (head_ == nullptr) {
    // The fixed buffer takes what fits; the rest starts the list.
    size_t fits = std::min(n, capacity_ - used_);
    std::memcpy(buffer_ + used_, data, fits);
    used_ += fits;
    if (used_ > peak_) peak_ = used_;
    data += fits;
    n -= fits;
  } else if (tail_->used < tail_->size) {
    size_t fits = std::min(n, tail_->size - tail_->used);
    std::memcpy(tail_->data() + tail_->used, data, fits);
    tail_->used += fits;
    data += fits;
    n -= fits;
  }
  if (n == 0) {
    place_cursor();
    return;
  }
  size_t usable = 0;
  char* memory = allocate(sizeof(Block) + std::max(n, kBlockSize - sizeof(Block)), &usable);
  Block* block = new (memory) Block{nullptr, usable - sizeof(Block), n};
  std::memcpy(block->data(), data, n);
  if (tail_ != nullptr) {
    tail_->next = block;
  } else {
    head_ = block;
  }
  tail_ = block;
  ++block_count_;
  block_memory_ += usable;
  place_cursor();
}

void ReplyBuffer::free_block(Block* block) {
  --block_count_;
  block_memory_ -= sizeof(Block) + block->size;
  std::free(block);
}

void ReplyBuffer::truncate(uint64_t mark) {
  if (mark >= end_ || mark < sent_) return;
  sync();
  uint64_t position = sent_ + (used_ - buffer_sent_);  // where the blocks start
  Block* keep = nullptr;  // the last block still holding something
  if (mark <= position) {
    used_ = buffer_sent_ + static_cast<size_t>(mark - sent_);
  } else {
    for (Block* b = head_; b != nullptr; b = b->next) {
      const size_t start = b == head_ ? head_sent_ : 0;
      const size_t unsent = b->used - start;
      if (mark <= position + unsent) {
        b->used = start + static_cast<size_t>(mark - position);
        keep = b;
        break;
      }
      position += unsent;
    }
  }
  // Blocks after `keep` (all of them when the cut is in the fixed buffer) go; so does
  // `keep` itself if nothing of it is left to send.
  Block* first_dropped = keep != nullptr ? keep->next : head_;
  if (keep != nullptr && keep->used == (keep == head_ ? head_sent_ : 0)) {
    // Nothing unsent left in it: drop it too, unless earlier blocks exist (then the
    // previous one becomes the tail; finding it means walking from the head).
    Block* previous = nullptr;
    for (Block* b = head_; b != keep; b = b->next) previous = b;
    first_dropped = keep;
    keep = previous;
  }
  for (Block* b = first_dropped; b != nullptr;) {
    Block* next = b->next;
    free_block(b);
    b = next;
  }
  if (keep != nullptr) {
    keep->next = nullptr;
    tail_ = keep;
  } else {
    head_ = tail_ = nullptr;
    head_sent_ = 0;
  }
  end_ = mark;
  place_cursor();
}

void ReplyBuffer::clear() {
  sync();
  for (Block* b = head_; b != nullptr;) {
    Block* next = b->next;
    free_block(b);
    b = next;
  }
  head_ = tail_ = nullptr;
  head_sent_ = 0;
  used_ = buffer_sent_ = 0;
  sent_ = end_;
  place_cursor();
}

int ReplyBuffer::gather(iovec* iov, int max) const {
  sync();
  int count = 0;
  if (used_ > buffer_sent_ && count < max) {
    iov[count++] = {buffer_ + buffer_sent_, used_ - buffer_sent_};
  }
  for (Block* b = head_; b != nullptr && count < max; b = b->next) {
    const size_t start = b == head_ ? head_sent_ : 0;
    if (b->used > start) iov[count++] = {b->data() + start, b->used - start};
  }
  return count;
}

void ReplyBuffer::consume(size_t n) {
  sync();
  sent_ += n;
  size_t from_buffer = std::min(n, used_ - buffer_sent_);
  buffer_sent_ += from_buffer;
  n -= from_buffer;
  if (buffer_sent_ == used_) used_ = buffer_sent_ = 0;
  while (head_ != nullptr) {
    size_t unsent = head_->used - head_sent_;
    if (n < unsent) {
      head_sent_ += n;
      break;
    }
    n -= unsent;
    Block* next = head_->next;
    free_block(head_);
    head_ = next;
    head_sent_ = 0;
  }
  if (head_ == nullptr) tail_ = nullptr;
  place_cursor();
}

std::string_view ReplyBuffer::contiguous() {
  sync();
  if (head_ == nullptr) return {buffer_ + buffer_sent_, used_ - buffer_sent_};
  joined_.assign(buffer_ + buffer_sent_, used_ - buffer_sent_);
  for (Block* b = head_; b != nullptr; b = b->next) {
    const size_t start = b == head_ ? head_sent_ : 0;
    joined_.append(b->data() + start, b->used - start);
  }
  return joined_;
}

void ReplyBuffer::reallocate(size_t size) {
  size_t usable = 0;
  char* bigger = allocate(size, &usable);
  std::memcpy(bigger, buffer_, used_);
  std::free(buffer_);
  buffer_ = bigger;
  capacity_ = usable;
}

ReplyBuffer::Resize ReplyBuffer::resize_for_peak(int64_t now_ms, int64_t peak_reset_ms, bool resizing_enabled) {
  if (!resizing_enabled) return Resize::None;
  sync();
  Resize resize = Resize::None;
  size_t size = 0;
  if (capacity_ / 2 >= kMinSize && peak_ < capacity_ / 2) {
    size = std::max(kMinSize, peak_ + 1);
    resize = Resize::Shrunk;
  } else if (capacity_ * 2 < kDefaultSize * 2 && peak_ == capacity_) {
    size = std::min(kDefaultSize, capacity_ * 2);
    resize = Resize::Expanded;
  }
  if (peak_reset_ms >= 0 && now_ms - peak_reset_at_ms_ >= peak_reset_ms) {
    peak_ = used_;
    peak_reset_at_ms_ = now_ms;
  }
  if (resize != Resize::None) reallocate(size);
  place_cursor();
  return resize;
}

}  // namespace corvid
