// Unit tests for scripting/lua_cmsgpack: every expectation in the case tables was taken
// from redis-server 7.0.15 by running the same Lua text there with EVAL (see
// LuaModuleTest::run), so bytes, decoded values, error texts and stack limits are Redis's.

#include "scripting/lua_cmsgpack.h"

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

class LuaCmsgpack : public corvid::lua_testing::LuaModuleTest {
 protected:
  LuaCmsgpack() : LuaModuleTest(luaopen_cmsgpack, "cmsgpack") {}

  // cmsgpack.unpack(input) called from C: "" when it succeeds, else its error message.
  std::string unpack_error(std::string_view input) {
    lua_getglobal(lua_, "cmsgpack");
    lua_getfield(lua_, -1, "unpack");
    lua_pushlstring(lua_, input.data(), input.size());
    std::string error;
    if (lua_pcall(lua_, 1, LUA_MULTRET, 0) != 0) error = lua_tostring(lua_, -1);
    lua_settop(lua_, 0);
    return error;
  }

  // cmsgpack.pack of the values `code` returns.
  std::string pack(std::string_view code) {
    std::string chunk = "return cmsgpack.pack(";
    chunk.append(code).append(")");
    EXPECT_EQ(luaL_loadbuffer(lua_, chunk.data(), chunk.size(), "=pack"), 0);
    EXPECT_EQ(lua_pcall(lua_, 0, 1, 0), 0) << lua_tostring(lua_, -1);
    size_t length = 0;
    const char* data = lua_tolstring(lua_, -1, &length);
    std::string packed(data, length);
    lua_settop(lua_, 0);
    return packed;
  }
};

// Integers take the smallest form: positive fixint, uint8/16/32/64, negative fixint,
// int8/16/32/64; -0 is the integer 0.
TEST_F(LuaCmsgpack, PacksIntegersAtEveryWidthBoundary) {
  check({
      {R"lua(return hex(cmsgpack.pack(0, 1, 127)))lua",
       R"lua("00017f")lua"},
      {R"lua(return hex(cmsgpack.pack(128, 255)))lua",
       R"lua("cc80ccff")lua"},
      {R"lua(return hex(cmsgpack.pack(256, 65535)))lua",
       R"lua("cd0100cdffff")lua"},
      {R"lua(return hex(cmsgpack.pack(65536, 4294967295)))lua",
       R"lua("ce00010000ceffffffff")lua"},
      {R"lua(return hex(cmsgpack.pack(4294967296, 2^53, 2^63 - 1024)))lua",
       R"lua("cf0000000100000000cf0020000000000000cf7ffffffffffffc00")lua"},
      {R"lua(return hex(cmsgpack.pack(-1, -32)))lua",
       R"lua("ffe0")lua"},
      {R"lua(return hex(cmsgpack.pack(-33, -128)))lua",
       R"lua("d0dfd080")lua"},
      {R"lua(return hex(cmsgpack.pack(-129, -32768)))lua",
       R"lua("d1ff7fd18000")lua"},
      {R"lua(return hex(cmsgpack.pack(-32769, -2147483648)))lua",
       R"lua("d2ffff7fffd280000000")lua"},
      {R"lua(return hex(cmsgpack.pack(-2147483649, -2^63)))lua",
       R"lua("d3ffffffff7fffffffd38000000000000000")lua"},
      {R"lua(return hex(cmsgpack.pack(-0.0, 16777217)))lua",
       R"lua("00ce01000001")lua"},
  });
}

// Other numbers are float32 when that is exact, else float64; NaN is float64, infinities
// float32.
TEST_F(LuaCmsgpack, PacksFloatsAsFloat32WhenExact) {
  check({
      {R"lua(return hex(cmsgpack.pack(1.5, -0.25, 0.1)))lua",
       R"lua("ca3fc00000cabe800000cb3fb999999999999a")lua"},
      {R"lua(return hex(cmsgpack.pack(2^63, 2^64, -2^63 - 2048)))lua",
       R"lua("ca5f000000ca5f800000cbc3e0000000000001")lua"},
      {R"lua(return hex(cmsgpack.pack(1/0, -1/0, 0/0)))lua",
       R"lua("ca7f800000caff800000cbfff8000000000000")lua"},
      {R"lua(return hex(cmsgpack.pack(3.4028234663852886e38, 3.4028235677973366e38, -3.5e38, 1e300)))lua",
       R"lua("ca7f7fffffcb47effffff0000000cbc7f074f8c4d3cd7bcb7e37e43c8800759c")lua"},
      {R"lua(return hex(cmsgpack.pack(2^-149, 2^-150, 1e-45, 16777216.5)))lua",
       R"lua("ca00000001cb3690000000000000cb3696d601ad376ab9cb4170000008000000")lua"},
  });
}

