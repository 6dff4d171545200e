#include "persistence/rdb_input.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "core/number_format.h"
#include "persistence/lzf.h"
#include "persistence/rdb_format.h"

namespace corvid {

uint8_t RdbInput::byte() {
  uint8_t b;
  read(&b, 1);
  return b;
}

uint64_t RdbInput::length(bool* encoded) {
  if (encoded != nullptr) *encoded = false;
  const uint8_t first = byte();
  switch (first >> 6) {
    case rdb::kLen6Bit:
      return first & 0x3f;
    case rdb::kLen14Bit:
      return (static_cast<uint64_t>(first & 0x3f) << 8) | byte();
    case rdb::kEncodedValue:
      require(encoded != nullptr, "unexpected encoded value where a length was expected");
      *encoded = true;
      return first & 0x3f;
    default:
      break;
  }
  unsigned char buf[8];
  if (first == rdb::kLen32Bit) {
    read(buf, 4);
    return (uint64_t{buf[0]} << 24) | (uint64_t{buf[1]} << 16) | (uint64_t{buf[2]} << 8) | buf[3];
  }
  require(first == rdb::kLen64Bit, "unknown length encoding");
  read(buf, 8);
  uint64_t n = 0;
  for (unsigned char b : buf) n = (n << 8) | b;
  return n;
}

uint64_t RdbInput::count(size_t min_item_bytes) {
  const uint64_t n = length();
  require(n <= remaining() / (min_item_bytes == 0 ? 1 : min_item_bytes), kShortRead);
  return n;
}

std::string RdbInput::string() {
  bool encoded;
  const uint64_t n = length(&encoded);
  if (!encoded) {
    require(n <= remaining(), kShortRead);
    std::string out(n, '\0');
    if (n > 0) read(out.data(), n);
    return out;
  }
  unsigned char buf[4];
  switch (n) {
    case rdb::kEncInt8: {
      read(buf, 1);
      return int64_to_string(static_cast<int8_t>(buf[0]));
    }
    case rdb::kEncInt16: {
      read(buf, 2);
      return int64_to_string(static_cast<int16_t>(buf[0] | (buf[1] << 8)));
    }
    case rdb::kEncInt32: {
      read(buf, 4);
      uint32_t v = uint32_t{buf[0]} | (uint32_t{buf[1]} << 8) | (uint32_t{buf[2]} << 16) | (uint32_t{buf[3]} << 24);
      return int64_to_string(static_cast<int32_t>(v));
    }
    case rdb::kEncLzf: {
      const uint64_t compressed_length = length();
      const uint64_t expanded_length = length();
      require(compressed_length <= remaining(), kShortRead);
      // LZF expands at most ~ 1:(2^8+2) per back reference; a larger claim is corrupt,
      // and refusing it keeps a forged length from allocating gigabytes.
      require(expanded_length / 300 <= compressed_length, "implausible LZF expansion");
      std::string packed(compressed_length, '\0');
      if (compressed_length > 0) read(packed.data(), compressed_length);
      std::optional<std::string> out = lzf_expand(packed, expanded_length);
      require(out.has_value(), "invalid LZF compressed string");
      return std::move(*out);
    }
    default:
      throw RdbFormatError("unknown string encoding");
  }
}

int64_t RdbInput::integer_string() {
  std::string s = string();
  std::optional<int64_t> v = parse_int64(s);
  require(v.has_value(), "integer expected");
  return *v;
}

double RdbInput::text_double() {
  const uint8_t n = byte();
  switch (n) {
    case rdb::kDoubleNan:
      return std::nan("");
    case rdb::kDoubleInf:
      return INFINITY;
    case rdb::kDoubleNegInf:
      return -INFINITY;
    default:
      break;
  }
  char buf[256];
  read(buf, n);
  buf[n] = '\0';
  char* end = nullptr;
  const double v = std::strtod(buf, &end);
  require(n > 0 && end == buf + n, "invalid double");
  return v;
}

double RdbInput::binary_double() {
  double d;
  read(&d, 8);
  return d;
}

int64_t RdbInput::millis() {
  int64_t ms;
  read(&ms, 8);
  return ms;
}

uint32_t RdbInput::u32_le() {
  unsigned char b[4];
  read(b, 4);
  return uint32_t{b[0]} | (uint32_t{b[1]} << 8) | (uint32_t{b[2]} << 16) | (uint32_t{b[3]} << 24);
}

void MemoryInput::read(void* out, size_t n) {
  require(n <= data_.size() - pos_, kShortRead);
  if (n > 0) std::memcpy(out, data_.data() + pos_, n);
  pos_ += n;
}

}  // namespace corvid
