// cmsgpack for the script engine: MessagePack encoding and decoding with the API, bytes
// and error texts of the copy Redis 7.0 bundles (see lua_cmsgpack.h). Every expectation
// in tests/unit/lua_cmsgpack_test.cc was read off redis-server 7.0.15.
//
// Lua errors here are C++ exceptions (Debian's liblua5.1-c++), so std::string buffers
// are released when luaL_error unwinds through them.
//
// Stack use mirrors Redis's, because scripts can observe it: the Lua stack of one C call
// holds at most 8000 slots, and where Redis runs out (and with which message) depends on
// how many slots each nesting level takes. Decoding an array takes two per level (the
// table and the index being filled), a map two (table and key) or one while its key is
// being decoded; encoding a table takes one slot per array level, two per map value and
// three per map key. The checks and their messages are placed where Redis places them.

#include "scripting/lua_cmsgpack.h"

#include <lua.hpp>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

namespace {

constexpr int kMaxNesting = 16;  // tables this deep are encoded as nil
constexpr const char* kMissingBytes = "Missing bytes in input.";
constexpr const char* kBadFormat = "Bad data format in input.";
constexpr const char* kTooManyValues =
    "too many return values at once; use unpack_one or unpack_limit instead.";

// ---- encoding ---------------------------------------------------------------------------

void put_byte(std::string& out, unsigned value) { out.push_back(static_cast<char>(value & 0xff)); }

// `bytes` bytes of `value`, most significant first (msgpack is big-endian throughout).
void put_big_endian(std::string& out, uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) put_byte(out, static_cast<unsigned>(value >> shift));
}

void put_header(std::string& out, unsigned type, uint64_t value, int bytes) {
  put_byte(out, type);
  put_big_endian(out, value, bytes);
}

void encode_integer(std::string& out, int64_t value) {
  if (value >= 0) {
    if (value <= 0x7f) {
      put_byte(out, static_cast<unsigned>(value));  // positive fixint
    } else if (value <= 0xff) {
      put_header(out, 0xcc, static_cast<uint64_t>(value), 1);
    } else if (value <= 0xffff) {
      put_header(out, 0xcd, static_cast<uint64_t>(value), 2);
    } else if (value <= 0xffffffffLL) {
      put_header(out, 0xce, static_cast<uint64_t>(value), 4);
    } else {
      put_header(out, 0xcf, static_cast<uint64_t>(value), 8);
    }
    return;
  }
  const auto bits = static_cast<uint64_t>(value);
  if (value >= -32) {
    put_byte(out, static_cast<unsigned>(bits));  // negative fixint 0xe0..0xff
  } else if (value >= -128) {
    put_header(out, 0xd0, bits, 1);
  } else if (value >= -32768) {
    put_header(out, 0xd1, bits, 2);
  } else if (value >= INT32_MIN) {
    put_header(out, 0xd2, bits, 4);
  } else {
    put_header(out, 0xd3, bits, 8);
  }
}

// float32 when converting to float and back gives the same double (+-inf do), else
// float64. Finite values beyond FLT_MAX never survive the trip; they are tested first so
// that no out-of-range conversion happens.
void encode_double(std::string& out, double value) {
  if (!std::isnan(value) && !(std::isfinite(value) && std::fabs(value) > FLT_MAX)) {
    const auto narrow = static_cast<float>(value);
    if (static_cast<double>(narrow) == value) {
      put_header(out, 0xca, std::bit_cast<uint32_t>(narrow), 4);
      return;
    }
  }
  put_header(out, 0xcb, std::bit_cast<uint64_t>(value), 8);
}

// Integers are numbers an int64 holds exactly (-0 counts, as 0); the rest are floats.
void encode_number(std::string& out, double value) {
  if (value >= -0x1p63 && value < 0x1p63 && std::trunc(value) == value) {
    encode_integer(out, static_cast<int64_t>(value));
  } else {
    encode_double(out, value);
  }
}

void encode_string(std::string& out, const char* data, size_t length) {
  if (length < 32) {
    put_byte(out, 0xa0 | static_cast<unsigned>(length));
  } else if (length <= 0xff) {
    put_header(out, 0xd9, length, 1);
  } else if (length <= 0xffff) {
    put_header(out, 0xda, length, 2);
  } else {
    put_header(out, 0xdb, static_cast<uint32_t>(length), 4);
  }
  out.append(data, length);
}

