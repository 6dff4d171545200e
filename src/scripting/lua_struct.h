#pragma once
// struct: the binary packing library Redis 7.0 loads into its Lua (Roberto Ierusalimschy's
// "struct" 0.2 with Redis's fixes), written here because Debian packages none for Lua
// 5.1. Scripts see the same API, bytes and error texts as under redis-server 7.0.15:
//
//   struct.pack(fmt, v1, ...)     the values laid out as fmt says, as a string
//   struct.unpack(fmt, s [, pos]) the values read from s at pos (1-based, default 1),
//                                 then the position after them
//   struct.size(fmt)              the byte length of fmt's layout
//
// The format language, on x86-64:
//   b B  signed/unsigned char (1)    h H  short (2)     l L  long (8)     T  size_t (8)
//   i[n] I[n]  signed/unsigned int of n bytes (default 4, at most 32; past 8 bytes the
//        extra bytes pack as zero and unpack is Redis's truncation to 64 bits)
//   f d  float (4), double (8)       x  one zero byte of padding
//   s    a zero-terminated string    c[n]  n bytes of a string (default 1); c0 packs the
//        whole string and unpacks as many bytes as the value just before it says
//   < >  little / big endian (little is native; '=' is NOT an option in this version)
//   !n   align each field to min(its size, n); n a power of 2, default 8   ' ' ignored
// Quirks kept because scripts can observe them: numbers convert to integers the way
// x86-64 does (out-of-range -> 0x8000000000000000 or wrapped), "!" alignment uses
// Redis's formula even for non-power-of-2 sizes, a string-too-short error names the
// argument after the string, the first missing pack argument reads "got nil", and
// struct.size skips letters it does not know instead of rejecting them.

struct lua_State;

// Pushes the struct table and returns 1; the caller makes it the global "struct".
int luaopen_struct(lua_State* lua);