// Strings: fixstr up to 31 bytes, then str8, str16, str32.
TEST_F(LuaCmsgpack, PacksStrings) {
  check({
      {R"lua(return hex(cmsgpack.pack('', 'a\0b')))lua",
       R"lua("a0a3610062")lua"},
      {R"lua(return hex(cmsgpack.pack(string.rep('x', 31))))lua",
       R"lua("bf78787878787878787878787878787878787878787878787878787878787878")lua"},
      {R"lua(local s = cmsgpack.pack(string.rep('x', 32)) return #s, hex(s:sub(1, 3)))lua",
       R"lua(34 "d92078")lua"},
      {R"lua(local s = cmsgpack.pack(string.rep('x', 255)) return #s, hex(s:sub(1, 3)))lua",
       R"lua(257 "d9ff78")lua"},
      {R"lua(local s = cmsgpack.pack(string.rep('x', 256)) return #s, hex(s:sub(1, 4)))lua",
       R"lua(259 "da010078")lua"},
      {R"lua(local s = cmsgpack.pack(string.rep('x', 65535)) return #s, hex(s:sub(1, 4)))lua",
       R"lua(65538 "daffff78")lua"},
      {R"lua(local s = cmsgpack.pack(string.rep('x', 65536)) return #s, hex(s:sub(1, 6)))lua",
       R"lua(65541 "db0001000078")lua"},
  });
}

// Functions and threads become nil.
TEST_F(LuaCmsgpack, PacksNilBooleansAndUnsupportedTypes) {
  check({
      {R"lua(return hex(cmsgpack.pack(nil, true, false)))lua",
       R"lua("c0c3c2")lua"},
      {R"lua(return hex(cmsgpack.pack(type, coroutine.create(function() end), nil)))lua",
       R"lua("c0c0c0")lua"},
      {R"lua(return hex(cmsgpack.pack(1, nil, 2)))lua",
       R"lua("01c002")lua"},
  });
}

// Tables keyed exactly 1..n are arrays: fixarray up to 15, then array16 and array32.
TEST_F(LuaCmsgpack, PacksArrays) {
  check({
      {R"lua(return hex(cmsgpack.pack({}, {1, 2, 3}, {{}}, {'a', {true}})))lua",
       R"lua("9093010203919092a16191c3")lua"},
      {R"lua(local t = {} for i = 1, 15 do t[i] = i end return hex(cmsgpack.pack(t)))lua",
       R"lua("9f0102030405060708090a0b0c0d0e0f")lua"},
      {R"lua(local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t)))lua",
       R"lua("dc00100102030405060708090a0b0c0d0e0f10")lua"},
      {R"lua(local t = {} for i = 1, 65535 do t[i] = 0 end local s = cmsgpack.pack(t) return #s, )lua"
       R"lua(hex(s:sub(1, 4)))lua",
       R"lua(65538 "dcffff00")lua"},
      {R"lua(local t = {} for i = 1, 65536 do t[i] = 0 end local s = cmsgpack.pack(t) return #s, )lua"
       R"lua(hex(s:sub(1, 6)))lua",
       R"lua(65541 "dd0001000000")lua"},
      {R"lua(return hex(cmsgpack.pack({[2] = 'b', [1] = 'a'})))lua",
       R"lua("92a161a162")lua"},
      {R"lua(local t = {1, 2, 3} t[3] = nil return hex(cmsgpack.pack(t)))lua",
       R"lua("920102")lua"},
  });
}

// Holes, zero, negative, fractional or huge keys and non-number keys make maps.
TEST_F(LuaCmsgpack, PacksOtherTablesAsMaps) {
  check({
      {R"lua(return hex(cmsgpack.pack({1, nil, 3})))lua",
       R"lua("8201010303")lua"},
      {R"lua(local t = {1, 2, 3} t[2] = nil return hex(cmsgpack.pack(t)))lua",
       R"lua("8201010303")lua"},
      {R"lua(return hex(cmsgpack.pack({[2] = 1}, {[1] = 1, [2] = 2, [0] = 0})))lua",
       R"lua("81020183010102020000")lua"},
      {R"lua(return hex(cmsgpack.pack({[1.5] = 1}, {[-1] = 1})))lua",
       R"lua("81ca3fc000000181ff01")lua"},
      {R"lua(return hex(cmsgpack.pack({[2^31] = 1}, {[2^31 - 1] = 1})))lua",
       R"lua("81ce800000000181ce7fffffff01")lua"},
      {R"lua(return hex(cmsgpack.pack({a = 1}, {[true] = false}, {[{1}] = {2}})))lua",
       R"lua("81a1610181c3c28191019102")lua"},
      {R"lua(return hex(cmsgpack.pack({a = 1, b = 'x', c = {}, hello = 4, [10] = 6, [1.5] = 7})))lua",
       R"lua("86a16101a16390a162a1780a06ca3fc0000007a568656c6c6f04")lua"},
      {R"lua(return hex(cmsgpack.pack({1, 2, x = 3})))lua",
       R"lua("8301010202a17803")lua"},
      {R"lua(local t = {} for i = 1, 15 do t['k' .. i] = i end local s = cmsgpack.pack(t) return #s, )lua"
       R"lua(hex(s:sub(1, 4)))lua",
       R"lua(67 "8fa36b31")lua"},
      {R"lua(local t = {} for i = 1, 16 do t['k' .. i] = i end local s = cmsgpack.pack(t) return #s, )lua"
       R"lua(hex(s:sub(1, 4)))lua",
       R"lua(74 "de0010a3")lua"},
      {R"lua(local t = {} for i = 1, 65535 do t['k' .. i] = 0 end local s = cmsgpack.pack(t) return )lua"
       R"lua(#s, hex(s:sub(1, 4)))lua",
       R"lua(513177 "deffffa6")lua"},
      {R"lua(local t = {} for i = 1, 65536 do t['k' .. i] = 0 end local s = cmsgpack.pack(t) return )lua"
       R"lua(#s, hex(s:sub(1, 6)))lua",
       R"lua(513187 "df00010000a6")lua"},
  });
}