// Array and map headers share their layout: a fix form for up to 15 entries, then 16-
// and 32-bit counts.
void encode_container_header(std::string& out, size_t count, unsigned fix, unsigned type16, unsigned type32) {
  if (count <= 15) {
    put_byte(out, fix | static_cast<unsigned>(count));
  } else if (count <= 0xffff) {
    put_header(out, type16, count, 2);
  } else {
    put_header(out, type32, static_cast<uint32_t>(count), 4);
  }
}

// Whether the table on top of the stack has exactly the keys 1..n (n >= 0), every key a
// number that is an integer in 1..INT_MAX. Sets `count` to n when it is.
bool is_array(lua_State* lua, size_t& count) {
  luaL_checkstack(lua, 2, "in function table_is_an_array");
  const int top = lua_gettop(lua);
  double max = 0;
  count = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);  // the value; the key stays for lua_next
    const double key = lua_type(lua, -1) == LUA_TNUMBER ? lua_tonumber(lua, -1) : 0;
    if (!(key >= 1 && key <= INT32_MAX && std::trunc(key) == key)) {
      lua_settop(lua, top);
      return false;
    }
    if (key > max) max = key;
    ++count;
  }
  return max == static_cast<double>(count);
}

void encode_value(lua_State* lua, std::string& out, int level);

// The array on top of the stack: its elements 1..count, one level deeper.
void encode_array(lua_State* lua, std::string& out, size_t count, int level) {
  encode_container_header(out, count, 0x90, 0xdc, 0xdd);
  for (size_t i = 1; i <= count; ++i) {
    lua_rawgeti(lua, -1, static_cast<int>(i));
    encode_value(lua, out, level + 1);
    lua_pop(lua, 1);
  }
}

// The map on top of the stack: its pairs in next() order, keys and values one level
// deeper. A key is encoded from a copy (three slots above the table), a value in place.
void encode_map(lua_State* lua, std::string& out, int level) {
  luaL_checkstack(lua, 3, "in function mp_encode_lua_table_as_map");
  size_t count = 0;
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pop(lua, 1);
    ++count;
  }
  encode_container_header(out, count, 0x80, 0xde, 0xdf);
  lua_pushnil(lua);
  while (lua_next(lua, -2) != 0) {
    lua_pushvalue(lua, -2);
    encode_value(lua, out, level + 1);
    lua_pop(lua, 1);
    encode_value(lua, out, level + 1);
    lua_pop(lua, 1);
  }
}

// Appends the msgpack of the value on top of the stack (left in place).
void encode_value(lua_State* lua, std::string& out, int level) {
  switch (lua_type(lua, -1)) {
    case LUA_TNUMBER:
      encode_number(out, lua_tonumber(lua, -1));
      return;
    case LUA_TSTRING: {
      size_t length = 0;
      const char* data = lua_tolstring(lua, -1, &length);
      encode_string(out, data, length);
      return;
    }
    case LUA_TBOOLEAN:
      put_byte(out, lua_toboolean(lua, -1) ? 0xc3 : 0xc2);
      return;
    case LUA_TTABLE:
      if (level < kMaxNesting) {
        size_t count = 0;
        if (is_array(lua, count)) {
          encode_array(lua, out, count, level);
        } else {
          encode_map(lua, out, level);
        }
        return;
      }
      break;
    default:
      break;
  }
  put_byte(out, 0xc0);  // nil, tables past the nesting limit, functions, threads, userdata
}

// cmsgpack.pack(...): each argument's encoding is pushed as it is made (Redis reserves a
// slot per argument first, hence its "Too many arguments" limit), then all are joined.
int pack(lua_State* lua) {
  const int count = lua_gettop(lua);
  if (count == 0) return luaL_argerror(lua, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(lua, count)) return luaL_argerror(lua, 0, "Too many arguments for MessagePack pack.");
  for (int i = 1; i <= count; ++i) {
    std::string out;
    lua_pushvalue(lua, i);
    encode_value(lua, out, 0);
    lua_pop(lua, 1);
    lua_pushlstring(lua, out.data(), out.size());
  }
  lua_concat(lua, count);
  return 1;
}

