#pragma once
// A sorted set of 64-bit integers in one contiguous heap block: the compact encoding of
// sets whose members are all integers. Every element has the same width, the smallest of
// 2, 4 or 8 bytes that holds them all, so a set of small numbers costs 2 bytes a member.
// Adding a value that does not fit widens every element once; nothing ever narrows
// (removing the wide values would otherwise cost a rewrite to save little).
//
// Block layout (little endian): [width: u32][count: u32][element]...
// Elements are ascending, so lookups are binary searches and iteration is ordered.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace corvid {

// Read-only access to an intset block (or to none: a null block is the empty set).
class IntSetView {
 public:
  static constexpr size_t kHeaderSize = 8;

  explicit IntSetView(const uint8_t* block = nullptr) : data_(block) {}

  size_t size() const;
  bool empty() const { return size() == 0; }
  // Bytes per element: 2, 4 or 8.
  size_t width() const;
  // Block length; an empty set reports its header even before allocating it.
  size_t bytes() const { return kHeaderSize + size() * width(); }
  // The serialized form (the block itself).
  std::string_view raw() const;

  bool contains(int64_t value) const;
  // The i-th smallest element; i < size().
  int64_t at(size_t i) const;
  int64_t min() const { return at(0); }
  int64_t max() const { return at(size() - 1); }

  // Where `value` is, or where it would be inserted to keep the order.
  struct Search {
    size_t index;
    bool found;
  };
  Search search(int64_t value) const;

 private:
  const uint8_t* data_;
};

// An owned intset block.
class IntSet {
 public:
  static constexpr size_t kHeaderSize = IntSetView::kHeaderSize;

  IntSet() = default;
  ~IntSet();
  IntSet(IntSet&& other) noexcept;
  IntSet& operator=(IntSet&& other) noexcept;
  IntSet(const IntSet&) = delete;
  IntSet& operator=(const IntSet&) = delete;

  // Takes ownership of a block from release() (null is the empty set); for owners that
  // keep the bare pointer to save space.
  static IntSet adopt(uint8_t* block) {
    IntSet s;
    s.data_ = block;
    return s;
  }
  // Gives up the block (null when empty and never written) to the caller.
  uint8_t* release() { return std::exchange(data_, nullptr); }

  // A deep copy (explicit, since copies of large sets should be visible in the code).
  IntSet clone() const { return copy_of(view()); }
  static IntSet copy_of(IntSetView source);

  IntSetView view() const { return IntSetView(data_); }
  size_t size() const { return view().size(); }
  bool empty() const { return view().empty(); }
  size_t width() const { return view().width(); }
  size_t bytes() const { return view().bytes(); }
  std::string_view raw() const { return view().raw(); }
  bool contains(int64_t value) const { return view().contains(value); }
  int64_t at(size_t i) const { return view().at(i); }
  int64_t min() const { return view().min(); }
  int64_t max() const { return view().max(); }

  // False when already present. On failure to allocate it throws with the set unchanged
  // (and its block where it was).
  bool insert(int64_t value);
  // False when absent. Never throws.
  bool erase(int64_t value);
  void clear();

  // The smallest width (2, 4 or 8) that holds `value`.
  static size_t width_for(int64_t value);

 private:
  void set_header(uint32_t width, uint32_t count);

  // Null while empty and never written, so an empty set costs nothing.
  uint8_t* data_ = nullptr;
};

}  // namespace corvid