// The 17th table down, as a value or as a key, is written as nil.
TEST_F(LuaCmsgpack, StopsNestingAtSixteenLevels) {
  check({
      {R"lua(local t = {} local c = t for i = 1, 20 do local n = {} c[1] = n c = n end return )lua"
       R"lua(hex(cmsgpack.pack(t)))lua",
       R"lua("91919191919191919191919191919191c0")lua"},
      {R"lua(local t = {} local c = t for i = 1, 15 do local n = {} c[1] = n c = n end return )lua"
       R"lua(hex(cmsgpack.pack(t)))lua",
       R"lua("91919191919191919191919191919190")lua"},
      {R"lua(local t = {} local c = t for i = 1, 15 do local n = {} c[1] = n c = n end c[1] = 5 )lua"
       R"lua(return hex(cmsgpack.pack(t)))lua",
       R"lua("9191919191919191919191919191919105")lua"},
      {R"lua(local t = {} local c = t for i = 1, 16 do local n = {} c[1] = n c = n end c[1] = 5 )lua"
       R"lua(return hex(cmsgpack.pack(t)))lua",
       R"lua("91919191919191919191919191919191c0")lua"},
      {R"lua(local t = {} local c = t for i = 1, 20 do local n = {} c.a = n c = n end return )lua"
       R"lua(hex(cmsgpack.pack(t)))lua",
       R"lua("81a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a1)lua"
       R"lua(6181a161c0")lua"},
      {R"lua(local t = {} local c = t for i = 1, 20 do local n = {} c[n] = 1 c = n end return )lua"
       R"lua(hex(cmsgpack.pack(t)))lua",
       R"lua("81818181818181818181818181818181c001010101010101010101010101010101")lua"},
      {R"lua(local t = {} local c = t for i = 1, 14 do local n = {} c[1] = n c = n end c[{5}] = {6} )lua"
       R"lua(return hex(cmsgpack.pack(t)))lua",
       R"lua("91919191919191919191919191918191059106")lua"},
      {R"lua(local t = {} t[1] = t return hex(cmsgpack.pack(t)))lua",
       R"lua("91919191919191919191919191919191c0")lua"},
      {R"lua(local t = {} t.x = t return hex(cmsgpack.pack(t, 1)))lua",
       R"lua("81a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a17881a1)lua"
       R"lua(7881a178c001")lua"},
  });
}

// Redis reserves a stack slot per argument, and each nesting level takes one (array), two
// (map value) or three (map key) more.
TEST_F(LuaCmsgpack, PackArgumentErrorsAndStackLimits) {
  check({
      {R"lua(return cmsgpack.pack())lua",
       R"lua(error: user_script:1: bad argument #0 to 'pack' (MessagePack pack needs input.))lua"},
      {R"lua(local t = {} for i = 1, 4000 do t[i] = i end return #cmsgpack.pack(unpack(t)))lua",
       R"lua(11618)lua"},
      {R"lua(local t = {} for i = 1, 4001 do t[i] = i end return #cmsgpack.pack(unpack(t)))lua",
       R"lua(error: user_script:1: bad argument #0 to 'pack' (Too many arguments for MessagePack )lua"
       R"lua(pack.))lua"},
      {R"lua(local t = {} for i = 1, 3990 do t[i] = 1 end t[#t + 1] = )lua"
       R"lua({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}} return #cmsgpack.pack(unpack(t)))lua",
       R"lua(4007)lua"},
      {R"lua(local t = {} for i = 1, 3991 do t[i] = 1 end t[#t + 1] = )lua"
       R"lua({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}} return #cmsgpack.pack(unpack(t)))lua",
       R"lua(error: user_script:1: stack overflow (in function table_is_an_array))lua"},
      {R"lua(local t = {} for i = 1, 3982 do t[i] = 1 end local m = {} local c = m for i = 1, 20 do )lua"
       R"lua(c.a = {} c = c.a end t[#t + 1] = m return #cmsgpack.pack(unpack(t)))lua",
       R"lua(4031)lua"},
      {R"lua(local t = {} for i = 1, 3983 do t[i] = 1 end local m = {} local c = m for i = 1, 20 do )lua"
       R"lua(c.a = {} c = c.a end t[#t + 1] = m return #cmsgpack.pack(unpack(t)))lua",
       R"lua(error: user_script:1: stack overflow (in function mp_encode_lua_table_as_map))lua"},
      {R"lua(local t = {} for i = 1, 3975 do t[i] = 1 end local m = {} local c = m for i = 1, 20 do )lua"
       R"lua(local x = {} c[x] = 1 c = x end t[#t + 1] = m return #cmsgpack.pack(unpack(t)))lua",
       R"lua(4008)lua"},
      {R"lua(local t = {} for i = 1, 3976 do t[i] = 1 end local m = {} local c = m for i = 1, 20 do )lua"
       R"lua(local x = {} c[x] = 1 c = x end t[#t + 1] = m return #cmsgpack.pack(unpack(t)))lua",
       R"lua(error: user_script:1: stack overflow (in function table_is_an_array))lua"},
  });
}

