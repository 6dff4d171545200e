#pragma once
// The constants of the RDB format (files, DUMP payloads, AOF preambles), as Redis
// documents and writes them. Corvid writes version 10 (Redis 7.0) unless a hash has
// field deadlines, which need Redis 7.4's types and version 12; it reads 1 to 12.

#include <cstdint>

namespace corvid::rdb {

inline constexpr int kVersion = 10;                // what Redis 7.0 writes and accepts at most
inline constexpr int kVersionWithFieldExpiry = 12;  // Redis 7.4: hash field TTL types
inline constexpr int kMaxReadableVersion = 12;

// Value types (the byte before a key).
enum Type : uint8_t {
  kString = 0,
  kListLinked = 1,  // a plain list of strings (before 3.2)
  kSet = 2,
  kZSetText = 3,  // scores as text
  kHash = 4,
  kZSet = 5,  // scores as binary doubles ("ZSET_2")
  kModulePreGa = 6,
  kModule = 7,
  kHashZipmap = 9,
  kListZiplist = 10,
  kSetIntset = 11,
  kZSetZiplist = 12,
  kHashZiplist = 13,
  kListQuicklistZiplist = 14,  // quicklist of ziplists (3.2 - 6.2)
  kStreamListpacks = 15,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist = 18,  // quicklist of listpack / plain nodes ("QUICKLIST_2", 7.0)
  kStreamListpacks2 = 19,
  kSetListpack = 20,  // 7.2
  kStreamListpacks3 = 21,
  kHashMetadataPreGa = 22,
  kHashListpackExPreGa = 23,
  kHashMetadata = 24,    // 7.4: a hash table hash with field deadlines
  kHashListpackEx = 25,  // 7.4: field/value/deadline listpack
};

// Opcodes between keys.
enum Opcode : uint8_t {
  kOpFunction2 = 245,
  kOpFunctionPreGa = 246,
  kOpModuleAux = 247,
  kOpIdle = 248,
  kOpFreq = 249,
  kOpAux = 250,
  kOpResizeDb = 251,
  kOpExpireTimeMs = 252,
  kOpExpireTime = 253,  // seconds, before version 3... still accepted
  kOpSelectDb = 254,
  kOpEof = 255,
};

// Length prefixes: the top two bits of the first byte.
inline constexpr uint8_t kLen6Bit = 0;
inline constexpr uint8_t kLen14Bit = 1;
inline constexpr uint8_t kLen32Bit = 0x80;
inline constexpr uint8_t kLen64Bit = 0x81;
inline constexpr uint8_t kEncodedValue = 3;  // "11": an encoded string follows

// Encoded strings (the low six bits after kEncodedValue).
enum StringEncoding : uint8_t { kEncInt8 = 0, kEncInt16 = 1, kEncInt32 = 2, kEncLzf = 3 };

// Quicklist node containers (RDB type 18).
inline constexpr uint64_t kQuicklistPlain = 1;
inline constexpr uint64_t kQuicklistPacked = 2;

// Text doubles (ZSET version 1): one length byte, or one of these.
inline constexpr uint8_t kDoubleNan = 253;
inline constexpr uint8_t kDoubleInf = 254;
inline constexpr uint8_t kDoubleNegInf = 255;

}  // namespace corvid::rdb
