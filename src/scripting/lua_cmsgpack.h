#pragma once
// cmsgpack: the MessagePack library Redis 7.0 loads into its Lua ("lua-cmsgpack 0.4.0"),
// written here because Debian packages no Lua 5.1 build of it. Scripts see the same API
// and the same bytes, values and error texts as under redis-server 7.0.15:
//
//   cmsgpack.pack(v1, v2, ...)          the msgpack of each argument, concatenated
//   cmsgpack.unpack(s)                  every object in s, as multiple values
//   cmsgpack.unpack_one(s [, offset])   next offset, then one object
//   cmsgpack.unpack_limit(s, n [, off]) next offset, then up to n objects
//   (the next offset is -1 once s is used up; unpack_limit(s, 0) with no offset is unpack)
//
// Encoding: a number that is an integer in int64 range takes the smallest int format
// (fixint, uint8..64, int8..64); any other number float32 when that keeps it exactly,
// else float64 (NaN is float64, +-inf float32). Strings are fixstr/str8/str16/str32.
// A table whose keys are exactly 1..n (n < 2^31) is an array (fixarray/array16/array32;
// {} is an empty array), any other table a map in next() order. Tables nested 16 deep
// are written as nil, and so is anything msgpack cannot carry (functions, threads,
// userdata). Decoding accepts what the encoder writes (bin, ext and 0xc1 are "Bad data
// format in input."; input ending early is "Missing bytes in input.") and checks the Lua
// stack before every value, so hostile nesting raises Redis's "stack overflow (...)"
// error at the depth Redis does, never a crash. As in Redis, a uint64 (0xcf) decodes as
// the signed 64-bit value of its bits (0xcf ff..ff is -1).
//
// Like Redis's copy the module fills in _NAME, _VERSION and _DESCRIPTION; it leaves out
// _COPYRIGHT, which would credit this code to lua-cmsgpack's author.

struct lua_State;

// Pushes the cmsgpack table and returns 1; the caller makes it the global "cmsgpack".
int luaopen_cmsgpack(lua_State* lua);