TEST_F(LuaCmsgpack, UnpacksEveryType) {
  check({
      {R"lua(return cmsgpack.unpack(unhex('00 01 7f e0 ff')))lua",
       R"lua(0 1 127 -32 -1)lua"},
      {R"lua(return cmsgpack.unpack(unhex('cc 80 cc ff cd 01 00 cd ff ff ce 00 01 00 00 ce ff ff ff )lua"
       R"lua(ff')))lua",
       R"lua(128 255 256 65535 65536 4294967295)lua"},
      {R"lua(return cmsgpack.unpack(unhex('cf 00 00 00 01 00 00 00 00 cf ff ff ff ff ff ff ff ff')))lua",
       R"lua(4294967296 -1)lua"},
      {R"lua(return cmsgpack.unpack(unhex('cf 80 00 00 00 00 00 00 01 cf 7f ff ff ff ff ff ff ff cf )lua"
       R"lua(ff ff ff ff ff ff ff fe')))lua",
       R"lua(-9.2233720368547758e+18 9.2233720368547758e+18 -2)lua"},
      {R"lua(return cmsgpack.unpack(unhex('d0 80 d0 7f d1 80 00 d1 ff 7f d2 80 00 00 00 d2 ff ff ff )lua"
       R"lua(ff')))lua",
       R"lua(-128 127 -32768 -129 -2147483648 -1)lua"},
      {R"lua(return cmsgpack.unpack(unhex('d3 80 00 00 00 00 00 00 00 d3 ff ff ff ff ff ff ff fe')))lua",
       R"lua(-9.2233720368547758e+18 -2)lua"},
      {R"lua(return cmsgpack.unpack(unhex('ca 3f c0 00 00 ca 3d cc cc cd ca 7f 80 00 00 ca ff c0 00 )lua"
       R"lua(00')))lua",
       R"lua(1.5 0.10000000149011612 inf -nan)lua"},
      {R"lua(return cmsgpack.unpack(unhex('cb 3f b9 99 99 99 99 99 9a cb 80 00 00 00 00 00 00 00')))lua",
       R"lua(0.10000000000000001 -0)lua"},
      {R"lua(return cmsgpack.unpack(unhex('c0 c2 c3')))lua",
       R"lua(nil false true)lua"},
      {R"lua(return cmsgpack.unpack(unhex('a0 a3 61 62 63 d9 02 68 69 da 00 01 7a db 00 00 00 02 00 )lua"
       R"lua(01')))lua",
       R"lua("" "abc" "hi" "z" "\x00\x01")lua"},
      {R"lua(return cmsgpack.unpack(unhex('90 92 01 a1 78 dc 00 01 c3 dd 00 00 00 02 90 80')))lua",
       R"lua({} {1=1,2="x"} {1=true} {1={},2={}})lua"},
      {R"lua(return cmsgpack.unpack(unhex('80 81 a1 61 01 82 01 02 c3 c2 de 00 01 00 00 df 00 00 00 )lua"
       R"lua(01 91 01 92 02 03')))lua",
       R"lua({} {"a"=1} {1=2,true=false} {0=0} {{1=1}={1=2,2=3}})lua"},
      {R"lua(return cmsgpack.unpack(unhex('93 01 c0 03 81 01 c0')))lua",
       R"lua({1=1,3=3} {})lua"},
      {R"lua(return cmsgpack.unpack(''))lua",
       R"lua()lua"},
      {R"lua(return cmsgpack.unpack(5))lua",
       R"lua(53)lua"},
  });
}

// Round trips through pack and unpack.
TEST_F(LuaCmsgpack, UnpacksWhatPackWrote) {
  check({
      {R"lua(return cmsgpack.unpack(cmsgpack.pack(0, -1, 127, 128, -33, 65536, -2^31 - 1, 2^53, )lua"
       R"lua(-2^63, 2^64)))lua",
       R"lua(0 -1 127 128 -33 65536 -2147483649 9007199254740992 -9.2233720368547758e+18 )lua"
       R"lua(1.8446744073709552e+19)lua"},
      {R"lua(return cmsgpack.unpack(cmsgpack.pack(1.5, 0.1, -0.0, 1/0, -1/0, 1e300, 2^-149)))lua",
       R"lua(1.5 0.10000000000000001 0 -inf inf 1.0000000000000001e+300 1.4012984643248171e-45)lua"},
      {R"lua(return cmsgpack.unpack(cmsgpack.pack('', 'a\0b', string.rep('x', 40), nil, true, false)))lua",
       R"lua("" "a\x00b" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" nil true false)lua"},
      {R"lua(return cmsgpack.unpack(cmsgpack.pack({1, 2, {3, {4}}}, {a = {b = {c = 'd'}}}, {[1] = )lua"
       R"lua('x', [3] = 'y'}, {})))lua",
       R"lua({1=1,2=2,3={1=3,2={1=4}}} {"a"={"b"={"c"="d"}}} {1="x",3="y"} {})lua"},
      {R"lua(local s = string.rep('y', 70000) local t = cmsgpack.unpack(cmsgpack.pack(s)) return t == )lua"
       R"lua(s)lua",
       R"lua(true)lua"},
      {R"lua(local a = {} for i = 1, 70000 do a[i] = i end local b = )lua"
       R"lua(cmsgpack.unpack(cmsgpack.pack(a)) return #b, b[1], b[70000])lua",
       R"lua(70000 1 70000)lua"},
      {R"lua(local m = {} for i = 1, 70000 do m['k' .. i] = i end local n = )lua"
       R"lua(cmsgpack.unpack(cmsgpack.pack(m)) local c = 0 for k, v in pairs(n) do if m[k] ~= v then )lua"
       R"lua(return k end c = c + 1 end return c)lua",
       R"lua(70000)lua"},
      {R"lua(return cmsgpack.unpack(cmsgpack.pack(0/0)) ~= cmsgpack.unpack(cmsgpack.pack(0/0)))lua",
       R"lua(true)lua"},
  });
}

