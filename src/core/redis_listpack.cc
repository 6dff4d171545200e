#include "core/redis_listpack.h"

#include <optional>

#include "core/number_format.h"

namespace corvid {
namespace {

void append_backlen(std::string& out, uint64_t body) {
  const size_t n = redis_listpack_backlen_size(body);
  // The leftmost byte holds the highest bits; every byte after it is flagged, so that a
  // reader walking backwards knows another byte precedes it.
  for (size_t i = 0; i < n; ++i) {
    auto b = static_cast<unsigned char>((body >> (7 * (n - 1 - i))) & 127);
    if (i > 0) b |= 128;
    out.push_back(static_cast<char>(b));
  }
}

std::optional<int64_t> canonical_int(std::string_view value) {
  if (value.empty() || value.size() > kInt64MaxChars) return std::nullopt;
  return parse_int64(value);
}

size_t int_body_size(int64_t v) {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= INT16_MIN && v <= INT16_MAX) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 9;
}

size_t string_body_size(size_t n) { return n + (n < 64 ? 1 : n < 4096 ? 2 : 5); }

uint8_t byte_at(std::string_view data, size_t i) { return static_cast<uint8_t>(data[i]); }

int64_t load_signed_le(std::string_view data, size_t at, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= uint64_t{byte_at(data, at + i)} << (8 * i);
  const auto shift = static_cast<unsigned>(64 - 8 * bytes);
  return static_cast<int64_t>(v << shift) >> shift;  // sign-extend
}

// The encoding+data size of the element at `p`.
size_t body_size(std::string_view data, size_t p) {
  const uint8_t b = byte_at(data, p);
  if ((b & 0x80) == 0) return 1;
  if ((b & 0xC0) == 0x80) return 1 + (b & 0x3F);
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 2 + ((size_t{b & 0x0Fu} << 8) | byte_at(data, p + 1));
  switch (b) {
    case 0xF0:
      return 5 + static_cast<size_t>(static_cast<uint64_t>(load_signed_le(data, p + 1, 4)) & 0xFFFFFFFFu);
    case 0xF1:
      return 3;
    case 0xF2:
      return 4;
    case 0xF3:
      return 5;
    default:  // 0xF4
      return 9;
  }
}

}  // namespace

size_t redis_listpack_backlen_size(uint64_t body) {
  if (body <= 127) return 1;
  if (body < 16383) return 2;
  if (body < 2097151) return 3;
  if (body < 268435455) return 4;
  return 5;
}