// ---- decoding ---------------------------------------------------------------------------

struct Cursor {
  const unsigned char* data;
  size_t left;
};

void need(lua_State* lua, const Cursor& cursor, size_t bytes) {
  if (cursor.left < bytes) luaL_error(lua, "%s", kMissingBytes);
}

uint64_t read_big_endian(const unsigned char* data, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = value << 8 | data[i];
  return value;
}

void skip(Cursor& cursor, size_t bytes) {
  cursor.data += bytes;
  cursor.left -= bytes;
}

// Reads a `bytes`-wide big-endian field after the type byte and moves past both.
uint64_t take_field(lua_State* lua, Cursor& cursor, int bytes) {
  need(lua, cursor, 1 + static_cast<size_t>(bytes));
  const uint64_t value = read_big_endian(cursor.data + 1, bytes);
  skip(cursor, 1 + static_cast<size_t>(bytes));
  return value;
}

void decode_value(lua_State* lua, Cursor& cursor);

void decode_string(lua_State* lua, Cursor& cursor, size_t length) {
  need(lua, cursor, length);
  lua_pushlstring(lua, reinterpret_cast<const char*>(cursor.data), length);
  skip(cursor, length);
}

void decode_array(lua_State* lua, Cursor& cursor, uint64_t count) {
  lua_newtable(lua);
  luaL_checkstack(lua, 1, "in function mp_decode_to_lua_array");
  for (uint64_t i = 1; i <= count; ++i) {
    lua_pushnumber(lua, static_cast<lua_Number>(i));
    decode_value(lua, cursor);
    lua_rawset(lua, -3);
  }
}

// A nil or NaN key raises Lua's own "table index is nil" / "table index is NaN".
void decode_map(lua_State* lua, Cursor& cursor, uint64_t count) {
  lua_newtable(lua);
  for (uint64_t i = 0; i < count; ++i) {
    decode_value(lua, cursor);
    decode_value(lua, cursor);
    lua_rawset(lua, -3);
  }
}

// Pushes the object at the cursor and moves past it. A missing type byte is reported
// before a full stack, a full stack before a bad type byte, as Redis does.
void decode_value(lua_State* lua, Cursor& cursor) {
  need(lua, cursor, 1);
  luaL_checkstack(lua, 1, kTooManyValues);
  const unsigned type = cursor.data[0];
  switch (type) {
    case 0xc0:
      lua_pushnil(lua);
      skip(cursor, 1);
      return;
    case 0xc2:
    case 0xc3:
      lua_pushboolean(lua, type == 0xc3);
      skip(cursor, 1);
      return;
    case 0xca:
      lua_pushnumber(lua, std::bit_cast<float>(static_cast<uint32_t>(take_field(lua, cursor, 4))));
      return;
    case 0xcb:
      lua_pushnumber(lua, std::bit_cast<double>(take_field(lua, cursor, 8)));
      return;
    case 0xcc:
      lua_pushnumber(lua, static_cast<lua_Number>(take_field(lua, cursor, 1)));
      return;
    case 0xcd:
      lua_pushnumber(lua, static_cast<lua_Number>(take_field(lua, cursor, 2)));
      return;
    case 0xce:
      lua_pushnumber(lua, static_cast<lua_Number>(take_field(lua, cursor, 4)));
      return;
    case 0xcf:  // Redis reads uint64 as a signed value: ff..ff is -1
    case 0xd3:
      lua_pushnumber(lua, static_cast<lua_Number>(static_cast<int64_t>(take_field(lua, cursor, 8))));
      return;
    case 0xd0:
      lua_pushnumber(lua, static_cast<int8_t>(take_field(lua, cursor, 1)));
      return;
    case 0xd1:
      lua_pushnumber(lua, static_cast<int16_t>(take_field(lua, cursor, 2)));
      return;
    case 0xd2:
      lua_pushnumber(lua, static_cast<int32_t>(take_field(lua, cursor, 4)));
      return;
    case 0xd9:
      decode_string(lua, cursor, take_field(lua, cursor, 1));
      return;
    case 0xda:
      decode_string(lua, cursor, take_field(lua, cursor, 2));
      return;
    case 0xdb:
      decode_string(lua, cursor, take_field(lua, cursor, 4));
      return;
    case 0xdc:
      decode_array(lua, cursor, take_field(lua, cursor, 2));
      return;
    case 0xdd:
      decode_array(lua, cursor, take_field(lua, cursor, 4));
      return;
    case 0xde:
      decode_map(lua, cursor, take_field(lua, cursor, 2));
      return;
    case 0xdf:
      decode_map(lua, cursor, take_field(lua, cursor, 4));
      return;
    default:
      break;
  }
  if (type < 0x80 || type >= 0xe0) {  // positive and negative fixint
    lua_pushnumber(lua, static_cast<int8_t>(type));
    skip(cursor, 1);
  } else if ((type & 0xe0) == 0xa0) {
    skip(cursor, 1);
    decode_string(lua, cursor, type & 0x1f);
  } else if ((type & 0xf0) == 0x90) {
    skip(cursor, 1);
    decode_array(lua, cursor, type & 0x0f);
  } else if ((type & 0xf0) == 0x80) {
    skip(cursor, 1);
    decode_map(lua, cursor, type & 0x0f);
  } else {
    luaL_error(lua, "%s", kBadFormat);  // 0xc1, bin, ext and fixext
  }
}