// Each byte 00..ff alone, then followed by eight 0x01 bytes: o = unpacks, M = missing
// bytes, B = bad format (0xc1, bin, ext, fixext).
TEST_F(LuaCmsgpack, ClassifiesEveryFirstByte) {
  check({
      {R"lua(local function cls(s) local ok, e = pcall(cmsgpack.unpack, s) if ok then return 'o' )lua"
       R"lua(elseif e == 'Missing bytes in input.' then return 'M' elseif e == 'Bad data format in )lua"
       R"lua(input.' then return 'B' end return '?' end local a = {} for i = 0, 255 do a[#a + 1] = (i )lua"
       R"lua(% 32 == 0 and i > 0 and ' ' or '') .. cls(string.char(i)) end return table.concat(a))lua",
       R"lua("oooooooooooooooooooooooooooooooo oooooooooooooooooooooooooooooooo )lua"
       R"lua(oooooooooooooooooooooooooooooooo oooooooooooooooooooooooooooooooo )lua"
       R"lua(oMMMMMMMMMMMMMMMoMMMMMMMMMMMMMMM oMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM )lua"
       R"lua(oBooBBBBBBMMMMMMMMMMBBBBBMMMMMMM oooooooooooooooooooooooooooooooo")lua"},
      {R"lua(local function cls(s) local ok, e = pcall(cmsgpack.unpack, s) if ok then return 'o' )lua"
       R"lua(elseif e == 'Missing bytes in input.' then return 'M' elseif e == 'Bad data format in )lua"
       R"lua(input.' then return 'B' end return '?' end local a = {} for i = 0, 255 do a[#a + 1] = (i )lua"
       R"lua(% 32 == 0 and i > 0 and ' ' or '') .. cls(string.char(i) .. string.rep('\1', 8)) end )lua"
       R"lua(return table.concat(a))lua",
       R"lua("oooooooooooooooooooooooooooooooo oooooooooooooooooooooooooooooooo )lua"
       R"lua(oooooooooooooooooooooooooooooooo oooooooooooooooooooooooooooooooo )lua"
       R"lua(oooooMMMMMMMMMMMoooooooooMMMMMMM oooooooooMMMMMMMMMMMMMMMMMMMMMMM )lua"
       R"lua(oBooBBBBBBooooooooooBBBBBoMMMMMM oooooooooooooooooooooooooooooooo")lua"},
      {R"lua(local r = {} for b = 0, 127 do if cmsgpack.unpack(string.char(b)) ~= b then return b end )lua"
       R"lua(end for b = 224, 255 do if cmsgpack.unpack(string.char(b)) ~= b - 256 then return b end )lua"
       R"lua(end return 'fixints ok')lua",
       R"lua("fixints ok")lua"},
      {R"lua(return cmsgpack.unpack(unhex('84') .. string.rep('\1', 8)))lua",
       R"lua({1=1})lua"},
      {R"lua(return cmsgpack.unpack(unhex('98') .. string.rep('\1', 8)))lua",
       R"lua({1=1,2=1,3=1,4=1,5=1,6=1,7=1,8=1})lua"},
      {R"lua(return cmsgpack.unpack(unhex('a8') .. string.rep('\1', 8)))lua",
       R"lua("\x01\x01\x01\x01\x01\x01\x01\x01")lua"},
      {R"lua(return cmsgpack.unpack(unhex('d9 01') .. string.rep('\1', 8)))lua",
       R"lua("\x01" 1 1 1 1 1 1 1)lua"},
  });
}

// Bad type bytes, short input, and keys Lua tables cannot hold.
TEST_F(LuaCmsgpack, RejectsMalformedInput) {
  check({
      {R"lua(return cmsgpack.unpack(unhex('c1')))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('01 02 c1')))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('c4 01 61')))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('d4 01 01')))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('92 01 c1')))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('cd 01')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('93 01 02')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('a5 61 62')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('db ff ff ff ff 61')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('dd ff ff ff ff 01')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('df ff ff ff ff 01 02')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('81 c0 01')))lua",
       R"lua(error: table index is nil)lua"},
      {R"lua(return cmsgpack.unpack(unhex('81 cb ff f8 00 00 00 00 00 00 01')))lua",
       R"lua(error: table index is NaN)lua"},
      {R"lua(return cmsgpack.unpack(unhex('81 c0 c1')))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(unhex('81 01')))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack())lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack' (string expected, got no value))lua"},
      {R"lua(return cmsgpack.unpack({}))lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack' (string expected, got table))lua"},
  });
}

