#include "core/intset.h"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

namespace corvid {

// Elements are copied in host order; the block is documented as little endian.
static_assert(std::endian::native == std::endian::little, "IntSet assumes a little-endian host");

namespace {

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

int64_t load_element(const uint8_t* p, size_t width) {
  switch (width) {
    case 2: {
      int16_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    case 4: {
      int32_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p, sizeof v);
      return v;
    }
  }
}

void store_element(uint8_t* p, size_t width, int64_t value) {
  switch (width) {
    case 2: {
      const auto v = static_cast<int16_t>(value);
      std::memcpy(p, &v, sizeof v);
      break;
    }
    case 4: {
      const auto v = static_cast<int32_t>(value);
      std::memcpy(p, &v, sizeof v);
      break;
    }
    default:
      std::memcpy(p, &value, sizeof value);
  }
}

}  // namespace

IntSet::~IntSet() { std::free(data_); }

IntSet::IntSet(IntSet&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}

IntSet& IntSet::operator=(IntSet&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

IntSet IntSet::copy_of(IntSetView source) {
  IntSet copy;
  if (!source.empty()) {
    const std::string_view block = source.raw();
    copy.data_ = static_cast<uint8_t*>(std::malloc(block.size()));
    if (copy.data_ == nullptr) throw std::bad_alloc();
    std::memcpy(copy.data_, block.data(), block.size());
  }
  return copy;
}

size_t IntSetView::size() const { return data_ == nullptr ? 0 : load_u32(data_ + 4); }

size_t IntSetView::width() const { return data_ == nullptr ? 2 : load_u32(data_); }

std::string_view IntSetView::raw() const {
  static constexpr uint8_t kEmpty[kHeaderSize] = {2, 0, 0, 0, 0, 0, 0, 0};
  const uint8_t* block = data_ == nullptr ? kEmpty : data_;
  return {reinterpret_cast<const char*>(block), bytes()};
}

int64_t IntSetView::at(size_t i) const {
  const size_t w = width();
  return load_element(data_ + kHeaderSize + i * w, w);
}

IntSetView::Search IntSetView::search(int64_t value) const {
  const size_t n = size();
  if (n == 0) return {0, false};
  // Values outside the range go straight to an end without a search.
  if (value > max()) return {n, false};
  if (value < min()) return {0, false};
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t v = at(mid);
    if (v == value) return {mid, true};
    if (v < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return {lo, false};
}

bool IntSetView::contains(int64_t value) const {
  // A value wider than the elements cannot be one of them.
  return IntSet::width_for(value) <= width() && search(value).found;
}

size_t IntSet::width_for(int64_t value) {
  if (value >= std::numeric_limits<int16_t>::min() && value <= std::numeric_limits<int16_t>::max()) return 2;
  if (value >= std::numeric_limits<int32_t>::min() && value <= std::numeric_limits<int32_t>::max()) return 4;
  return 8;
}

void IntSet::set_header(uint32_t width, uint32_t count) {
  std::memcpy(data_, &width, sizeof width);
  std::memcpy(data_ + 4, &count, sizeof count);
}

bool IntSet::insert(int64_t value) {
  const IntSetView before = view();
  const size_t n = before.size();
  const size_t old_width = before.width();
  const size_t needed = width_for(value);
  const size_t new_width = needed > old_width ? needed : old_width;
  IntSetView::Search where{0, false};
  if (new_width == old_width) {
    where = before.search(value);
    if (where.found) return false;
  } else {
    // Wider than every element: it is a new minimum or maximum.
    where.index = value < 0 ? 0 : n;
  }
  if (n + 1 > std::numeric_limits<uint32_t>::max()) throw std::length_error("IntSet: too many elements");
  // The one allocation comes first, so a failure leaves everything as it was.
  const bool fresh = data_ == nullptr;
  auto* grown = static_cast<uint8_t*>(std::realloc(data_, kHeaderSize + new_width * (n + 1)));
  if (grown == nullptr) throw std::bad_alloc();
  data_ = grown;
  if (fresh) set_header(2, 0);
  uint8_t* elements = data_ + kHeaderSize;
  if (new_width != old_width) {
    // Back to front, so no element is overwritten before it has been moved; shifted by
    // one slot when the new value goes first.
    const size_t shift = where.index == 0 ? 1 : 0;
    for (size_t i = n; i-- > 0;) {
      const int64_t v = load_element(elements + i * old_width, old_width);
      store_element(elements + (i + shift) * new_width, new_width, v);
    }
  } else {
    uint8_t* slot = elements + where.index * new_width;
    std::memmove(slot + new_width, slot, (n - where.index) * new_width);
  }
  store_element(elements + where.index * new_width, new_width, value);
  set_header(static_cast<uint32_t>(new_width), static_cast<uint32_t>(n + 1));
  return true;
}

bool IntSet::erase(int64_t value) {
  const IntSetView before = view();
  if (width_for(value) > before.width()) return false;
  const IntSetView::Search where = before.search(value);
  if (!where.found) return false;
  const size_t n = before.size();
  const size_t w = before.width();
  uint8_t* slot = data_ + kHeaderSize + where.index * w;
  std::memmove(slot, slot + w, (n - where.index - 1) * w);
  set_header(static_cast<uint32_t>(w), static_cast<uint32_t>(n - 1));
  // Give the memory back, as a set that shrank a lot should not keep its peak size. If
  // that fails the larger block simply stays.
  if (auto* shrunk = static_cast<uint8_t*>(std::realloc(data_, kHeaderSize + w * (n - 1)))) data_ = shrunk;
  return true;
}

void IntSet::clear() {
  std::free(data_);
  data_ = nullptr;
}

}  // namespace corvid