// The three unpack functions. `limit` 0 with `offset` 0 means every object and no offset
// in the results; otherwise the next offset (or -1 at the end) comes first. The function's
// only argument left on the stack is the string, so the results start at index 2. The
// messages print both numbers as C ints, and the "limit" Redis prints is the length.
int unpack_with(lua_State* lua, lua_Integer limit, lua_Integer offset) {
  size_t length = 0;
  const char* input = luaL_checklstring(lua, 1, &length);
  if (offset < 0 || limit < 0) {
    return luaL_error(lua, "Invalid request to unpack with offset of %d and limit of %d.",
                      static_cast<int>(offset), static_cast<int>(length));
  }
  if (static_cast<uint64_t>(offset) > length) {
    return luaL_error(lua, "Start offset %d greater than input length %d.", static_cast<int>(offset),
                      static_cast<int>(length));
  }
  const bool everything = limit == 0 && offset == 0;
  Cursor cursor{reinterpret_cast<const unsigned char*>(input) + offset, length - static_cast<size_t>(offset)};
  int results = 0;
  while (cursor.left > 0 && (everything || results < limit)) {
    decode_value(lua, cursor);
    ++results;
  }
  if (everything) return results;
  luaL_checkstack(lua, 1, "in function mp_unpack_full");
  lua_pushinteger(lua, cursor.left == 0 ? -1 : static_cast<lua_Integer>(length - cursor.left));
  lua_insert(lua, 2);
  return results + 1;
}

// Drops every argument after the string (not adding one when there is none, so a missing
// string still reads "got no value").
void keep_first_argument(lua_State* lua) {
  if (lua_gettop(lua) > 1) lua_settop(lua, 1);
}

int unpack(lua_State* lua) { return unpack_with(lua, 0, 0); }

int unpack_one(lua_State* lua) {
  const lua_Integer offset = luaL_optinteger(lua, 2, 0);
  keep_first_argument(lua);
  return unpack_with(lua, 1, offset);
}

int unpack_limit(lua_State* lua) {
  const lua_Integer limit = luaL_checkinteger(lua, 2);
  const lua_Integer offset = luaL_optinteger(lua, 3, 0);
  keep_first_argument(lua);
  return unpack_with(lua, limit, offset);
}

}  // namespace

int luaopen_cmsgpack(lua_State* lua) {
  lua_newtable(lua);
  const luaL_Reg functions[] = {
      {"pack", pack}, {"unpack", unpack}, {"unpack_one", unpack_one}, {"unpack_limit", unpack_limit}};
  for (const luaL_Reg& function : functions) {
    lua_pushcfunction(lua, function.func);
    lua_setfield(lua, -2, function.name);
  }
  const std::pair<const char*, const char*> fields[] = {{"_NAME", "cmsgpack"},
                                                        {"_VERSION", "lua-cmsgpack 0.4.0"},
                                                        {"_DESCRIPTION", "MessagePack C implementation for Lua"}};
  for (const auto& [name, value] : fields) {
    lua_pushstring(lua, value);
    lua_setfield(lua, -2, name);
  }
  return 1;
}