// Every proper prefix of these encodings is "Missing bytes in input.".
TEST_F(LuaCmsgpack, RaisesMissingBytesForEveryTruncation) {
  check({
      {R"lua(local s = cmsgpack.pack({1, 'abc', {x = 2.5, y = {true, false}}, -300, 2^40, 0.1, )lua"
       R"lua(string.rep('z', 40)}) local r = {} for i = 1, #s - 1 do local ok, e = )lua"
       R"lua(pcall(cmsgpack.unpack, s:sub(1, i)) if e ~= 'Missing bytes in input.' then r[#r + 1] = i )lua"
       R"lua(.. ':' .. tostring(e) end end return #s, #r, table.concat(r, ' '))lua",
       R"lua(82 0 "")lua"},
      {R"lua(local s = cmsgpack.pack({string.rep('q', 300), {[1] = 1, [3] = 3}, -2^40, 1.5, 65536}) )lua"
       R"lua(local r = {} for i = 1, #s - 1 do local ok, e = pcall(cmsgpack.unpack, s:sub(1, i)) if e )lua"
       R"lua(~= 'Missing bytes in input.' then r[#r + 1] = i .. ':' .. tostring(e) end end return #s, )lua"
       R"lua(#r, table.concat(r, ' '))lua",
       R"lua(328 0 "")lua"},
      {R"lua(local s = cmsgpack.pack({1, 2, 3}) local r = {} for i = 1, #s - 1 do r[#r + 1] = )lua"
       R"lua(select(2, pcall(cmsgpack.unpack_one, s:sub(1, i))) end return r)lua",
       R"lua({1="Missing bytes in input.",2="Missing bytes in input.",3="Missing bytes in input."})lua"},
  });
}

// unpack_one returns the next offset first, -1 once the input is used up; offsets are
// truncated to C ints in the messages.
TEST_F(LuaCmsgpack, UnpackOne) {
  check({
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s))lua",
       R"lua(1 1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 0))lua",
       R"lua(1 1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 1))lua",
       R"lua(4 "ab")lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 4))lua",
       R"lua(6 {1=3})lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 6))lua",
       R"lua(-1 true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 7))lua",
       R"lua(-1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 8))lua",
       R"lua(error: user_script:1: Start offset 8 greater than input length 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, -1))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of -1 and limit of 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 2.7))lua",
       R"lua(3 97)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, '1'))lua",
       R"lua(4 "ab")lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, nil))lua",
       R"lua(1 1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 'x'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack_one' (number expected, got string))lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 2^32))lua",
       R"lua(error: user_script:1: Start offset 0 greater than input length 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 2^32 + 1))lua",
       R"lua(error: user_script:1: Start offset 1 greater than input length 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 2^31))lua",
       R"lua(error: user_script:1: Start offset -2147483648 greater than input length 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 1e300))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of 0 and limit of 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 0/0))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of 0 and limit of 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_one(s, 0, 'x', 'y'))lua",
       R"lua(1 1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) local out, off = {}, 0 while off ~= -1 do )lua"
       R"lua(local v off, v = cmsgpack.unpack_one(s, off) out[#out + 1] = render(v, 0) .. '@' .. off )lua"
       R"lua(end return table.concat(out, ' '))lua",
       R"lua("1@1 \x22ab\x22@4 {1=3}@6 true@-1")lua"},
      {R"lua(return cmsgpack.unpack_one(''))lua",
       R"lua(-1)lua"},
      {R"lua(return cmsgpack.unpack_one())lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack_one' (string expected, got no value))lua"},
      {R"lua(return cmsgpack.unpack_one(nil, 'x'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack_one' (number expected, got string))lua"},
      {R"lua(return cmsgpack.unpack_one({}, 5))lua",
       R"lua(error: user_script:1: bad argument #1 to 'unpack_one' (string expected, got table))lua"},
      {R"lua(return cmsgpack.unpack_one(unhex('01 c1 02'), 1))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack_one(unhex('01 02 c1')))lua",
       R"lua(1 1)lua"},
  });
}

