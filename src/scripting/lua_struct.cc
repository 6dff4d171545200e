// struct for the script engine: struct.pack, struct.unpack and struct.size with the format
// language, bytes and error texts of the copy Redis 7.0 bundles (see lua_struct.h). Every
// expectation in tests/unit/lua_struct_test.cc was read off redis-server 7.0.15.
//
// Where Redis's C relies on x86-64 behaviour the language leaves undefined (double to
// integer conversions out of range, shifts by 64 or more), the same results are computed
// here explicitly. Lua errors are C++ exceptions (Debian's liblua5.1-c++), so the packing
// buffer is released when luaL_error unwinds through it.

#include "scripting/lua_struct.h"

#include <lua.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace {

constexpr int kMaxIntSize = 32;      // widest i[n]/I[n]
constexpr int kDefaultIntSize = 4;   // sizeof(int)
constexpr int kNativeAlignment = 8;  // what a bare '!' sets: the widest scalar's alignment
constexpr int kLongSize = 8;         // sizeof(long) and sizeof(size_t) on x86-64

enum class Endian { kLittle, kBig };

struct Layout {
  Endian endian = Endian::kLittle;  // x86-64's own order
  size_t align = 1;                 // no alignment until '!'
};

bool is_digit(int c) { return c >= '0' && c <= '9'; }

