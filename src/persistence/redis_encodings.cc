#include "persistence/redis_encodings.h"

#include <cstring>
#include <optional>

#include "core/number_format.h"
#include "core/redis_listpack.h"

namespace corvid::redis_format {

namespace {

uint32_t load_u32_le(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

uint16_t load_u16_le(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

int64_t load_signed_le(const unsigned char* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= uint64_t{p[i]} << (8 * i);
  const unsigned shift = static_cast<unsigned>(64 - 8 * bytes);
  return static_cast<int64_t>(v << shift) >> shift;  // sign-extend
}

// Decodes the back length ending at blob[end - 1]; nullopt when it runs off the front.
std::optional<uint64_t> decode_backlen(std::string_view blob, size_t end, size_t* bytes_used) {
  uint64_t value = 0;
  size_t used = 0;
  for (;;) {
    if (end == 0 || used == 5) return std::nullopt;
    const auto b = static_cast<unsigned char>(blob[--end]);
    value |= uint64_t{b & 127u} << (7 * used);
    ++used;
    if ((b & 128) == 0) break;
  }
  *bytes_used = used;
  return value;
}

}  // namespace

std::string Element::text() const { return is_int ? int64_to_string(integer) : std::string(bytes); }

bool read_listpack(std::string_view blob, const ElementVisitor& visit) {
  constexpr size_t kHeader = 6;
  if (blob.size() < kHeader + 1) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(blob.data());
  if (load_u32_le(data) != blob.size()) return false;
  const uint16_t declared = load_u16_le(data + 4);
  if (data[blob.size() - 1] != 0xFF) return false;
  size_t pos = kHeader;
  size_t count = 0;
  const size_t end = blob.size() - 1;
  while (pos < end) {
    const unsigned char b = data[pos];
    Element e;
    size_t header = 1;
    uint64_t payload = 0;
    if ((b & 0x80) == 0) {
      e.is_int = true;
      e.integer = b & 0x7f;
    } else if ((b & 0xC0) == 0x80) {
      payload = b & 0x3f;
    } else if ((b & 0xE0) == 0xC0) {
      header = 2;
      if (pos + 2 > end) return false;
      int64_t v = ((b & 0x1f) << 8) | data[pos + 1];
      if (v >= 4096) v -= 8192;
      e.is_int = true;
      e.integer = v;
    } else if ((b & 0xF0) == 0xE0) {
      header = 2;
      if (pos + 2 > end) return false;
      payload = ((b & 0x0f) << 8) | data[pos + 1];
    } else if (b == 0xF0) {
      header = 5;
      if (pos + 5 > end) return false;
      payload = load_u32_le(data + pos + 1);
    } else if (b >= 0xF1 && b <= 0xF4) {
      static constexpr size_t kIntBytes[] = {2, 3, 4, 8};
      const size_t bytes = kIntBytes[b - 0xF1];
      header = 1 + bytes;
      if (pos + header > end) return false;
      e.is_int = true;
      e.integer = load_signed_le(data + pos + 1, bytes);
    } else {
      return false;  // 0xF5..0xFE are not encodings; 0xFF before the end is a stray terminator
    }
    const uint64_t body = header + payload;
    if (body > end - pos) return false;
    const size_t back = redis_listpack_backlen_size(body);
    if (back > end - pos - body) return false;
    size_t used = 0;
    std::optional<uint64_t> decoded = decode_backlen(blob, pos + body + back, &used);
    if (!decoded || *decoded != body || used != back) return false;
    if (!e.is_int) e.bytes = blob.substr(pos + header, payload);
    visit(e);
    ++count;
    pos += body + back;
  }
  if (pos != end) return false;
  return declared == 65535 || declared == count;
}

bool read_ziplist(std::string_view blob, const ElementVisitor& visit) {
  constexpr size_t kHeader = 10;
  if (blob.size() < kHeader + 1) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(blob.data());
  if (load_u32_le(data) != blob.size()) return false;
  const uint32_t tail = load_u32_le(data + 4);
  const uint16_t declared = load_u16_le(data + 8);
  const size_t end = blob.size() - 1;
  if (data[end] != 0xFF) return false;
  size_t pos = kHeader;
  size_t previous_length = 0;
  size_t last_entry = kHeader;
  size_t count = 0;
  while (pos < end) {
    // prevlen
    size_t prevlen_bytes = 1;
    uint64_t prevlen = data[pos];
    if (prevlen == 0xFE) {
      if (pos + 5 > end) return false;
      prevlen = load_u32_le(data + pos + 1);
      prevlen_bytes = 5;
    } else if (prevlen == 0xFF) {
      return false;
    }
    if (prevlen != previous_length) return false;
    size_t p = pos + prevlen_bytes;
    if (p >= end) return false;
    const unsigned char enc = data[p];
    Element e;
    size_t header = 1;
    uint64_t payload = 0;
    switch (enc >> 6) {
      case 0:
        payload = enc & 0x3f;
        break;
      case 1:
        header = 2;
        if (p + 2 > end) return false;
        payload = ((enc & 0x3f) << 8) | data[p + 1];
        break;
      case 2:
        header = 5;
        if (p + 5 > end) return false;
        payload = (uint64_t{data[p + 1]} << 24) | (uint64_t{data[p + 2]} << 16) | (uint64_t{data[p + 3]} << 8) |
                  data[p + 4];
        break;
      default: {
        e.is_int = true;
        size_t bytes = 0;
        if (enc == 0xC0) {
          bytes = 2;
        } else if (enc == 0xD0) {
          bytes = 4;
        } else if (enc == 0xE0) {
          bytes = 8;
        } else if (enc == 0xF0) {
          bytes = 3;
        } else if (enc == 0xFE) {
          bytes = 1;
        } else if (enc >= 0xF1 && enc <= 0xFD) {
          e.integer = (enc & 0x0f) - 1;
        } else {
          return false;
        }
        if (p + 1 + bytes > end) return false;
        if (bytes > 0) e.integer = load_signed_le(data + p + 1, bytes);
        payload = bytes;
      }
    }
    if (payload > end - p - header) return false;
    if (!e.is_int) e.bytes = blob.substr(p + header, payload);
    visit(e);
    ++count;
    last_entry = pos;
    previous_length = prevlen_bytes + header + payload;
    pos += previous_length;
  }
  if (pos != end) return false;
  if (count > 0 ? tail != last_entry : tail != kHeader) return false;
  return declared == 65535 || declared == count;
}

bool read_zipmap(std::string_view blob, const ElementVisitor& visit) {
  if (blob.size() < 2) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(blob.data());
  const size_t end = blob.size() - 1;
  if (data[end] != 0xFF) return false;
  const unsigned declared = data[0];
  size_t pos = 1;
  size_t pairs = 0;
  auto read_length = [&](uint64_t& length) {
    if (pos >= end) return false;
    if (data[pos] < 254) {
      length = data[pos++];
      return true;
    }
    if (data[pos] != 254 || pos + 5 > end) return false;
    length = load_u32_le(data + pos + 1);
    pos += 5;
    return true;
  };
  while (pos < end) {
    uint64_t field_length, value_length;
    if (!read_length(field_length) || field_length > end - pos) return false;
    Element field;
    field.bytes = blob.substr(pos, field_length);
    pos += field_length;
    if (!read_length(value_length) || pos >= end) return false;
    const unsigned free_bytes = data[pos++];
    if (value_length > end - pos || free_bytes > end - pos - value_length) return false;
    Element value;
    value.bytes = blob.substr(pos, value_length);
    pos += value_length + free_bytes;
    visit(field);
    visit(value);
    ++pairs;
  }
  if (pos != end) return false;
  return declared >= 254 || declared == pairs;
}

bool valid_intset(std::string_view blob) {
  if (blob.size() < 8) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(blob.data());
  const uint32_t width = load_u32_le(data);
  const uint32_t count = load_u32_le(data + 4);
  if (width != 2 && width != 4 && width != 8) return false;
  if (count == 0) return false;  // an empty set is never written
  if (uint64_t{count} * width != blob.size() - 8) return false;
  int64_t previous = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const int64_t v = load_signed_le(data + 8 + uint64_t{i} * width, width);
    if (i > 0 && v <= previous) return false;
    previous = v;
  }
  return true;
}

ListpackBuilder::ListpackBuilder() { data_.assign(6, '\0'); }

void ListpackBuilder::add(std::string_view value) {
  append_redis_listpack_string(data_, value);
  ++count_;
}

void ListpackBuilder::add_int(int64_t v) {
  append_redis_listpack_int(data_, v);
  ++count_;
}

std::string ListpackBuilder::finish() {
  data_.push_back(static_cast<char>(0xFF));
  const auto total = static_cast<uint32_t>(data_.size());
  for (int i = 0; i < 4; ++i) data_[i] = static_cast<char>((total >> (8 * i)) & 0xff);
  const uint16_t declared = count_ < 65535 ? static_cast<uint16_t>(count_) : 65535;
  data_[4] = static_cast<char>(declared & 0xff);
  data_[5] = static_cast<char>(declared >> 8);
  std::string out;
  out.swap(data_);
  data_.assign(6, '\0');
  count_ = 0;
  return out;
}

}  // namespace corvid::redis_format