// unpack_limit returns the next offset first; a limit of 0 with no offset is plain
// unpack.
TEST_F(LuaCmsgpack, UnpackLimit) {
  check({
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 0))lua",
       R"lua(1 "ab" {1=3} true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 0, 0))lua",
       R"lua(1 "ab" {1=3} true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 0, 1))lua",
       R"lua(1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 1))lua",
       R"lua(1 1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 2))lua",
       R"lua(4 1 "ab")lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 4))lua",
       R"lua(-1 1 "ab" {1=3} true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 5))lua",
       R"lua(-1 1 "ab" {1=3} true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 2, 1))lua",
       R"lua(6 "ab" {1=3})lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 2, 4))lua",
       R"lua(-1 {1=3} true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 3, 7))lua",
       R"lua(-1)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, -1))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of 0 and limit of 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, -1, 3))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of 3 and limit of 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 1, -5))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of -5 and limit of 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 1, 99))lua",
       R"lua(error: user_script:1: Start offset 99 greater than input length 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 0, 99))lua",
       R"lua(error: user_script:1: Start offset 99 greater than input length 7.)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack_limit' (number expected, got no value))lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 'x'))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack_limit' (number expected, got string))lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 2^31))lua",
       R"lua(-1 1 "ab" {1=3} true)lua"},
      {R"lua(local s = cmsgpack.pack(1, 'ab', {3}, true) return cmsgpack.unpack_limit(s, 2^32 + 1))lua",
       R"lua(-1 1 "ab" {1=3} true)lua"},
      {R"lua(return cmsgpack.unpack_limit('abc', -1, -1))lua",
       R"lua(error: user_script:1: Invalid request to unpack with offset of -1 and limit of 3.)lua"},
      {R"lua(return cmsgpack.unpack_limit(nil, nil))lua",
       R"lua(error: user_script:1: bad argument #2 to 'unpack_limit' (number expected, got nil))lua"},
      {R"lua(return cmsgpack.unpack_limit(nil, 1, 'x'))lua",
       R"lua(error: user_script:1: bad argument #3 to 'unpack_limit' (number expected, got string))lua"},
      {R"lua(return cmsgpack.unpack_limit('', 1, 5))lua",
       R"lua(error: user_script:1: Start offset 5 greater than input length 0.)lua"},
      {R"lua(return cmsgpack.unpack_limit('', 3))lua",
       R"lua(-1)lua"},
      {R"lua(return cmsgpack.unpack_limit(unhex('01 02 c1'), 2))lua",
       R"lua(2 1 2)lua"},
      {R"lua(return cmsgpack.unpack_limit(unhex('01 02 cd'), 2))lua",
       R"lua(2 1 2)lua"},
      {R"lua(return cmsgpack.unpack_limit(unhex('01 02 c1'), 3))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
  });
}