// C-locale isalnum: struct.size ignores such characters when they are not options.
bool is_alnum(int c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The optional decimal count after an option, or `fallback` when none follows.
int read_count(lua_State* lua, const char*& fmt, int fallback) {
  if (!is_digit(*fmt)) return fallback;
  int value = 0;
  do {
    const int digit = *fmt++ - '0';
    if (value > (INT_MAX - digit) / 10) luaL_error(lua, "integral size overflow");
    value = value * 10 + digit;
  } while (is_digit(*fmt));
  return value;
}

// The byte size of option `opt` (reading its count from `fmt`); 0 for options with no
// fixed size ('s', "c0") and for the non-data ones.
size_t option_size(lua_State* lua, int opt, const char*& fmt) {
  switch (opt) {
    case 'b':
    case 'B':
    case 'x':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'l':
    case 'L':
    case 'T':
      return kLongSize;
    case 'f':
      return sizeof(float);
    case 'd':
      return sizeof(double);
    case 'c':
      return static_cast<size_t>(read_count(lua, fmt, 1));
    case 'i':
    case 'I': {
      const int size = read_count(lua, fmt, kDefaultIntSize);
      if (size > kMaxIntSize) luaL_error(lua, "integral size %d is larger than limit of %d", size, kMaxIntSize);
      return static_cast<size_t>(size);
    }
    default:
      return 0;
  }
}

// Padding before a field of `size` bytes at offset `offset`: Redis's formula, which for
// power-of-2 sizes rounds up to a multiple of min(size, alignment) and for others (i3,
// i5, ...) gives what the same bit arithmetic gives. Always less than `size`.
size_t padding(size_t offset, const Layout& layout, int opt, size_t size) {
  if (size == 0 || opt == 'c') return 0;
  size = std::min(size, layout.align);
  return (size - (offset & (size - 1))) & (size - 1);
}

// ' ', '<', '>' and '!n'; anything else is an invalid option, blamed on the format.
void control_option(lua_State* lua, int opt, const char*& fmt, Layout& layout) {
  switch (opt) {
    case ' ':
      return;
    case '<':
      layout.endian = Endian::kLittle;
      return;
    case '>':
      layout.endian = Endian::kBig;
      return;
    case '!': {
      const int align = read_count(lua, fmt, kNativeAlignment);
      if (align <= 0 || (align & (align - 1)) != 0) luaL_error(lua, "alignment %d is not a power of 2", align);
      layout.align = static_cast<size_t>(align);
      return;
    }
    default:
      luaL_argerror(lua, 1, lua_pushfstring(lua, "invalid format option '%c'", opt));
  }
}

bool is_integer_option(int opt) {
  return opt == 'b' || opt == 'B' || opt == 'h' || opt == 'H' || opt == 'l' || opt == 'L' || opt == 'T' ||
         opt == 'i' || opt == 'I';
}

// ---- x86-64 conversions -----------------------------------------------------------------

// double -> int64 as cvttsd2si: truncation, and 0x8000000000000000 for NaN and
// anything out of range.
int64_t to_int64_like_x86(double value) {
  if (value >= -0x1p63 && value < 0x1p63) return static_cast<int64_t>(value);
  return INT64_MIN;
}

// double -> uint64 as GCC compiles it on x86-64: values from 2^63 up are converted after
// subtracting 2^63 (so 2^64 and beyond, and +inf, give 0); the rest, NaN included, go
// through the signed conversion.
uint64_t to_uint64_like_x86(double value) {
  if (!(value >= 0x1p63)) return static_cast<uint64_t>(to_int64_like_x86(value));
  return static_cast<uint64_t>(to_int64_like_x86(value - 0x1p63)) ^ (uint64_t{1} << 63);
}

// double -> float as cvtsd2ss: finite values beyond FLT_MAX round to FLT_MAX or, from
// half an ulp above it, to infinity.
float to_float_like_x86(double value) {
  if (std::isfinite(value) && std::fabs(value) > FLT_MAX) {
    const float magnitude = std::fabs(value) >= 0x1.ffffffp127 ? HUGE_VALF : FLT_MAX;
    return value < 0 ? -magnitude : magnitude;
  }
  return static_cast<float>(value);
}

// ---- pack -------------------------------------------------------------------------------

// `size` bytes of `bytes` (native, little-endian order) in the layout's order.
void append_ordered(std::string& out, const unsigned char* bytes, size_t size, Endian endian) {
  if (endian == Endian::kLittle) {
    out.append(reinterpret_cast<const char*>(bytes), size);
  } else {
    for (size_t i = size; i > 0; --i) out.push_back(static_cast<char>(bytes[i - 1]));
  }
}

// An integer field: the number as a 64-bit two's complement value (negative numbers via
// int64, others via uint64), its low `size` bytes; bytes past the eighth are zero.
void pack_integer(lua_State* lua, std::string& out, int arg, Endian endian, size_t size) {
  const double number = luaL_checknumber(lua, arg);
  uint64_t value = number < 0 ? static_cast<uint64_t>(to_int64_like_x86(number)) : to_uint64_like_x86(number);
  unsigned char bytes[kMaxIntSize] = {};
  for (size_t i = 0; i < size && i < 8; ++i) {
    bytes[i] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
  append_ordered(out, bytes, size, endian);
}

int struct_pack(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  // Redis's struct pushes a nil after the arguments before it starts, so reading one
  // argument too many finds that nil ("got nil", not "got no value").
  lua_pushnil(lua);
  std::string out;
  Layout layout;
  int arg = 2;
  while (*fmt != '\0') {
    const int opt = static_cast<unsigned char>(*fmt++);
    size_t size = option_size(lua, opt, fmt);
    out.append(padding(out.size(), layout, opt, size), '\0');
    if (is_integer_option(opt)) {
      pack_integer(lua, out, arg++, layout.endian, size);
      continue;
    }
    switch (opt) {
      case 'x':
        out.push_back('\0');
        break;
      case 'f': {
        const float value = to_float_like_x86(luaL_checknumber(lua, arg++));
        const auto bytes = std::bit_cast<std::array<unsigned char, 4>>(value);
        append_ordered(out, bytes.data(), bytes.size(), layout.endian);
        break;
      }
      case 'd': {
        const auto bytes = std::bit_cast<std::array<unsigned char, 8>>(luaL_checknumber(lua, arg++));
        append_ordered(out, bytes.data(), bytes.size(), layout.endian);
        break;
      }
      case 'c':
      case 's': {
        size_t length = 0;
        const char* text = luaL_checklstring(lua, arg++, &length);
        if (size == 0) size = length;
        // `arg` has moved on already: Redis names the argument after the string.
        luaL_argcheck(lua, length >= size, arg, "string too short");
        out.append(text, size);
        if (opt == 's') out.push_back('\0');
        break;
      }
      default:
        control_option(lua, opt, fmt, layout);
    }
  }
  lua_pushlstring(lua, out.data(), out.size());
  return 1;
}

// ---- unpack -----------------------------------------------------------------------------

// The integer at `data`: `size` bytes in the layout's order, of which only the last eight
// read survive (the low eight for little-endian, the final eight for big-endian). Signed
// values are sign-extended from bit size*8-1, the shift count taken modulo 64 as x86
// does, which is how Redis widens i9..i32.
double unpack_integer(const unsigned char* data, Endian endian, bool is_signed, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value = value << 8 | data[endian == Endian::kBig ? i : size - 1 - i];
  if (!is_signed) return static_cast<double>(value);
  const uint64_t mask = ~uint64_t{0} << ((static_cast<unsigned>(size) * 8u - 1u) & 63u);
  if ((value & mask) != 0) value |= mask;
  return static_cast<double>(static_cast<int64_t>(value));
}

// Copies `N` bytes at `data` into native order.
template <size_t N>
std::array<unsigned char, N> read_ordered(const char* data, Endian endian) {
  std::array<unsigned char, N> bytes;
  std::memcpy(bytes.data(), data, N);
  if (endian == Endian::kBig) std::reverse(bytes.begin(), bytes.end());
  return bytes;
}

// Whether `size` bytes starting at `pos` lie inside `length` bytes (no overflow).
bool fits(size_t pos, size_t size, size_t length) { return size <= length && pos <= length - size; }

int struct_unpack(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  size_t length = 0;
  const char* data = luaL_checklstring(lua, 2, &length);
  // A negative position wraps to a huge one, which then fails as "data string too short".
  size_t pos = static_cast<size_t>(luaL_optinteger(lua, 3, 1));
  luaL_argcheck(lua, pos > 0, 3, "offset must be 1 or greater");
  --pos;
  Layout layout;
  int results = 0;
  while (*fmt != '\0') {
    const int opt = static_cast<unsigned char>(*fmt++);
    size_t size = option_size(lua, opt, fmt);
    // A start past the end is short already; checking first keeps the padding from
    // wrapping a huge position around to a small one.
    luaL_argcheck(lua, pos <= length, 2, "data string too short");
    pos += padding(pos, layout, opt, size);
    luaL_argcheck(lua, fits(pos, size, length), 2, "data string too short");
    luaL_checkstack(lua, 2, "too many results");  // this item and the final position
    if (is_integer_option(opt)) {
      const bool is_signed = opt >= 'a' && opt <= 'z';
      lua_pushnumber(lua, unpack_integer(reinterpret_cast<const unsigned char*>(data + pos), layout.endian,
                                         is_signed, size));
      ++results;
      pos += size;
      continue;
    }
    switch (opt) {
      case 'x':
        break;
      case 'f':
        lua_pushnumber(lua, std::bit_cast<float>(read_ordered<4>(data + pos, layout.endian)));
        ++results;
        break;
      case 'd':
        lua_pushnumber(lua, std::bit_cast<double>(read_ordered<8>(data + pos, layout.endian)));
        ++results;
        break;
      case 'c':
        if (size == 0) {  // "c0": the length is the previous result, which it replaces
          if (results == 0 || !lua_isnumber(lua, -1)) luaL_error(lua, "format 'c0' needs a previous size");
          size = to_uint64_like_x86(lua_tonumber(lua, -1));
          lua_pop(lua, 1);
          --results;
          luaL_argcheck(lua, fits(pos, size, length), 2, "data string too short");
        }
        lua_pushlstring(lua, data + pos, size);
        ++results;
        break;
      case 's': {
        const void* end = std::memchr(data + pos, '\0', length - pos);
        if (end == nullptr) luaL_error(lua, "unfinished string in data");
        const size_t text_length = static_cast<size_t>(static_cast<const char*>(end) - (data + pos));
        lua_pushlstring(lua, data + pos, text_length);
        ++results;
        size = text_length + 1;
        break;
      }
      default:
        control_option(lua, opt, fmt, layout);
    }
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos + 1));
  return results + 1;
}

// ---- size -------------------------------------------------------------------------------

int struct_size(lua_State* lua) {
  const char* fmt = luaL_checkstring(lua, 1);
  Layout layout;
  size_t pos = 0;
  while (*fmt != '\0') {
    const int opt = static_cast<unsigned char>(*fmt++);
    const size_t size = option_size(lua, opt, fmt);
    pos += padding(pos, layout, opt, size);
    if (opt == 's') {
      luaL_argerror(lua, 1, "option 's' has no fixed size");
    } else if (opt == 'c' && size == 0) {
      luaL_argerror(lua, 1, "option 'c0' has no fixed size");
    }
    if (!is_alnum(opt)) control_option(lua, opt, fmt, layout);
    pos += size;
  }
  lua_pushinteger(lua, static_cast<lua_Integer>(pos));
  return 1;
}

}  // namespace

int luaopen_struct(lua_State* lua) {
  lua_newtable(lua);
  const luaL_Reg functions[] = {{"pack", struct_pack}, {"unpack", struct_unpack}, {"size", struct_size}};
  for (const luaL_Reg& function : functions) {
    lua_pushcfunction(lua, function.func);
    lua_setfield(lua, -2, function.name);
  }
  return 1;
}