void append_redis_listpack_int(std::string& out, int64_t v) {
  const size_t start = out.size();
  if (v >= 0 && v <= 127) {
    out.push_back(static_cast<char>(v));
  } else if (v >= -4096 && v <= 4095) {
    const uint64_t u = static_cast<uint64_t>(v) & 0x1fff;
    out.push_back(static_cast<char>(0xC0 | (u >> 8)));
    out.push_back(static_cast<char>(u & 0xff));
  } else {
    const size_t bytes = int_body_size(v) - 1;
    const unsigned char tag = bytes == 2 ? 0xF1 : bytes == 3 ? 0xF2 : bytes == 4 ? 0xF3 : 0xF4;
    out.push_back(static_cast<char>(tag));
    const auto u = static_cast<uint64_t>(v);
    for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  append_backlen(out, out.size() - start);
}

void append_redis_listpack_string(std::string& out, std::string_view value) {
  if (std::optional<int64_t> v = canonical_int(value)) {
    append_redis_listpack_int(out, *v);
    return;
  }
  const size_t start = out.size();
  const uint64_t n = value.size();
  if (n < 64) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n < 4096) {
    out.push_back(static_cast<char>(0xE0 | (n >> 8)));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(static_cast<char>(0xF0));
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  out.append(value);
  append_backlen(out, out.size() - start);
}

size_t redis_listpack_string_size(std::string_view value) {
  const size_t body = canonical_int(value) ? int_body_size(*canonical_int(value)) : string_body_size(value.size());
  return body + redis_listpack_backlen_size(body);
}

RedisListpack::RedisListpack() {
  data_.assign(kHeaderSize, '\0');
  data_.push_back(static_cast<char>(0xFF));
  set_header();
}

RedisListpack RedisListpack::adopt(std::string bytes) {
  RedisListpack lp;
  lp.data_ = std::move(bytes);
  size_t count = 0;
  for (Pos p = lp.first(); p != lp.end(); p = lp.next(p)) ++count;
  lp.count_ = count;
  return lp;
}

void RedisListpack::set_header() {
  const auto total = static_cast<uint32_t>(data_.size());
  for (int i = 0; i < 4; ++i) data_[static_cast<size_t>(i)] = static_cast<char>((total >> (8 * i)) & 0xff);
  const uint16_t declared = count_ < 65535 ? static_cast<uint16_t>(count_) : 65535;
  data_[4] = static_cast<char>(declared & 0xff);
  data_[5] = static_cast<char>(declared >> 8);
}

void RedisListpack::push_back(std::string_view value) {
  data_.pop_back();
  append_redis_listpack_string(data_, value);
  data_.push_back(static_cast<char>(0xFF));
  ++count_;
  set_header();
}

void RedisListpack::push_back_int(int64_t value) {
  data_.pop_back();
  append_redis_listpack_int(data_, value);
  data_.push_back(static_cast<char>(0xFF));
  ++count_;
  set_header();
}

size_t RedisListpack::element_size(Pos p) const {
  const size_t body = body_size(data_, p);
  return body + redis_listpack_backlen_size(body);
}

RedisListpack::Pos RedisListpack::next(Pos p) const { return p + element_size(p); }

RedisListpack::Pos RedisListpack::prev(Pos p) const {
  // The backlen just before `p`, read from its last byte towards the front.
  uint64_t body = 0;
  size_t used = 0;
  size_t at = p;
  for (;;) {
    const uint8_t b = byte_at(data_, --at);
    body |= uint64_t{b & 127u} << (7 * used);
    ++used;
    if ((b & 128) == 0) break;
  }
  return p - used - static_cast<size_t>(body);
}

RedisListpack::Element RedisListpack::read(Pos p) const {
  Element e;
  const uint8_t b = byte_at(data_, p);
  if ((b & 0x80) == 0) {
    e.is_int = true;
    e.integer = b;
  } else if ((b & 0xC0) == 0x80) {
    e.bytes = std::string_view(data_).substr(p + 1, b & 0x3F);
  } else if ((b & 0xE0) == 0xC0) {
    const uint64_t u = (uint64_t{b & 0x1Fu} << 8) | byte_at(data_, p + 1);
    e.is_int = true;
    e.integer = u >= 4096 ? static_cast<int64_t>(u) - 8192 : static_cast<int64_t>(u);
  } else if ((b & 0xF0) == 0xE0) {
    const size_t n = (size_t{b & 0x0Fu} << 8) | byte_at(data_, p + 1);
    e.bytes = std::string_view(data_).substr(p + 2, n);
  } else if (b == 0xF0) {
    const size_t n = static_cast<size_t>(static_cast<uint64_t>(load_signed_le(data_, p + 1, 4)) & 0xFFFFFFFFu);
    e.bytes = std::string_view(data_).substr(p + 5, n);
  } else {
    e.is_int = true;
    const size_t bytes = b == 0xF1 ? 2 : b == 0xF2 ? 3 : b == 0xF3 ? 4 : 8;
    e.integer = load_signed_le(data_, p + 1, bytes);
  }
  return e;
}

void RedisListpack::replace_int(Pos p, int64_t value) {
  std::string encoded;
  append_redis_listpack_int(encoded, value);
  data_.replace(p, element_size(p), encoded);
  set_header();
}

}  // namespace corvid