// Deep nesting and many values raise Redis's "stack overflow (...)" at the same counts,
// and a full stack is reported after a missing type byte but before a bad one.
TEST_F(LuaCmsgpack, DecodingStopsAtRedisStackLimits) {
  check({
      {R"lua(local ok, r = pcall(cmsgpack.unpack, string.rep('\145', 3999) .. '\1') local d = 0 while )lua"
       R"lua(type(r) == 'table' do d = d + 1 r = r[1] end return ok, d, r)lua",
       R"lua(true 3999 1)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\145', 4000) .. '\1'))lua",
       R"lua(error: user_script:1: stack overflow (in function mp_decode_to_lua_array))lua"},
      {R"lua(local ok, r = pcall(cmsgpack.unpack, string.rep('\146\1', 3999) .. '\1') local d = 0 )lua"
       R"lua(while type(r) == 'table' do d = d + 1 r = r[2] end return ok, d, r)lua",
       R"lua(true 3999 1)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\146\1', 4000) .. '\1'))lua",
       R"lua(error: user_script:1: stack overflow (in function mp_decode_to_lua_array))lua"},
      {R"lua(local ok, r = pcall(cmsgpack.unpack, string.rep('\129\1', 3999) .. '\1') local d = 0 )lua"
       R"lua(while type(r) == 'table' do d = d + 1 r = r[1] end return ok, d, r)lua",
       R"lua(true 3999 1)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\129\1', 4000) .. '\1'))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
      {R"lua(local ok, r = pcall(cmsgpack.unpack, string.rep('\129', 7997) .. '\1' .. )lua"
       R"lua(string.rep('\1', 7997)) return ok, type(r))lua",
       R"lua(true "table")lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\129', 7998) .. '\1' .. string.rep('\1', 7998)))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
      {R"lua(return select('#', cmsgpack.unpack(string.rep('\1', 7999))))lua",
       R"lua(7999)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 8000)))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
      {R"lua(return select('#', cmsgpack.unpack_limit(string.rep('\1', 7998), 100000)))lua",
       R"lua(7999)lua"},
      {R"lua(return cmsgpack.unpack_limit(string.rep('\1', 7999), 100000))lua",
       R"lua(error: user_script:1: stack overflow (in function mp_unpack_full))lua"},
      {R"lua(local ok, r = pcall(cmsgpack.unpack_one, string.rep('\145', 3999) .. '\1', 0, 1, 2, 3) )lua"
       R"lua(return ok, r)lua",
       R"lua(true -1)lua"},
      {R"lua(return cmsgpack.unpack_one(string.rep('\145', 4000) .. '\1', 0, 1, 2, 3))lua",
       R"lua(error: user_script:1: stack overflow (in function mp_decode_to_lua_array))lua"},
      {R"lua(return select('#', cmsgpack.unpack(string.rep('\1', 7997) .. '\144')))lua",
       R"lua(7998)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7998) .. '\144'))lua",
       R"lua(error: user_script:1: stack overflow (in function mp_decode_to_lua_array))lua"},
      {R"lua(return select('#', cmsgpack.unpack(string.rep('\1', 7998) .. '\128')))lua",
       R"lua(7999)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7999) .. '\128'))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
      {R"lua(return select('#', cmsgpack.unpack(string.rep('\1', 7958) .. string.rep('\145', 20) .. )lua"
       R"lua('\1')))lua",
       R"lua(7959)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7959) .. string.rep('\145', 20) .. '\1'))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7997) .. '\145'))lua",
       R"lua(error: user_script:1: Missing bytes in input.)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7997) .. '\145\193'))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7996) .. '\145\193'))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7998) .. '\193'))lua",
       R"lua(error: user_script:1: Bad data format in input.)lua"},
      {R"lua(return cmsgpack.unpack(string.rep('\1', 7999) .. '\193'))lua",
       R"lua(error: user_script:1: stack overflow (too many return values at once; use unpack_one or )lua"
       R"lua(unpack_limit instead.))lua"},
  });
}

TEST_F(LuaCmsgpack, ModuleTable) {
  check({
      {R"lua(local r = {} for k, v in pairs(cmsgpack) do if k ~= '_COPYRIGHT' then r[#r + 1] = k .. )lua"
       R"lua(':' .. (type(v) == 'string' and v or type(v)) end end table.sort(r, before) return )lua"
       R"lua(table.concat(r, ', '))lua",
       R"lua("_DESCRIPTION:MessagePack C implementation for Lua, _NAME:cmsgpack, )lua"
       R"lua(_VERSION:lua-cmsgpack 0.4.0, pack:function, unpack:function, unpack_limit:function, )lua"
       R"lua(unpack_one:function")lua"},
  });
}

// Beyond the Redis transcripts: every proper prefix of each encoding raises the missing-
// bytes error, whichever header or payload it cuts (run under ASan, this also shows no
// read past the input).
TEST_F(LuaCmsgpack, EveryPrefixOfAnEncodingIsMissingBytes) {
  const char* values[] = {
      "{1, 'abc', {x = 2.5, y = {true, false, nil}}, -300, 2^40, 0.1}",
      "{string.rep('s', 40), string.rep('t', 300), string.rep('u', 70000)}",
      "{128, 256, 65536, 2^32, -33, -129, -32769, -2^31 - 1, 1.5, 1e300, 0/0}",
      "(function() local t = {} for i = 1, 16 do t[i] = i end return {t, {[1] = 1, [3] = 3}} end)()",
      "(function() local t = {} for i = 1, 70000 do t[i] = i % 3 end return t end)()",
      "(function() local t = {} for i = 1, 17 do t['k' .. i] = {i} end return t end)()",
      "(function() local t = {} for i = 1, 70000 do t['k' .. i] = i end return t end)()",
  };
  for (const char* value : values) {
    const std::string packed = pack(value);
    ASSERT_GT(packed.size(), 1u) << value;
    // Short encodings are cut at every byte; long ones through their first 256 bytes, at
    // 32 points in between, and at each of their last 16.
    const size_t stride = packed.size() / 32 + 1;
    for (size_t length = 1; length < packed.size(); ++length) {
      if (packed.size() > 1024 && length > 256 && length + 16 < packed.size() && length % stride != 0) continue;
      ASSERT_EQ(unpack_error(packed.substr(0, length)), "Missing bytes in input.") << value << " cut at " << length;
    }
    EXPECT_EQ(unpack_error(packed), "") << value;
  }
}

// Random and mutated inputs decode or fail with one of Redis's errors, never crash.
TEST_F(LuaCmsgpack, ArbitraryBytesNeverCrash) {
  std::mt19937 random(20240607);
  const std::string seeds[] = {
      pack("{1, 'abc', {x = 2.5}, -300, 2^40, 0.1, true, false}"),
      pack("{{{{{{1}}}}}}, {a = {b = {c = 'd'}}}, string.rep('x', 40)"),
      pack("{[1] = 1, [3] = 3, [-1] = 0.25}, 65536, -2^63"),
  };
  const std::string known[] = {"Missing bytes in input.", "Bad data format in input.", "table index is nil",
                               "table index is NaN"};
  auto acceptable = [&](const std::string& error) {
    if (error.empty() || error.starts_with("stack overflow (")) return true;
    for (const std::string& k : known) {
      if (error == k) return true;
    }
    return false;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string input;
    if (round % 2 == 0) {
      const size_t length = random() % 48;
      for (size_t i = 0; i < length; ++i) {
        // Mostly type bytes (0x80 and up), so containers and headers come up often.
        input.push_back(static_cast<char>(random() % 4 == 0 ? random() % 0x80 : 0x80 + random() % 0x80));
      }
    } else {
      input = seeds[random() % std::size(seeds)];
      for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips) {
        input[random() % input.size()] = static_cast<char>(random() % 256);
      }
      input.resize(random() % (input.size() + 1));
    }
    const std::string error = unpack_error(input);
    ASSERT_TRUE(acceptable(error)) << error;
  }
}

// Deeply nested input costs one C++ frame per level; the deepest Redis allows (7997 maps
// nested as keys) must fit comfortably on the stack.
TEST_F(LuaCmsgpack, DeepestAllowedNestingDecodes) {
  std::string input(7997, '\x81');
  input.push_back('\x01');
  input.append(7997, '\x01');
  EXPECT_EQ(unpack_error(input), "");
  input.insert(0, "\x81");
  input.push_back('\x01');
  EXPECT_EQ(unpack_error(input),
            "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)");
}

}  // namespace
