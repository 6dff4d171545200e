#include "core/listpack.h"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>
#include <utility>

namespace corvid {

namespace {

constexpr uint8_t kEnd = 0xFF;
constexpr uint8_t kTagStr32 = 0xF9;
constexpr size_t kEmptySize = Listpack::kHeaderSize + 1;
constexpr uint8_t kEmptyBlock[kEmptySize] = {kEmptySize, 0, 0, 0, 0, 0, 0, 0, kEnd};
constexpr size_t kMaxBacklen = 5;

uint32_t load_u32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void store_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

size_t backlen_size(size_t body) {
  if (body < (size_t{1} << 7)) return 1;
  if (body < (size_t{1} << 14)) return 2;
  if (body < (size_t{1} << 21)) return 3;
  if (body < (size_t{1} << 28)) return 4;
  return 5;
}

void write_backlen(uint8_t* dst, size_t body) {
  const size_t n = backlen_size(body);
  for (size_t i = 0; i < n; ++i) {
    const auto group = static_cast<uint8_t>((body >> (7 * i)) & 0x7F);
    dst[n - 1 - i] = group | (i + 1 < n ? 0x80 : 0);
  }
}

// Decodes the backlen that ends just before `end_off`, reading no byte below
// `floor`. Rejects non-minimal forms so that forward and backward walks can
// never disagree about where an entry starts.
bool read_backlen(const uint8_t* blk, size_t floor, size_t end_off, size_t& body, size_t& len) {
  size_t value = 0;
  for (size_t i = 0; i < kMaxBacklen; ++i) {
    if (end_off - floor <= i) return false;
    const uint8_t b = blk[end_off - 1 - i];
    value |= size_t{b & 0x7Fu} << (7 * i);
    if (!(b & 0x80)) {
      if (backlen_size(value) != i + 1) return false;
      body = value;
      len = i + 1;
      return true;
    }
  }
  return false;
}

struct Decoded {
  size_t head = 0;
  size_t str_len = 0;  // 0 for integers
  bool is_int = false;
  int64_t value = 0;
  size_t body() const { return head + str_len; }
  size_t total() const { return body() + backlen_size(body()); }
};

// Decodes the entry at `off`, which must lie entirely before `limit` (the
// terminator's offset). With `check_back`, also verifies its backlen.
bool decode(const uint8_t* blk, size_t off, size_t limit, bool check_back, Decoded& d) {
  if (off >= limit) return false;
  const size_t avail = limit - off;
  const uint8_t tag = blk[off];
  d = Decoded{};
  if (tag < 0x80) {
    d.head = 1;
    d.is_int = true;
    d.value = tag;
  } else if (tag < 0xC0) {
    d.head = 1;
    d.str_len = tag & 0x3F;
  } else if (tag < 0xE0) {
    if (avail < 2) return false;
    d.head = 2;
    d.is_int = true;
    const int raw = (tag & 0x1F) << 8 | blk[off + 1];
    d.value = (raw & 0x1000) ? raw - 0x2000 : raw;
  } else if (tag < 0xF0) {
    if (avail < 2) return false;
    d.head = 2;
    d.str_len = size_t{tag & 0x0Fu} << 8 | blk[off + 1];
  } else if (tag >= 0xF1 && tag <= 0xF8) {
    const size_t n = tag - 0xF0;
    if (avail < 1 + n) return false;
    d.head = 1 + n;
    d.is_int = true;
    uint64_t u = 0;
    for (size_t i = 0; i < n; ++i) u |= uint64_t{blk[off + 1 + i]} << (8 * i);
    if (n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);
    d.value = static_cast<int64_t>(u);
  } else if (tag == kTagStr32) {
    if (avail < 5) return false;
    d.head = 5;
    d.str_len = load_u32(blk + off + 1);
  } else {
    return false;
  }
  if (avail - d.head < d.str_len) return false;
  if (avail - d.body() < backlen_size(d.body())) return false;
  if (check_back) {
    size_t body = 0, len = 0;
    const size_t end_off = off + d.total();
    if (!read_backlen(blk, off + d.body(), end_off, body, len)) return false;
    if (body != d.body() || len != backlen_size(body)) return false;
  }
  return true;
}

}  // namespace

struct Listpack::Encoded {
  uint8_t head[9];
  size_t head_len = 0;
  std::string_view payload;

