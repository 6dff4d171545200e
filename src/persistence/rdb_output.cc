#include "persistence/rdb_output.h"

#include <cstring>
#include <optional>

#include "core/number_format.h"
#include "persistence/lzf.h"
#include "persistence/rdb_format.h"

namespace corvid {

namespace {

// Writes the length prefix into buf (9 bytes at most); returns its size.
size_t encode_length(unsigned char* buf, uint64_t n) {
  size_t size;
  if (n < (1u << 6)) {
    buf[0] = static_cast<unsigned char>(n);
    size = 1;
  } else if (n < (1u << 14)) {
    buf[0] = static_cast<unsigned char>((rdb::kLen14Bit << 6) | (n >> 8));
    buf[1] = static_cast<unsigned char>(n & 0xff);
    size = 2;
  } else if (n <= UINT32_MAX) {
    buf[0] = rdb::kLen32Bit;
    for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<unsigned char>(n >> (24 - 8 * i));  // big endian
    size = 5;
  } else {
    buf[0] = rdb::kLen64Bit;
    for (int i = 0; i < 8; ++i) buf[1 + i] = static_cast<unsigned char>(n >> (56 - 8 * i));
    size = 9;
  }
  return size;
}

void append_length(std::string& out, uint64_t n) {
  unsigned char buf[9];
  out.append(reinterpret_cast<const char*>(buf), encode_length(buf, n));
}

}  // namespace

void write_long_string(std::string& out, std::string_view content, bool compress) {
  if (compress) {
    if (std::optional<std::string> packed = lzf_compress_if_smaller(content)) {
      out.push_back(static_cast<char>((rdb::kEncodedValue << 6) | rdb::kEncLzf));
      append_length(out, packed->size());
      append_length(out, content.size());
      out.append(*packed);
      return;
    }
  }
  append_length(out, content.size());
  out.append(content);
}

void RdbOutput::length(uint64_t n) {
  unsigned char buf[9];
  raw(std::string_view(reinterpret_cast<const char*>(buf), encode_length(buf, n)));
}

void RdbOutput::integer_string(int64_t v) {
  unsigned char buf[5];
  size_t size;
  if (v >= INT8_MIN && v <= INT8_MAX) {
    buf[0] = (rdb::kEncodedValue << 6) | rdb::kEncInt8;
    buf[1] = static_cast<unsigned char>(v);
    size = 2;
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    buf[0] = (rdb::kEncodedValue << 6) | rdb::kEncInt16;
    for (int i = 0; i < 2; ++i) buf[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i));
    size = 3;
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    buf[0] = (rdb::kEncodedValue << 6) | rdb::kEncInt32;
    for (int i = 0; i < 4; ++i) buf[1 + i] = static_cast<unsigned char>(static_cast<uint64_t>(v) >> (8 * i));
    size = 5;
  } else {
    char text[kInt64MaxChars + 1];
    plain_string(std::string_view(text, format_int64(v, text)));
    return;
  }
  raw(std::string_view(reinterpret_cast<const char*>(buf), size));
}

void RdbOutput::plain_string(std::string_view s) {
  length(s.size());
  raw(s);
}

void RdbOutput::string(std::string_view s) {
  // Only canonical integer text round-trips through the integer encodings ("007" must
  // come back as "007"); 11 characters is the longest 32-bit integer.
  if (!s.empty() && s.size() <= 11) {
    if (std::optional<int64_t> v = parse_int64(s); v && *v >= INT32_MIN && *v <= INT32_MAX) {
      integer_string(*v);
      return;
    }
  }
  blob(s);
}

void RdbOutput::blob(std::string_view s) {
  if (s.size() >= kLzfMinInputLength) {
    compressible(s);
  } else {
    plain_string(s);
  }
}

void RdbOutput::binary_double(double d) {
  char buf[8];
  std::memcpy(buf, &d, 8);  // little-endian hosts
  raw(std::string_view(buf, 8));
}

void RdbOutput::millis(int64_t ms) {
  char buf[8];
  std::memcpy(buf, &ms, 8);
  raw(std::string_view(buf, 8));
}

void StringOutput::compressible(std::string_view content) { write_long_string(data_, content, compress_); }

}  // namespace corvid
