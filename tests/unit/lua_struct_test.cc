// Unit tests for scripting/lua_struct: every expectation in the case tables was taken
// from redis-server 7.0.15 by running the same Lua text there with EVAL (see
// LuaModuleTest::run), so bytes, values, positions, error texts and stack limits are Redis's.

#include "scripting/lua_struct.h"

#include <gtest/gtest.h>
#include <lua.hpp>

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "lua_test_support.h"

namespace {

using corvid::lua_testing::Case;

class LuaStruct : public corvid::lua_testing::LuaModuleTest {
 protected:
  LuaStruct() : LuaModuleTest(luaopen_struct, "struct") {}

  // struct.<function>(args...) called from C, the arguments made by the Lua expression
  // list `args`: "" when it succeeds, else its error message.
  std::string call_error(const char* function, const std::string& args) {
    std::string chunk = "return struct.";
    chunk.append(function).append("(").append(args).append(")");
    std::string error;
    if (luaL_loadbuffer(lua_, chunk.data(), chunk.size(), "=call") != 0 || lua_pcall(lua_, 0, LUA_MULTRET, 0) != 0) {
      error = lua_tostring(lua_, -1);
    }
    lua_settop(lua_, 0);
    return error;
  }
};

// b B h H l L T i I, and i/I with sizes 0..32, little- and big-endian.
TEST_F(LuaStruct, PacksIntegerFormats) {
  check({
      {R"lua(return hex(struct.pack('b', -1)), hex(struct.pack('b', 127)), hex(struct.pack('b', )lua"
       R"lua(128)), hex(struct.pack('b', 256)))lua",
       R"lua("ff" "7f" "80" "00")lua"},
      {R"lua(return hex(struct.pack('B', 255)), hex(struct.pack('B', -1)), hex(struct.pack('<b', 2^40 )lua"
       R"lua(+ 5)))lua",
       R"lua("ff" "ff" "05")lua"},
      {R"lua(return hex(struct.pack('<h', 1)), hex(struct.pack('>h', 1)), hex(struct.pack('<h', -2)), )lua"
       R"lua(hex(struct.pack('<H', 65535)))lua",
       R"lua("0100" "0001" "feff" "ffff")lua"},
      {R"lua(return hex(struct.pack('<l', 1)), hex(struct.pack('>L', 1)), hex(struct.pack('<T', 1)), )lua"
       R"lua(hex(struct.pack('>l', -2)))lua",
       R"lua("0100000000000000" "0000000000000001" "0100000000000000" "fffffffffffffffe")lua"},
      {R"lua(return hex(struct.pack('<i', 1)), hex(struct.pack('>I', 1)), hex(struct.pack('i', )lua"
       R"lua(2^31)), hex(struct.pack('h', 1)))lua",
       R"lua("01000000" "00000001" "00000080" "0100")lua"},
      {R"lua(return hex(struct.pack('<I', 4294967296 + 7)), hex(struct.pack('<i', -4294967296 - 7)))lua",
       R"lua("07000000" "f9ffffff")lua"},
      {R"lua(return hex(struct.pack('<i1', 1)), hex(struct.pack('<i3', -2)), hex(struct.pack('>i3', )lua"
       R"lua(-2)), hex(struct.pack('<i8', -2)))lua",
       R"lua("01" "feffff" "fffffe" "feffffffffffffff")lua"},
      {R"lua(return hex(struct.pack('<i9', -2)), hex(struct.pack('>i9', -2)), hex(struct.pack('<I16', )lua"
       R"lua(1)), hex(struct.pack('>I12', 258)))lua",
       R"lua("feffffffffffffff00" "00fffffffffffffffe" "01000000000000000000000000000000" )lua"
       R"lua("000000000000000000000102")lua"},
      {R"lua(return hex(struct.pack('<i32', -1)))lua",
       R"lua("ffffffffffffffff000000000000000000000000000000000000000000000000")lua"},
      {R"lua(return hex(struct.pack('<i0', 5)), hex(struct.pack('<I0', 5)), hex(struct.pack('<<>>h', )lua"
       R"lua(1)), hex(struct.pack('', 1)))lua",
       R"lua("" "" "0001" "")lua"},
      {R"lua(return hex(struct.pack('b', '12')), hex(struct.pack('<l', 1.9)), hex(struct.pack('<l', )lua"
       R"lua(-1.9)))lua",
       R"lua("0c" "0100000000000000" "ffffffffffffffff")lua"},
  });
}

// Negative numbers convert through int64, the rest through uint64, as x86-64 does:
// 0x8000000000000000 or wrap-around.
TEST_F(LuaStruct, PacksOutOfRangeNumbersAsX86Does) {
  check({
      {R"lua(return hex(struct.pack('<L', -1)), hex(struct.pack('<l', 2^63)), hex(struct.pack('<L', )lua"
       R"lua(2^63)), hex(struct.pack('<L', 2^64)))lua",
       R"lua("ffffffffffffffff" "0000000000000080" "0000000000000080" "0000000000000000")lua"},
      {R"lua(return hex(struct.pack('<L', 1e30)), hex(struct.pack('<l', -1e30)), )lua"
       R"lua(hex(struct.pack('<L', 2^63 + 2^11)), hex(struct.pack('<L', 2^64 - 2^11)))lua",
       R"lua("0000000000000000" "0000000000000080" "0008000000000080" "00f8ffffffffffff")lua"},
      {R"lua(return hex(struct.pack('<L', 0/0)), hex(struct.pack('<l', 0/0)), hex(struct.pack('<L', )lua"
       R"lua(1/0)), hex(struct.pack('<L', -1/0)))lua",
       R"lua("0000000000000080" "0000000000000080" "0000000000000000" "0000000000000080")lua"},
      {R"lua(return hex(struct.pack('<l', -2^63)), hex(struct.pack('<l', -2^63 - 2^11)), )lua"
       R"lua(hex(struct.pack('>i', 1e30)), hex(struct.pack('>i', -1e30)))lua",
       R"lua("0000000000000080" "0000000000000080" "00000000" "00000000")lua"},
  });
}

// Out-of-range floats round to FLT_MAX or infinity as x86 does.
TEST_F(LuaStruct, PacksFloatsAndDoubles) {
  check({
      {R"lua(return hex(struct.pack('<f', 1.5)), hex(struct.pack('>f', 1.5)), hex(struct.pack('<f', )lua"
       R"lua(0.1)), hex(struct.pack('<f', -0.0)))lua",
       R"lua("0000c03f" "3fc00000" "cdcccc3d" "00000080")lua"},
      {R"lua(return hex(struct.pack('<d', 0.1)), hex(struct.pack('>d', 0.1)), hex(struct.pack('<d', )lua"
       R"lua(-0.0)), hex(struct.pack('d', '1.5')))lua",
       R"lua("9a9999999999b93f" "3fb999999999999a" "0000000000000080" "000000000000f83f")lua"},
      {R"lua(return hex(struct.pack('<f', 1e300)), hex(struct.pack('<f', -2^200)), )lua"
       R"lua(hex(struct.pack('<f', 1/0)), hex(struct.pack('<f', 1e-50)))lua",
       R"lua("0000807f" "000080ff" "0000807f" "00000000")lua"},
      {R"lua(return hex(struct.pack('<f', 3.4028235677973366e+38)), hex(struct.pack('<f', )lua"
       R"lua(3.4028235e38)), hex(struct.pack('<f', 3.4028235677973362e+38)), hex(struct.pack('<f', )lua"
       R"lua(-3.4028235677973366e+38)))lua",
       R"lua("0000807f" "ffff7f7f" "ffff7f7f" "000080ff")lua"},
      {R"lua(return hex(struct.pack('<f', 0/0)), hex(struct.pack('<d', 0/0)), hex(struct.pack('>d', )lua"
       R"lua(1/0)))lua",
       R"lua("0000c0ff" "000000000000f8ff" "7ff0000000000000")lua"},
  });
}

// s, c, cN, c0, x and ' '.
TEST_F(LuaStruct, PacksStringsPaddingAndSpaces) {
  check({
      {R"lua(return hex(struct.pack('s', 'abc')), hex(struct.pack('s', 'a\0b')), hex(struct.pack('s', )lua"
       R"lua('')))lua",
       R"lua("61626300" "61006200" "00")lua"},
      {R"lua(return hex(struct.pack('c', 'abc')), hex(struct.pack('c2', 'abc')), )lua"
       R"lua(hex(struct.pack('c3', 'abc')), hex(struct.pack('c', 1)))lua",
       R"lua("61" "6162" "616263" "31")lua"},
      {R"lua(return hex(struct.pack('c0', 'abc')), hex(struct.pack('c0', '')), )lua"
       R"lua(hex(struct.pack('c0c0', 'ab', 'cd')))lua",
       R"lua("616263" "" "61626364")lua"},
      {R"lua(return hex(struct.pack('x')), hex(struct.pack('xx')), hex(struct.pack('bxb', 1, 2)), )lua"
       R"lua(hex(struct.pack(' b b ', 1, 2)))lua",
       R"lua("00" "0000" "010002" "0102")lua"},
      {R"lua(return hex(struct.pack('b\0b', 1, 2)), hex(struct.pack('b', 1, 2, 3)))lua",
       R"lua("01" "01")lua"},
  });
}

// '!n' aligns to min(size, n) by Redis's formula (odd for non-power-of-2 sizes); bare '!'
// means 8; c, s and x are never aligned.
TEST_F(LuaStruct, PacksWithAlignment) {
  check({
      {R"lua(return hex(struct.pack('!bi', 1, 2)), hex(struct.pack('!bh', 1, 2)), )lua"
       R"lua(hex(struct.pack('!bd', 1, 2)), hex(struct.pack('!bf', 1, 2)))lua",
       R"lua("0100000002000000" "01000200" "01000000000000000000000000000040" "0100000000000040")lua"},
      {R"lua(return hex(struct.pack('!bl', 1, 2)), hex(struct.pack('!bT', 1, 2)), )lua"
       R"lua(hex(struct.pack('!2bi', 1, 2)), hex(struct.pack('!4bd', 1, 2)))lua",
       R"lua("01000000000000000200000000000000" "01000000000000000200000000000000" "010002000000" )lua"
       R"lua("010000000000000000000040")lua"},
      {R"lua(return hex(struct.pack('!16bd', 1, 2)), hex(struct.pack('>!4hd', 1, 2)), )lua"
       R"lua(hex(struct.pack('!b!1i', 1, 2)), hex(struct.pack('!1bi', 1, 2)))lua",
       R"lua("01000000000000000000000000000040" "000100004000000000000000" "0102000000" "0102000000")lua"},
      {R"lua(return hex(struct.pack('!bc3', 1, 'abc')), hex(struct.pack('!bs', 1, 'abc')), )lua"
       R"lua(hex(struct.pack('!bx', 1)), hex(struct.pack('!', 1)))lua",
       R"lua("01616263" "0161626300" "0100" "")lua"},
      {R"lua(return hex(struct.pack('!bi16', 1, 2)), hex(struct.pack('!bi3', 1, 2)), )lua"
       R"lua(hex(struct.pack('!bi5', 1, 2)), hex(struct.pack('!4bi3', 1, 2)))lua",
       R"lua("010000000000000002000000000000000000000000000000" "010000020000" "01000000000200000000" )lua"
       R"lua("010000020000")lua"},
      {R"lua(return hex(struct.pack('!8i3i3i3', 1, 2, 3)), hex(struct.pack('!8i5i5', 1, 2)), )lua"
       R"lua(hex(struct.pack('!8i6i6i6', 1, 2, 3)))lua",
       R"lua("00000100000000020000030000" "000000000100000000000000000200000000" )lua"
       R"lua("0000000001000000000000000000020000000000030000000000")lua"},
      {R"lua(return hex(struct.pack('!8bi7', 1, 2)), hex(struct.pack('!8bbi7', 1, 1, 2)), )lua"
       R"lua(hex(struct.pack('!8bbbbi7', 1, 1, 1, 1, 2)))lua",
       R"lua("0100000000000002000000000000" "01010000000002000000000000" "01010101000002000000000000")lua"},
  });
}

// '=' is not an option in this version; a short string blames the next argument; the
// first missing argument reads "got nil".
TEST_F(LuaStruct, PackErrors) {
  check({
      {R"lua(return struct.pack())lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (string expected, got no value))lua"},
      {R"lua(return struct.pack({}))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (string expected, got table))lua"},
      {R"lua(return struct.pack(1))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option '1'))lua"},
      {R"lua(return struct.pack('=h', 1))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option '='))lua"},
      {R"lua(return struct.pack('z', 1))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option 'z'))lua"},
      {R"lua(return struct.pack('\200'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option '\xc8'))lua"},
      {R"lua(return struct.pack('c-1', 'a'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option '-'))lua"},
      {R"lua(return struct.pack('i 2', 1))lua",
       R"lua(error: user_script:1: bad argument #1 to 'pack' (invalid format option '2'))lua"},
      {R"lua(return struct.pack('<i33', -1))lua",
       R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua"},
      {R"lua(return struct.pack('<i2147483647', 1))lua",
       R"lua(error: user_script:1: integral size 2147483647 is larger than limit of 32)lua"},
      {R"lua(return struct.pack('<i2147483648', 1))lua",
       R"lua(error: user_script:1: integral size overflow)lua"},
      {R"lua(return struct.pack('<i99999999999', 1))lua",
       R"lua(error: user_script:1: integral size overflow)lua"},
      {R"lua(return struct.pack('c2147483648', 'a'))lua",
       R"lua(error: user_script:1: integral size overflow)lua"},
      {R"lua(return struct.pack('!3bi', 1, 2))lua",
       R"lua(error: user_script:1: alignment 3 is not a power of 2)lua"},
      {R"lua(return struct.pack('!0bi', 1, 2))lua",
       R"lua(error: user_script:1: alignment 0 is not a power of 2)lua"},
      {R"lua(return struct.pack('!2147483648', 1))lua",
       R"lua(error: user_script:1: integral size overflow)lua"},
      {R"lua(return struct.pack('b'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'pack' (number expected, got nil))lua"},
      {R"lua(return struct.pack('bb', 1))lua",
       R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua"},
      {R"lua(return struct.pack('bbb', 1))lua",
       R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua"},
      {R"lua(return struct.pack('bd', 1))lua",
       R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua"},
      {R"lua(return struct.pack('b', 'x'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'pack' (number expected, got string))lua"},
      {R"lua(return struct.pack('f', 'x'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'pack' (number expected, got string))lua"},
      {R"lua(return struct.pack('s'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'pack' (string expected, got nil))lua"},
      {R"lua(return struct.pack('c', {}))lua",
       R"lua(error: user_script:1: bad argument #2 to 'pack' (string expected, got table))lua"},
      {R"lua(return struct.pack('c0b', 'x'))lua",
       R"lua(error: user_script:1: bad argument #3 to 'pack' (number expected, got nil))lua"},
      {R"lua(return struct.pack('c4', 'abc'))lua",
       R"lua(error: user_script:1: bad argument #3 to 'pack' (string too short))lua"},
      {R"lua(return struct.pack('bc2', 1, 'a'))lua",
       R"lua(error: user_script:1: bad argument #4 to 'pack' (string too short))lua"},
      {R"lua(return struct.pack('bbbc5', 1, 2, 3, 'a'))lua",
       R"lua(error: user_script:1: bad argument #6 to 'pack' (string too short))lua"},
      {R"lua(return struct.pack('c2147483647', 'a'))lua",
       R"lua(error: user_script:1: bad argument #3 to 'pack' (string too short))lua"},
  });
}

TEST_F(LuaStruct, UnpacksIntegerFormats) {
  check({
      {R"lua(return struct.unpack('b', '\255'))lua",
       R"lua(-1 2)lua"},
      {R"lua(return struct.unpack('B', '\255'))lua",
       R"lua(255 2)lua"},
      {R"lua(return struct.unpack('<h', '\254\255'))lua",
       R"lua(-2 3)lua"},
      {R"lua(return struct.unpack('>h', '\254\255'))lua",
       R"lua(-257 3)lua"},
      {R"lua(return struct.unpack('<H', '\254\255'))lua",
       R"lua(65534 3)lua"},
      {R"lua(return struct.unpack('<i', '\1\2\3\4'))lua",
       R"lua(67305985 5)lua"},
      {R"lua(return struct.unpack('>I', '\1\2\3\4'))lua",
       R"lua(16909060 5)lua"},
      {R"lua(return struct.unpack('<l', '\255\255\255\255\255\255\255\255'))lua",
       R"lua(-1 9)lua"},
      {R"lua(return struct.unpack('<L', '\255\255\255\255\255\255\255\255'))lua",
       R"lua(1.8446744073709552e+19 9)lua"},
      {R"lua(return struct.unpack('>l', '\128\0\0\0\0\0\0\1'))lua",
       R"lua(-9.2233720368547758e+18 9)lua"},
      {R"lua(return struct.unpack('<L', '\1\0\0\0\0\0\0\128'))lua",
       R"lua(9.2233720368547758e+18 9)lua"},
      {R"lua(return struct.unpack('<T', '\1\0\0\0\0\0\0\0'))lua",
       R"lua(1 9)lua"},
      {R"lua(return struct.unpack('<i3', '\254\255\255'))lua",
       R"lua(-2 4)lua"},
      {R"lua(return struct.unpack('<I3', '\254\255\255'))lua",
       R"lua(16777214 4)lua"},
      {R"lua(return struct.unpack('>i3', '\255\255\254'))lua",
       R"lua(-2 4)lua"},
      {R"lua(return struct.unpack('<i8', '\255\255\255\255\255\255\255\127'))lua",
       R"lua(9.2233720368547758e+18 9)lua"},
      {R"lua(return struct.unpack('<I8', '\255\7\0\0\0\0\0\0'))lua",
       R"lua(2047 9)lua"},
      {R"lua(return struct.unpack('<i0', 'abc'))lua",
       R"lua(0 1)lua"},
      {R"lua(return struct.unpack('b', 12))lua",
       R"lua(49 2)lua"},
  });
}

// Past eight bytes only the last eight read survive, the sign taken from bit (8n-1) mod
// 64.
TEST_F(LuaStruct, UnpacksWideIntegersAsRedisDoes) {
  check({
      {R"lua(return struct.unpack('<i9', '\254\255\255\255\255\255\255\255\0'))lua",
       R"lua(-2 10)lua"},
      {R"lua(return struct.unpack('<i9', '\0\0\0\0\0\0\0\0\1'))lua",
       R"lua(0 10)lua"},
      {R"lua(return struct.unpack('>i9', '\1\0\0\0\0\0\0\0\0'))lua",
       R"lua(0 10)lua"},
      {R"lua(return struct.unpack('>i9', '\0\255\0\0\0\0\0\0\0'))lua",
       R"lua(-128 10)lua"},
      {R"lua(return struct.unpack('<i9', '\128\0\0\0\0\0\0\0\0'))lua",
       R"lua(-128 10)lua"},
      {R"lua(return struct.unpack('<I9', '\128\0\0\0\0\0\0\0\0'))lua",
       R"lua(128 10)lua"},
      {R"lua(return struct.unpack('<i16', '\128\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'))lua",
       R"lua(128 17)lua"},
      {R"lua(return struct.unpack('<i16', '\0\0\0\0\0\0\0\128\0\0\0\0\0\0\0\0'))lua",
       R"lua(-9.2233720368547758e+18 17)lua"},
      {R"lua(return struct.unpack('<i12', '\0\0\0\0\0\0\0\1\0\0\0\0'))lua",
       R"lua(-2147483648 13)lua"},
      {R"lua(return struct.unpack('<i12', '\0\0\0\0\0\0\0\0\0\0\0\0'))lua",
       R"lua(0 13)lua"},
      {R"lua(return struct.unpack('>i12', '\9\9\9\9\0\0\0\0\128\0\0\0'))lua",
       R"lua(-2147483648 13)lua"},
      {R"lua(return struct.unpack('<i32', string.rep('\255', 32)))lua",
       R"lua(-1 33)lua"},
      {R"lua(return struct.unpack('<I32', string.rep('\255', 32)))lua",
       R"lua(1.8446744073709552e+19 33)lua"},
      {R"lua(return struct.unpack('>i32', string.rep('\0', 31) .. '\5'))lua",
       R"lua(5 33)lua"},
  });
}

TEST_F(LuaStruct, UnpacksFloatsAndDoubles) {
  check({
      {R"lua(return struct.unpack('<f', '\0\0\192\63'))lua",
       R"lua(1.5 5)lua"},
      {R"lua(return struct.unpack('>f', '\63\192\0\0'))lua",
       R"lua(1.5 5)lua"},
      {R"lua(return struct.unpack('<f', '\205\204\204\61'))lua",
       R"lua(0.10000000149011612 5)lua"},
      {R"lua(return struct.unpack('<f', '\0\0\192\255'))lua",
       R"lua(-nan 5)lua"},
      {R"lua(return struct.unpack('<d', '\154\153\153\153\153\153\185\63'))lua",
       R"lua(0.10000000000000001 9)lua"},
      {R"lua(return struct.unpack('>d', '\63\185\153\153\153\153\153\154'))lua",
       R"lua(0.10000000000000001 9)lua"},
      {R"lua(return struct.unpack('<d', '\0\0\0\0\0\0\240\127'))lua",
       R"lua(inf 9)lua"},
  });
}

// s, c, cN and c0 (whose length is the previous value, which it replaces).
TEST_F(LuaStruct, UnpacksStrings) {
  check({
      {R"lua(return struct.unpack('s', 'abc\0def'))lua",
       R"lua("abc" 5)lua"},
      {R"lua(return struct.unpack('ss', 'abc\0def\0'))lua",
       R"lua("abc" "def" 9)lua"},
      {R"lua(return struct.unpack('c', 'abc'))lua",
       R"lua("a" 2)lua"},
      {R"lua(return struct.unpack('c2', 'abc'))lua",
       R"lua("ab" 3)lua"},
      {R"lua(return struct.unpack('bc0', '\2abc'))lua",
       R"lua("ab" 4)lua"},
      {R"lua(return struct.unpack('bc0', '\0'))lua",
       R"lua("" 2)lua"},
      {R"lua(return struct.unpack('c1c0', '2abc'))lua",
       R"lua("ab" 4)lua"},
      {R"lua(return struct.unpack('fc0', '\0\0\0\64abc'))lua",
       R"lua("ab" 7)lua"},
      {R"lua(return struct.unpack('fc0', '\0\0\32\64abc'))lua",
       R"lua("ab" 7)lua"},
      {R"lua(return struct.unpack('bxb', '\1\2\3'))lua",
       R"lua(1 3 4)lua"},
      {R"lua(return struct.unpack('b\0b', 'ab'))lua",
       R"lua(97 2)lua"},
      {R"lua(return struct.unpack('<hc0b', '\3\0xyz\7'))lua",
       R"lua("xyz" 7 7)lua"},
  });
}

// Alignment counts from the start of the data, not from pos.
TEST_F(LuaStruct, UnpacksWithAlignment) {
  check({
      {R"lua(return struct.unpack('!bi', '\1\0\0\0\2\0\0\0'))lua",
       R"lua(1 2 9)lua"},
      {R"lua(return struct.unpack('!bd', '\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\64'))lua",
       R"lua(1 2 17)lua"},
      {R"lua(return struct.unpack('!bi', '\1\2\0\0\0\0\0\0\0\0\0\0', 2))lua",
       R"lua(2 0 9)lua"},
      {R"lua(return struct.unpack('!4bi3', '\1\0\0\2\0\0'))lua",
       R"lua(1 2 7)lua"},
      {R"lua(return struct.unpack('!4i3', 'abcdefgh', 2))lua",
       R"lua(6710628 7)lua"},
      {R"lua(return struct.unpack('!8i6i6', string.rep('\1', 22)))lua",
       R"lua(1103823438081 1103823438081 21)lua"},
      {R"lua(return struct.unpack('!2hbh', '\1\0\2\0\3\0'))lua",
       R"lua(1 2 3 7)lua"},
  });
}

// pos is 1-based; the last result is the position after the data read.
TEST_F(LuaStruct, UnpackPositions) {
  check({
      {R"lua(return struct.unpack('b', 'abc', 2))lua",
       R"lua(98 3)lua"},
      {R"lua(return struct.unpack('b', 'abc', 3))lua",
       R"lua(99 4)lua"},
      {R"lua(return struct.unpack('', 'abc', 4))lua",
       R"lua(4)lua"},
      {R"lua(return struct.unpack('', 'abc', 5))lua",
       R"lua(5)lua"},
      {R"lua(return struct.unpack('', 'abc', 100))lua",
       R"lua(100)lua"},
      {R"lua(return struct.unpack('', 'abc', -1))lua",
       R"lua(-1)lua"},
      {R"lua(return struct.unpack('', 'abc', -5))lua",
       R"lua(-5)lua"},
      {R"lua(return struct.unpack('', 'abc', 2^64))lua",
       R"lua(-9.2233720368547758e+18)lua"},
      {R"lua(return struct.unpack('', 'abc', 0/0))lua",
       R"lua(-9.2233720368547758e+18)lua"},
      {R"lua(return struct.unpack('<', 'abc', 4))lua",
       R"lua(4)lua"},
      {R"lua(return struct.unpack('b', 'abc', 2.9))lua",
       R"lua(98 3)lua"},
      {R"lua(return struct.unpack('b', 'abc', '2'))lua",
       R"lua(98 3)lua"},
      {R"lua(return struct.unpack('b', 'abc', nil))lua",
       R"lua(97 2)lua"},
      {R"lua(return struct.unpack('!4i0', 'abcdefgh', 9))lua",
       R"lua(0 9)lua"},
      {R"lua(return struct.unpack('!4bi0', 'abcdefgh', 8))lua",
       R"lua(104 0 9)lua"},
      {R"lua(local s = struct.pack('>hsB', 7, 'hi', 9) local a, b, c, n = struct.unpack('>hsB', s) )lua"
       R"lua(return a, b, c, n, #s)lua",
       R"lua(7 "hi" 9 7 6)lua"},
  });
}

TEST_F(LuaStruct, UnpackErrors) {
  check({
      {R"lua(return struct.unpack())lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack' (string expected, got no value))lua"},
      {R"lua(return struct.unpack('b'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (string expected, got no value))lua"},
      {R"lua(return struct.unpack('b', {}))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (string expected, got table))lua"},
      {R"lua(return struct.unpack('z', 'abc'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack' (invalid format option 'z'))lua"},
      {R"lua(return struct.unpack('=', 'abc'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack' (invalid format option '='))lua"},
      {R"lua(return struct.unpack('i33', 'abc'))lua",
       R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua"},
      {R"lua(return struct.unpack('i33', 'abc', 100))lua",
       R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua"},
      {R"lua(return struct.unpack('!3', 'abc'))lua",
       R"lua(error: user_script:1: alignment 3 is not a power of 2)lua"},
      {R"lua(return struct.unpack('b', 'abc', 0))lua",
       R"lua(error: user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater))lua"},
      {R"lua(return struct.unpack('x', 'abc', 0))lua",
       R"lua(error: user_script:1: bad argument #3 to 'unpack' (offset must be 1 or greater))lua"},
      {R"lua(return struct.unpack('b', 'abc', 'x'))lua",
       R"lua(error: user_script:1: bad argument #3 to 'unpack' (number expected, got string))lua"},
      {R"lua(return struct.unpack('b', 'abc', 4))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('b', 'abc', -1))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('b', 'abc', 2^32))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('b', 'abc', 2^64))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('<', 'abc', 5))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack(' ', 'abc', 100))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('x', ''))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('bxb', '\1\2'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('bbbbbbb', 'abc'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('<i', 'abcd', 2))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('!bi', '\1\0\0\0\2\0\0'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('!i', 'abcdefgh', -1))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('!i', 'abcdefgh', -2))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('!d', 'abcdefgh', -5))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('!2h', 'abcdefgh', 8))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('!8d', string.rep('a', 16), 17))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('i3', 'abc', -1))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('c3', 'abc', -1))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('c4', 'abc'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('c2147483647', 'a'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('c0', 'abc'))lua",
       R"lua(error: user_script:1: format 'c0' needs a previous size)lua"},
      {R"lua(return struct.unpack('c0', ''))lua",
       R"lua(error: user_script:1: format 'c0' needs a previous size)lua"},
      {R"lua(return struct.unpack('c1c0', 'xabc'))lua",
       R"lua(error: user_script:1: format 'c0' needs a previous size)lua"},
      {R"lua(return struct.unpack('c0', 'abc', 2))lua",
       R"lua(error: user_script:1: format 'c0' needs a previous size)lua"},
      {R"lua(return struct.unpack('bc0', '\4abc'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('bc0', '\255abc'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('c1c0', '9abc'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('bc0', '\0', 2))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('bc0', '\1', -1))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('s', 'abc'))lua",
       R"lua(error: user_script:1: unfinished string in data)lua"},
      {R"lua(return struct.unpack('s', ''))lua",
       R"lua(error: user_script:1: unfinished string in data)lua"},
      {R"lua(return struct.unpack('s', 'abc', 4))lua",
       R"lua(error: user_script:1: unfinished string in data)lua"},
      {R"lua(return struct.unpack('s', 'abc', 5))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack('s', 'abc', -1))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
  });
}

// Each option reserves two stack slots, as in Redis; that check comes after the length
// check and before the option is looked at.
TEST_F(LuaStruct, UnpackStackLimit) {
  check({
      {R"lua(return select('#', struct.unpack(string.rep('b', 7997), string.rep('a', 9000))))lua",
       R"lua(7998)lua"},
      {R"lua(return struct.unpack(string.rep('b', 7998), string.rep('a', 9000)))lua",
       R"lua(error: user_script:1: stack overflow (too many results))lua"},
      {R"lua(return select('#', struct.unpack(string.rep('b', 7996), string.rep('a', 9000), 1)))lua",
       R"lua(7997)lua"},
      {R"lua(return struct.unpack(string.rep('b', 7997), string.rep('a', 9000), 1))lua",
       R"lua(error: user_script:1: stack overflow (too many results))lua"},
      {R"lua(return select('#', struct.unpack(string.rep('b', 7996) .. ' ', string.rep('a', 9000))))lua",
       R"lua(7997)lua"},
      {R"lua(return struct.unpack(string.rep('b', 7997) .. ' ', string.rep('a', 9000)))lua",
       R"lua(error: user_script:1: stack overflow (too many results))lua"},
      {R"lua(return struct.unpack(string.rep('b', 7997) .. 'x', string.rep('a', 9000)))lua",
       R"lua(error: user_script:1: stack overflow (too many results))lua"},
      {R"lua(return select('#', struct.unpack(string.rep('b', 7996) .. 'c0', string.rep('\0', 9000))))lua",
       R"lua(7997)lua"},
      {R"lua(return struct.unpack(string.rep('b', 7998), string.rep('a', 7997)))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack' (data string too short))lua"},
      {R"lua(return struct.unpack(string.rep('b', 7997) .. 'z', string.rep('a', 7997)))lua",
       R"lua(error: user_script:1: stack overflow (too many results))lua"},
      {R"lua(return struct.unpack(string.rep('b', 7997) .. 'i33', string.rep('a', 7997)))lua",
       R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua"},
      {R"lua(return struct.unpack(string.rep('b', 7997) .. '!3', string.rep('a', 7997)))lua",
       R"lua(error: user_script:1: stack overflow (too many results))lua"},
  });
}

// struct.size skips unknown letters and digits but rejects other unknown characters, s
// and c0.
TEST_F(LuaStruct, Size) {
  check({
      {R"lua(return struct.size('b'), struct.size('h'), struct.size('i'), struct.size('l'), )lua"
       R"lua(struct.size('T'), struct.size('f'), struct.size('d'), struct.size('x'), struct.size('c'))lua",
       R"lua(1 2 4 8 8 4 8 1 1)lua"},
      {R"lua(return struct.size('bhilTfdxc3'), struct.size('!bhilTfdxc3'), struct.size('!bi3'), )lua"
       R"lua(struct.size('!4bi3'))lua",
       R"lua(39 44 6 6)lua"},
      {R"lua(return struct.size('!8bi6'), struct.size('!8bi7'), struct.size('!8bi5bi7'), )lua"
       R"lua(struct.size('!8i6i6i6'), struct.size('!8i6i6i6i6'))lua",
       R"lua(12 14 22 26 36)lua"},
      {R"lua(return struct.size('!xd'), struct.size('!b!2i'), struct.size('<>!'), struct.size(''), )lua"
       R"lua(struct.size('i0c0x'), struct.size('i32I16'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size))lua"},
      {R"lua(return struct.size('z'), struct.size('bzb'), struct.size('9'), struct.size('Z'), )lua"
       R"lua(struct.size(12), struct.size('b\0b'))lua",
       R"lua(0 2 0 0 0 1)lua"},
      {R"lua(return struct.size('c2147483647c2147483647'), struct.size('!1073741824'), )lua"
       R"lua(struct.size('!1073741824bd'))lua",
       R"lua(4294967294 0 16)lua"},
      {R"lua(return struct.size())lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (string expected, got no value))lua"},
      {R"lua(return struct.size({}))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (string expected, got table))lua"},
      {R"lua(return struct.size('c0'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size))lua"},
      {R"lua(return struct.size('b c0'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (option 'c0' has no fixed size))lua"},
      {R"lua(return struct.size('s'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (option 's' has no fixed size))lua"},
      {R"lua(return struct.size('bs'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (option 's' has no fixed size))lua"},
      {R"lua(return struct.size('b?b'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (invalid format option '?'))lua"},
      {R"lua(return struct.size('='))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (invalid format option '='))lua"},
      {R"lua(return struct.size('\200'))lua",
       R"lua(error: user_script:1: bad argument #1 to 'size' (invalid format option '\xc8'))lua"},
      {R"lua(return struct.size('!3'))lua",
       R"lua(error: user_script:1: alignment 3 is not a power of 2)lua"},
      {R"lua(return struct.size('i33'))lua",
       R"lua(error: user_script:1: integral size 33 is larger than limit of 32)lua"},
      {R"lua(return struct.size('i99999999999'))lua",
       R"lua(error: user_script:1: integral size overflow)lua"},
      {R"lua(return struct.size('!2147483648'))lua",
       R"lua(error: user_script:1: integral size overflow)lua"},
  });
}

TEST_F(LuaStruct, RoundTrips) {
  check({
      {R"lua(local s = struct.pack('<bBhHlLTiIfdsc3', -1, 255, -300, 65000, -2^40, 2^40, 7, -7, 7, )lua"
       R"lua(1.5, 0.1, 'str', 'abc') return hex(s), struct.unpack('<bBhHlLTiIfdsc3', s))lua",
       R"lua("ffffd4fee8fd0000000000ffffff00000000000100000700000000000000f9ffffff070000000000c03f9a99)lua"
       R"lua(99999999b93f73747200616263" -1 255 -300 65000 -1099511627776 1099511627776 7 -7 7 1.5 )lua"
       R"lua(0.10000000000000001 "str" "abc" 58)lua"},
      {R"lua(local s = struct.pack('>!bBhHlLTiIfdc3s', -1, 255, -300, 65000, -2^40, 2^40, 7, -7, 7, )lua"
       R"lua(1.5, 0.1, 'abc', 'str') return hex(s), struct.unpack('>!bBhHlLTiIfdc3s', s))lua",
       R"lua("fffffed4fde80000ffffff000000000000000100000000000000000000000007fffffff9000000073fc00000)lua"
       R"lua(000000003fb999999999999a61626373747200" -1 255 -300 65000 -1099511627776 1099511627776 7 )lua"
       R"lua(-7 7 1.5 0.10000000000000001 "abc" "str" 64)lua"},
      {R"lua(local s = struct.pack('<I3i5I7', 2^24 - 1, -2^39, 2^56 - 1) return hex(s), )lua"
       R"lua(struct.unpack('<I3i5I7', s))lua",
       R"lua("ffffff000000008000000000000000" 16777215 -549755813888 0 16)lua"},
      {R"lua(local s = struct.pack('>Bc0B', 5, 'hello', 9) return hex(s), struct.unpack('>Bc0B', s))lua",
       R"lua("0568656c6c6f09" "hello" 9 8)lua"},
  });
}

TEST_F(LuaStruct, ModuleTable) {
  check({
      {R"lua(local r = {} for k, v in pairs(struct) do r[#r + 1] = k .. ':' .. type(v) end )lua"
       R"lua(table.sort(r, before) return table.concat(r, ', '))lua",
       R"lua("pack:function, size:function, unpack:function")lua"},
  });
}

// Beyond the Redis transcripts: random formats, data and positions either work or raise
// a Lua error (run under ASan, this also shows no read or write out of bounds).
TEST_F(LuaStruct, ArbitraryFormatsNeverCrash) {
  std::mt19937 random(20240607);
  const std::string alphabet = "bBhHlLTiIfdxsc0123456789<>! =z";
  auto random_format = [&] {
    std::string format;
    for (size_t length = random() % 12; length > 0; --length) format.push_back(alphabet[random() % alphabet.size()]);
    return format;
  };
  auto quoted = [](const std::string& text) {
    std::string out = "'";
    for (unsigned char c : text) out += "\\" + std::to_string(c);
    return out + "'";
  };
  const char* positions[] = {"1", "2", "5", "9", "40", "0", "-1", "-7", "2^32", "2^63", "1/0", "0/0"};
  size_t errors = 0;
  for (int round = 0; round < 6000; ++round) {
    const std::string format = quoted(random_format());
    std::string data;
    for (size_t length = random() % 40; length > 0; --length) {
      data.push_back(static_cast<char>(random() % 4 == 0 ? 0 : random() % 256));
    }
    const std::string values = "1, -2, 'abc', 2^40, 0.5, '', 7, 'xyzzy', -1e300, 0/0, 3, 4";
    const std::string pos = positions[random() % std::size(positions)];
    errors += !call_error("pack", format + ", " + values).empty();
    errors += !call_error("unpack", format + ", " + quoted(data) + ", " + pos).empty();
    errors += !call_error("size", format).empty();
  }
  // Most random formats are wrong somewhere; what matters is that nothing crashed.
  EXPECT_GT(errors, 0u);
}

// What pack writes, unpack reads back, for every format letter and both byte orders.
TEST_F(LuaStruct, PackThenUnpackIsIdentity) {
  for (const char* order : {"<", ">", "!<", "!>"}) {
    std::string format = std::string(order) + "bBhHlLTi1I2i3I5i8I8fdsc4Bc0";
    const std::string args = "-5, 200, -3000, 60000, -2^50, 2^50, 12345, -100, 40000, -2^23, 2^39, -2^62, 2^60, "
                             "0.25, 1/3, 'zero', 'four', 7, 'c0 text'";
    const std::string chunk = "local s = struct.pack('" + format + "', " + args +
                              ") local r = {struct.unpack('" + format + "', s)} return #s, unpack(r)";
    ASSERT_EQ(luaL_loadbuffer(lua_, chunk.data(), chunk.size(), "=roundtrip"), 0);
    ASSERT_EQ(lua_pcall(lua_, 0, LUA_MULTRET, 0), 0) << lua_tostring(lua_, -1);
    // #s, 18 values (the B before c0 gives c0 its length and is replaced by the text),
    // then the next position.
    ASSERT_EQ(lua_gettop(lua_), 1 + 18 + 1) << order;
    EXPECT_EQ(lua_tonumber(lua_, -1), lua_tonumber(lua_, 1) + 1) << order;
    const double numbers[] = {-5,   200,   -3000,   60000,  -0x1p50, 0x1p50, 12345,
                              -100, 40000, -0x1p23, 0x1p39, -0x1p62, 0x1p60, 0.25};
    for (size_t i = 0; i < std::size(numbers); ++i) {
      EXPECT_EQ(lua_tonumber(lua_, 2 + static_cast<int>(i)), numbers[i]) << order << " value " << i;
    }
    EXPECT_EQ(lua_tonumber(lua_, 16), 1.0 / 3) << order;
    EXPECT_STREQ(lua_tostring(lua_, 17), "zero") << order;
    EXPECT_STREQ(lua_tostring(lua_, 18), "four") << order;
    EXPECT_STREQ(lua_tostring(lua_, 19), "c0 text") << order;
    lua_settop(lua_, 0);
  }
}

}  // namespace