  size_t body() const { return head_len + payload.size(); }
  size_t total() const { return body() + backlen_size(body()); }

  explicit Encoded(std::string_view s) {
    if (auto v = parse_int64(s)) {
      encode_int(*v);
      return;
    }
    payload = s;
    const size_t len = s.size();
    if (len <= 63) {
      head[0] = static_cast<uint8_t>(0x80 | len);
      head_len = 1;
    } else if (len <= 4095) {
      head[0] = static_cast<uint8_t>(0xE0 | (len >> 8));
      head[1] = static_cast<uint8_t>(len & 0xFF);
      head_len = 2;
    } else {
      if (len > kMaxBytes) throw std::length_error("listpack entry too large");
      head[0] = kTagStr32;
      store_u32(head + 1, static_cast<uint32_t>(len));
      head_len = 5;
    }
  }

  void encode_int(int64_t v) {
    if (v >= 0 && v <= 127) {
      head[0] = static_cast<uint8_t>(v);
      head_len = 1;
      return;
    }
    if (v >= -4096 && v <= 4095) {
      const auto u = static_cast<uint16_t>(static_cast<uint64_t>(v) & 0x1FFF);
      head[0] = static_cast<uint8_t>(0xC0 | (u >> 8));
      head[1] = static_cast<uint8_t>(u & 0xFF);
      head_len = 2;
      return;
    }
    size_t n = 2;
    for (; n < 8; ++n) {
      const int64_t bound = int64_t{1} << (8 * n - 1);
      if (v >= -bound && v < bound) break;
    }
    head[0] = static_cast<uint8_t>(0xF0 + n);
    const auto u = static_cast<uint64_t>(v);
    for (size_t i = 0; i < n; ++i) head[1 + i] = static_cast<uint8_t>(u >> (8 * i));
    head_len = 1 + n;
  }

  void write(uint8_t* dst) const {
    std::memcpy(dst, head, head_len);
    if (!payload.empty()) std::memcpy(dst + head_len, payload.data(), payload.size());
    write_backlen(dst + body(), body());
  }
};

Listpack::~Listpack() { std::free(data_); }

Listpack::Listpack(Listpack&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}

Listpack& Listpack::operator=(Listpack&& other) noexcept {
  if (this != &other) {
    std::free(data_);
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

bool Listpack::validate(std::string_view raw) {
  const auto* blk = reinterpret_cast<const uint8_t*>(raw.data());
  const size_t n = raw.size();
  if (n < kEmptySize || n > kMaxBytes) return false;
  if (load_u32(blk) != n || blk[n - 1] != kEnd) return false;
  const size_t limit = n - 1;
  size_t count = 0;
  Decoded d;
  for (size_t off = kHeaderSize; off < limit; off += d.total()) {
    if (!decode(blk, off, limit, /*check_back=*/true, d)) return false;
    ++count;
  }
  // The loop can only stop exactly at limit since decode() bounds each entry.
  return count == load_u32(blk + 4);
}

std::optional<Listpack> Listpack::from_bytes(std::string_view raw) {
  if (!validate(raw)) return std::nullopt;
  Listpack lp;
  lp.data_ = static_cast<uint8_t*>(std::malloc(raw.size()));
  if (!lp.data_) throw std::bad_alloc();
  std::memcpy(lp.data_, raw.data(), raw.size());
  return lp;
}

Listpack Listpack::adopt(uint8_t* block) {
  Listpack lp;
  lp.data_ = block;
  return lp;
}

const uint8_t* Listpack::block() const { return data_ ? data_ : kEmptyBlock; }

std::string_view Listpack::raw() const { return {reinterpret_cast<const char*>(block()), bytes()}; }

size_t Listpack::size() const { return load_u32(block() + 4); }

size_t Listpack::bytes() const { return load_u32(block()); }

Listpack::Pos Listpack::next(Pos p) const {
  const size_t limit = end();
  Decoded d;
  if (p >= limit || !decode(block(), p, limit, false, d)) return limit;
  return p + d.total();
}

std::optional<Listpack::Pos> Listpack::prev(Pos p) const {
  if (p <= kHeaderSize || p > end()) return std::nullopt;
  size_t body = 0, len = 0;
  const bool ok = read_backlen(block(), kHeaderSize, p, body, len);
  assert(ok);
  if (!ok || p - kHeaderSize - len < body) return std::nullopt;
  return p - len - body;
}

std::optional<Listpack::Pos> Listpack::at(int64_t index) const {
  const auto n = static_cast<int64_t>(size());
  if (index < 0) index += n;
  if (index < 0 || index >= n) return std::nullopt;
  if (index <= n / 2) {
    Pos p = begin();
    for (int64_t i = 0; i < index; ++i) p = next(p);
    return p;
  }
  std::optional<Pos> p = end();
  for (int64_t i = n; i > index && p; --i) p = prev(*p);
  return p;
}

bool Listpack::is_int(Pos p) const {
  Decoded d;
  return decode(block(), p, end(), false, d) && d.is_int;
}

std::string_view Listpack::get(Pos p, Scratch& scratch) const {
  Decoded d;
  if (!decode(block(), p, end(), false, d)) {
    assert(false && "Pos is not an entry");
    return {};
  }
  if (d.is_int) return {scratch.data(), format_int64(d.value, scratch.data())};
  return {reinterpret_cast<const char*>(block()) + p + d.head, d.str_len};
}

std::string Listpack::get_string(Pos p) const {
  Scratch scratch;
  return std::string(get(p, scratch));
}

std::optional<int64_t> Listpack::get_int(Pos p) const {
  Decoded d;
  if (!decode(block(), p, end(), false, d)) return std::nullopt;
  if (d.is_int) return d.value;
  return parse_int64({reinterpret_cast<const char*>(block()) + p + d.head, d.str_len});
}

bool Listpack::aliases(std::string_view s) const {
  if (!data_ || s.empty()) return false;
  const std::less<const char*> less;
  const auto* lo = reinterpret_cast<const char*>(data_);
  const char* hi = lo + bytes();
  return !less(s.data(), lo) && less(s.data(), hi);
}

void Listpack::ensure_block() {
  if (data_) return;
  data_ = static_cast<uint8_t*>(std::malloc(kEmptySize));
  if (!data_) throw std::bad_alloc();
  std::memcpy(data_, kEmptyBlock, kEmptySize);
}

void Listpack::splice(size_t at, size_t remove_bytes, size_t removed_entries, const Encoded* ins) {
  const size_t old_total = bytes();
  const size_t add = ins ? ins->total() : 0;
  const size_t kept = old_total - remove_bytes;
  if (add > kMaxBytes - kept) throw std::length_error("listpack too large");
  const size_t new_total = kept + add;
  ensure_block();
  const size_t tail = old_total - at - remove_bytes;
  if (new_total > old_total) {
    auto* grown = static_cast<uint8_t*>(std::realloc(data_, new_total));
    if (!grown) throw std::bad_alloc();
    data_ = grown;
    std::memmove(data_ + at + add, data_ + at + remove_bytes, tail);
  } else {
    std::memmove(data_ + at + add, data_ + at + remove_bytes, tail);
    // A failed shrink leaves the larger block, which is still correct.
    if (new_total < old_total) {
      if (auto* shrunk = static_cast<uint8_t*>(std::realloc(data_, new_total))) data_ = shrunk;
    }
  }
  if (ins) ins->write(data_ + at);
  store_u32(data_, static_cast<uint32_t>(new_total));
  store_u32(data_ + 4, static_cast<uint32_t>(size() - removed_entries + (ins ? 1 : 0)));
}

Listpack::Pos Listpack::insert(Pos before, std::string_view value) {
  assert(before >= begin() && before <= end());
  // The value may point into our own block, which splice() reallocates.
  std::string copy;
  if (aliases(value)) {
    copy.assign(value);
    value = copy;
  }
  const Encoded enc(value);
  splice(before, 0, 0, &enc);
  return before;
}

void Listpack::push_back(std::string_view value) { insert(end(), value); }

void Listpack::push_front(std::string_view value) { insert(begin(), value); }

Listpack::Pos Listpack::erase(Pos p) { return erase(p, 1); }

Listpack::Pos Listpack::erase(Pos first, size_t count) {
  Pos last = first;
  size_t n = 0;
  const Pos limit = end();
  while (n < count && last < limit) {
    last = next(last);
    ++n;
  }
  if (n > 0) splice(first, last - first, n, nullptr);
  return first;
}

Listpack::Pos Listpack::replace(Pos p, std::string_view value) {
  assert(p >= begin() && p < end());
  std::string copy;
  if (aliases(value)) {
    copy.assign(value);
    value = copy;
  }
  const Encoded enc(value);
  const Pos after = next(p);
  splice(p, after - p, after > p ? 1 : 0, &enc);
  return p;
}

void Listpack::clear() {
  std::free(data_);
  data_ = nullptr;
}

std::optional<Listpack::Pos> Listpack::find(Pos start, std::string_view needle, size_t stride) const {
  if (stride == 0) stride = 1;
  const std::optional<int64_t> as_int = parse_int64(needle);
  const uint8_t* blk = block();
  const Pos limit = end();
  Pos p = start;
  while (p < limit) {
    Decoded d;
    if (!decode(blk, p, limit, false, d)) break;
    if (d.is_int) {
      if (as_int && *as_int == d.value) return p;
    } else if (d.str_len == needle.size() &&
               (needle.empty() || std::memcmp(blk + p + d.head, needle.data(), needle.size()) == 0)) {
      return p;
    }
    for (size_t i = 0; i < stride && p < limit; ++i) p = next(p);
  }
  return std::nullopt;
}

Listpack Listpack::split_off(Pos at) {
  assert(at >= begin() && at <= end());
  Listpack tail;
  const Pos limit = end();
  if (at >= limit) return tail;
  size_t moved = 0;
  for (Pos p = at; p < limit; p = next(p)) ++moved;
  const size_t moved_bytes = limit - at;
  tail.data_ = static_cast<uint8_t*>(std::malloc(kEmptySize + moved_bytes));
  if (!tail.data_) throw std::bad_alloc();
  store_u32(tail.data_, static_cast<uint32_t>(kEmptySize + moved_bytes));
  store_u32(tail.data_ + 4, static_cast<uint32_t>(moved));
  std::memcpy(tail.data_ + kHeaderSize, data_ + at, moved_bytes);
  tail.data_[kHeaderSize + moved_bytes] = kEnd;
  const size_t kept = size() - moved;
  data_[at] = kEnd;
  store_u32(data_, static_cast<uint32_t>(at + 1));
  store_u32(data_ + 4, static_cast<uint32_t>(kept));
  // A failed shrink leaves the larger block, which is still correct.
  if (auto* shrunk = static_cast<uint8_t*>(std::realloc(data_, at + 1))) data_ = shrunk;
  return tail;
}

void Listpack::append(const Listpack& other) {
  if (other.empty()) return;
  assert(&other != this);
  const size_t added = other.bytes() - kEmptySize;
  const size_t old_total = bytes();
  if (added > kMaxBytes - old_total) throw std::length_error("listpack too large");
  ensure_block();
  auto* grown = static_cast<uint8_t*>(std::realloc(data_, old_total + added));
  if (!grown) throw std::bad_alloc();
  data_ = grown;
  std::memcpy(data_ + old_total - 1, other.block() + kHeaderSize, added);
  data_[old_total - 1 + added] = kEnd;
  store_u32(data_, static_cast<uint32_t>(old_total + added));
  store_u32(data_ + 4, static_cast<uint32_t>(size() + other.size()));
}

}  // namespace corvid
