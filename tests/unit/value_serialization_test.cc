// Values in the RDB encoding (persistence/value_writer.h, persistence/value_reader.h):
// every type and encoding written and read back, payloads written by Redis 7.0.15 (its
// DUMP output without the 10-byte footer) read and reproduced byte for byte, the older
// encodings Redis still loads, and malformed payloads refused.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/digest.h"
#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/value_limits.h"
#include "db/zset_value.h"
#include "persistence/crc64.h"
#include "persistence/rdb_format.h"
#include "persistence/rdb_input.h"
#include "persistence/rdb_output.h"
#include "persistence/redis_encodings.h"
#include "persistence/value_reader.h"
#include "persistence/value_writer.h"
#include "test_support.h"

using namespace std::literals;

namespace corvid {
namespace {

using testing_support::from_hex;
using testing_support::to_hex;
using testing_support::EntryPtr;

const ValueLimits kLimits{};

// --- building values

EntryPtr string_entry(std::string_view value, int64_t expire = KeyEntry::kNoExpiry) {
  return EntryPtr(KeyEntry::create_string("k", value, expire));
}

EntryPtr list_entry(const std::vector<std::string>& elements) {
  auto list = std::make_unique<ListValue>(Quicklist(kLimits.list_fill));
  for (const std::string& e : elements) list->items().push_back(e);
  return EntryPtr(KeyEntry::create_object("k", ValueType::List, std::move(list), KeyEntry::kNoExpiry));
}

EntryPtr set_entry(const std::vector<std::string>& members) {
  auto set = SetValue::create_for(members.front(), members.size(), kLimits.set);
  for (const std::string& m : members) set->add(m, kLimits.set);
  return EntryPtr(KeyEntry::create_object("k", ValueType::Set, std::move(set), KeyEntry::kNoExpiry));
}

EntryPtr zset_entry(const std::vector<std::pair<std::string, double>>& members) {
  auto zset = std::make_unique<ZSetValue>();
  for (const auto& [m, s] : members) zset->set(m, s, kLimits.zset);
  return EntryPtr(KeyEntry::create_object("k", ValueType::ZSet, std::move(zset), KeyEntry::kNoExpiry));
}

struct FieldSpec {
  std::string field;
  std::string value;
  int64_t deadline = HashValue::kNoExpiry;
};

EntryPtr hash_entry(const std::vector<FieldSpec>& fields) {
  auto hash = std::make_unique<HashValue>();
  for (const FieldSpec& f : fields) hash->set(f.field, f.value, kLimits.hash);
  for (const FieldSpec& f : fields) {
    if (f.deadline != HashValue::kNoExpiry) hash->set_field_expiry(f.field, f.deadline);
  }
  return EntryPtr(KeyEntry::create_object("k", ValueType::Hash, std::move(hash), KeyEntry::kNoExpiry));
}

// --- describing values: everything a round trip must keep, as comparable text

std::string score_text(double score) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g%s", score, std::signbit(score) && score == 0 ? "(neg)" : "");
  return buf;
}

std::string describe(const KeyEntry& e) {
  std::ostringstream out;
  out << "type " << static_cast<int>(e.type()) << " ttl " << e.expire_at_ms() << "\n";
  switch (e.type()) {
    case ValueType::String: {
      char scratch[24];
      out << "[" << e.string_value(scratch) << "]";
      break;
    }
    case ValueType::List:
      e.object_as<ListValue>().items().for_each([&](std::string_view s) { out << "[" << s << "]"; });
      break;
    case ValueType::Set: {
      std::vector<std::string> members;
      e.object_as<SetValue>().for_each([&](std::string_view m) { members.emplace_back(m); });
      std::sort(members.begin(), members.end());
      for (const std::string& m : members) out << "[" << m << "]";
      break;
    }
    case ValueType::ZSet:
      e.object_as<ZSetValue>().for_each(
          [&](std::string_view m, double s) { out << "[" << m << "]=" << score_text(s) << "\n"; });
      break;
    case ValueType::Hash: {
      std::map<std::string, std::pair<std::string, int64_t>> fields;
      e.object_as<HashValue>().for_each_with_expiry([&](std::string_view f, std::string_view v, int64_t when) {
        fields[std::string(f)] = {std::string(v), when};
      });
      for (const auto& [f, vw] : fields) out << "[" << f << "]=[" << vw.first << "]@" << vw.second << "\n";
      break;
    }
    case ValueType::Stream:
      break;
  }
  return out.str();
}

std::string serialize(const KeyEntry& e, bool compress) {
  StringOutput out(compress);
  write_value(out, e);
  return std::move(out.data());
}

// Reads a whole payload (type byte first); the input must be consumed exactly.
EntryPtr deserialize(std::string_view payload, int64_t expire = KeyEntry::kNoExpiry,
                     const ValueLimits& limits = kLimits) {
  MemoryInput in(payload);
  const uint8_t type = in.byte();
  EntryPtr e(read_value(in, type, "k", expire, limits));
  EXPECT_EQ(in.remaining(), 0u) << "payload not consumed";
  return e;
}

uint8_t type_byte(const std::string& payload) { return static_cast<uint8_t>(payload.at(0)); }

// Writes, reads back (with and without compression) and compares.
void expect_round_trip(const KeyEntry& original, uint8_t expected_type, Encoding expected_encoding) {
  ASSERT_EQ(original.encoding(), expected_encoding) << "test setup: " << encoding_name(original.encoding());
  for (bool compress : {false, true}) {
    SCOPED_TRACE(compress ? "compressed" : "plain");
    const std::string payload = serialize(original, compress);
    ASSERT_FALSE(payload.empty());
    EXPECT_EQ(type_byte(payload), expected_type);
    EntryPtr copy = deserialize(payload, original.expire_at_ms());
    ASSERT_NE(copy, nullptr);
    EXPECT_EQ(copy->key(), "k");
    EXPECT_EQ(copy->type(), original.type());
    EXPECT_EQ(encoding_name(copy->encoding()), encoding_name(expected_encoding));
    EXPECT_EQ(describe(*copy), describe(original));
    EXPECT_EQ(digest_hex(value_digest(*copy)), digest_hex(value_digest(original)));
    // Writing the copy gives the same bytes again (a rebuilt hash table may list its
    // members in another order).
    if (expected_encoding != Encoding::Hashtable) {
      EXPECT_EQ(serialize(*copy, compress), payload);
    }
  }
}

// Redis DUMP payloads end with the RDB version (2 bytes LE) and the CRC-64 of all before.
uint64_t dump_crc(const std::string& payload, uint16_t version = 10) {
  std::string framed = payload;
  framed.push_back(static_cast<char>(version & 0xff));
  framed.push_back(static_cast<char>(version >> 8));
  return crc64(0, framed);
}

std::string text_of(int i) { return std::to_string(i); }

// --- strings

TEST(ValueSerialization, StringEncodings) {
  expect_round_trip(*string_entry("12345"), rdb::kString, Encoding::Int);
  expect_round_trip(*string_entry("-7"), rdb::kString, Encoding::Int);
  expect_round_trip(*string_entry("0"), rdb::kString, Encoding::Int);
  expect_round_trip(*string_entry("123456789012"), rdb::kString, Encoding::Int);
  expect_round_trip(*string_entry("-9223372036854775808"), rdb::kString, Encoding::Int);
  expect_round_trip(*string_entry("9223372036854775807"), rdb::kString, Encoding::Int);
  expect_round_trip(*string_entry(""), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry("hello"), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry("007"), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry("+1"), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry("-0"), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry("9223372036854775808"), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry(std::string(44, 'e')), rdb::kString, Encoding::Embstr);
  expect_round_trip(*string_entry(std::string(45, 'r')), rdb::kString, Encoding::Raw);
  std::string binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  expect_round_trip(*string_entry(binary), rdb::kString, Encoding::Raw);
  std::string long_text;
  for (int i = 0; i < 20000; ++i) long_text += "line " + std::to_string(i % 100) + "\n";
  expect_round_trip(*string_entry(long_text), rdb::kString, Encoding::Raw);
}

TEST(ValueSerialization, StringIntegerEncodingsOnTheWire) {
  // Integers of 8/16/32 bits are written as encoded strings, larger ones as text.
  EXPECT_EQ(to_hex(serialize(*string_entry("12345"), false)), "00c13930");
  EXPECT_EQ(to_hex(serialize(*string_entry("-7"), false)), "00c0f9");
  EXPECT_EQ(to_hex(serialize(*string_entry("-128"), false)), "00c080");
  EXPECT_EQ(to_hex(serialize(*string_entry("128"), false)), "00c18000");
  EXPECT_EQ(to_hex(serialize(*string_entry("2147483647"), false)), "00c2ffffff7f");
  EXPECT_EQ(to_hex(serialize(*string_entry("-2147483648"), false)), "00c200000080");
  EXPECT_EQ(to_hex(serialize(*string_entry("2147483648"), false)), "000a32313437343833363438");
  EXPECT_EQ(to_hex(serialize(*string_entry("007"), false)), "0003303037");
}

TEST(ValueSerialization, LongStringsCompressOnlyWhenAsked) {
  const std::string value(1000, 'a');
  const std::string plain = serialize(*string_entry(value), false);
  const std::string packed = serialize(*string_entry(value), true);
  // Plain: type, 14-bit length 1000 (0x43 0xe8), the bytes.
  EXPECT_EQ(plain.size(), 1u + 2 + 1000);
  EXPECT_EQ(to_hex(plain.substr(0, 3)), "0043e8");
  // Compressed: type, 0xc3, compressed length, 1000 as a length, the LZF data.
  EXPECT_LT(packed.size(), 100u);
  EXPECT_EQ(to_hex(packed.substr(0, 2)), "00c3");
  // An incompressible long string is written plain even when compression is on.
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 500; ++i) {
    x = x * 1103515245 + 12345;
    noise.push_back(static_cast<char>(x >> 16));
  }
  EXPECT_EQ(serialize(*string_entry(noise), true), serialize(*string_entry(noise), false));
}

// --- lists

TEST(ValueSerialization, SmallList) {
  expect_round_trip(*list_entry({"a", "b", "1", "2", "-5", "300", "70000", "xyz", ""}), rdb::kListQuicklist,
                    Encoding::Quicklist);
  expect_round_trip(*list_entry({"only"}), rdb::kListQuicklist, Encoding::Quicklist);
  expect_round_trip(*list_entry({"007", "+1", "-0", "9223372036854775807", "-9223372036854775808",
                                 "9223372036854775808"}),
                    rdb::kListQuicklist, Encoding::Quicklist);
}

TEST(ValueSerialization, ListWithManyNodes) {
  std::vector<std::string> elements;
  for (int i = 0; i < 5000; ++i) elements.push_back(i % 3 ? "element-" + text_of(i) : text_of(i * 1000));
  elements.push_back(std::string(70000, 'L'));  // a node of its own, a 32-bit string length
  for (int i = 0; i < 100; ++i) elements.push_back(std::string(5000, static_cast<char>('a' + i % 26)));
  EntryPtr list = list_entry(elements);
  ASSERT_GT(list->object_as<ListValue>().items().node_count(), 3u);
  expect_round_trip(*list, rdb::kListQuicklist, Encoding::Quicklist);
  // One listpack per node on the wire.
  const std::string payload = serialize(*list, false);
  MemoryInput in(payload);
  in.byte();
  EXPECT_EQ(in.length(), list->object_as<ListValue>().items().node_count());
}

// --- sets

TEST(ValueSerialization, IntsetOfEveryWidth) {
  expect_round_trip(*set_entry({"1", "2", "3", "-1"}), rdb::kSetIntset, Encoding::Intset);
  expect_round_trip(*set_entry({"70000", "1"}), rdb::kSetIntset, Encoding::Intset);
  expect_round_trip(*set_entry({"5000000000", "-1"}), rdb::kSetIntset, Encoding::Intset);
  expect_round_trip(*set_entry({"-9223372036854775808", "9223372036854775807", "0"}), rdb::kSetIntset,
                    Encoding::Intset);
  std::vector<std::string> many;
  for (int i = 0; i < 512; ++i) many.push_back(text_of(i * 7 - 1000));
  expect_round_trip(*set_entry(many), rdb::kSetIntset, Encoding::Intset);
}

TEST(ValueSerialization, IntsetMatchesRedisBytes) {
  // Redis 7.0.15, SADD of these members: type 11, then the intset block as a string.
  EXPECT_EQ(to_hex(serialize(*set_entry({"1", "2", "3", "-1"}), false)), "0b100200000004000000ffff010002000300");
  EXPECT_EQ(to_hex(serialize(*set_entry({"70000", "1"}), false)), "0b1004000000020000000100000070110100");
  EXPECT_EQ(to_hex(serialize(*set_entry({"5000000000", "-1"}), false)),
            "0b180800000002000000ffffffffffffffff00f2052a01000000");
}

TEST(ValueSerialization, SetListpackAndHashtable) {
  expect_round_trip(*set_entry({"a", "b", "c", "1"}), rdb::kSet, Encoding::Listpack);
  std::vector<std::string> strings;
  for (int i = 0; i < 300; ++i) strings.push_back("member:" + text_of(i));
  expect_round_trip(*set_entry(strings), rdb::kSet, Encoding::Hashtable);
  std::vector<std::string> ints;
  for (int i = 0; i < 600; ++i) ints.push_back(text_of(i * 3 - 500));
  expect_round_trip(*set_entry(ints), rdb::kSet, Encoding::Hashtable);
  expect_round_trip(*set_entry({"short", std::string(100, 'x')}), rdb::kSet, Encoding::Hashtable);
}

// --- sorted sets

TEST(ValueSerialization, ZSetListpack) {
  expect_round_trip(*zset_entry({{"m1", 1.5}, {"m2", 2}, {"m3", -INFINITY}, {"m4", INFINITY}, {"m5", 3.25}}),
                    rdb::kZSetListpack, Encoding::Listpack);
  expect_round_trip(*zset_entry({{"a", 1e300}, {"b", 0.1}, {"c", -2.5}, {"d", 4611686018427387904.0},
                                 {"e", 4611686018427387903.0}, {"f", -4611686018427387903.0}, {"g", 0},
                                 {"h", 5e-324}, {"1", 1}, {"", -1}}),
                    rdb::kZSetListpack, Encoding::Listpack);
}

TEST(ValueSerialization, ZSetSkiplist) {
  std::vector<std::pair<std::string, double>> members;
  for (int i = 0; i < 200; ++i) members.emplace_back("member:" + text_of(i), i * 0.5);
  members.emplace_back("low", -INFINITY);
  members.emplace_back("high", INFINITY);
  members.emplace_back("tiny", 1e-300);
  members.emplace_back("123", 7);
  expect_round_trip(*zset_entry(members), rdb::kZSet, Encoding::Skiplist);
  expect_round_trip(*zset_entry({{std::string(100, 'm'), 2.5}, {"short", 1}}), rdb::kZSet, Encoding::Skiplist);
  // Skiplist scores are binary doubles: negative zero and the smallest subnormal survive.
  EntryPtr e = zset_entry({{std::string(70, 'z'), -0.0}, {"sub", 5e-324}, {"max", 1.7976931348623157e308}});
  const std::string payload = serialize(*e, false);
  EntryPtr copy = deserialize(payload);
  ASSERT_NE(copy, nullptr);
  EXPECT_EQ(describe(*copy), describe(*e));
  EXPECT_NE(describe(*copy).find("-0(neg)"), std::string::npos);
}

TEST(ValueSerialization, ZSetSkiplistHighestFirst) {
  const std::string payload = serialize(*zset_entry({{"long-" + std::string(80, 'x'), 1}, {"b", 2}, {"c", 3}}), false);
  MemoryInput in(payload);
  EXPECT_EQ(in.byte(), rdb::kZSet);
  EXPECT_EQ(in.length(), 3u);
  EXPECT_EQ(in.string(), "c");
  EXPECT_EQ(in.binary_double(), 3.0);
  EXPECT_EQ(in.string(), "b");
  EXPECT_EQ(in.binary_double(), 2.0);
}

// --- hashes

TEST(ValueSerialization, HashListpackAndHashtable) {
  expect_round_trip(*hash_entry({{"f", "v"}, {"n", "12"}, {"e", ""}}), rdb::kHashListpack, Encoding::Listpack);
  std::vector<FieldSpec> many;
  for (int i = 0; i < 600; ++i) many.push_back({"field:" + text_of(i), "value:" + text_of(i)});
  expect_round_trip(*hash_entry(many), rdb::kHash, Encoding::Hashtable);
  expect_round_trip(*hash_entry({{"f", std::string(100, 'v')}, {"g", "w"}}), rdb::kHash, Encoding::Hashtable);
  expect_round_trip(*hash_entry({{std::string(65, 'f'), "v"}}), rdb::kHash, Encoding::Hashtable);
}

TEST(ValueSerialization, HashFieldDeadlinesListpack) {
  EntryPtr e = hash_entry({{"a", "1", 1'700'000'000'123}, {"b", "2"}, {"c", "3", 1'600'000'000'000}});
  EXPECT_TRUE(needs_field_expiry_types(*e));
  EXPECT_EQ(dump_version_for(*e), rdb::kVersionWithFieldExpiry);
  expect_round_trip(*e, rdb::kHashListpackEx, Encoding::ListpackEx);
  // Type 25: the earliest deadline (8 bytes LE), then the triples' listpack.
  const std::string payload = serialize(*e, false);
  MemoryInput in(payload);
  in.byte();
  EXPECT_EQ(in.millis(), 1'600'000'000'000);
  std::vector<std::string> texts;
  ASSERT_TRUE(redis_format::read_listpack(in.string(), [&](const redis_format::Element& el) {
    texts.push_back(el.text());
  }));
  EXPECT_EQ(texts, (std::vector<std::string>{"a", "1", "1700000000123", "b", "2", "0", "c", "3", "1600000000000"}));
  // Deadline at the upper limit.
  expect_round_trip(*hash_entry({{"x", "y", HashValue::kMaxExpiryMs}}), rdb::kHashListpackEx, Encoding::ListpackEx);
}

TEST(ValueSerialization, HashFieldDeadlinesHashtable) {
  std::vector<FieldSpec> fields;
  for (int i = 0; i < 600; ++i) {
    fields.push_back({"field:" + text_of(i), "value:" + text_of(i),
                      i % 3 == 0 ? HashValue::kNoExpiry : 1'800'000'000'000 + i * 1000});
  }
  EntryPtr e = hash_entry(fields);
  EXPECT_EQ(dump_version_for(*e), rdb::kVersionWithFieldExpiry);
  expect_round_trip(*e, rdb::kHashMetadata, Encoding::Hashtable);
  // One long value makes a small hash a table too.
  EntryPtr small = hash_entry({{"f", std::string(200, 'v'), 1'234'567'890'123}, {"g", "w"}});
  expect_round_trip(*small, rdb::kHashMetadata, Encoding::Hashtable);
  // Type 24: the earliest deadline, the count, then per field (deadline - earliest + 1 or
  // 0), field, value.
  const std::string payload = serialize(*small, false);
  MemoryInput in(payload);
  in.byte();
  EXPECT_EQ(in.millis(), 1'234'567'890'123);
  EXPECT_EQ(in.length(), 2u);
  std::map<std::string, uint64_t> stored;
  for (int i = 0; i < 2; ++i) {
    const uint64_t relative = in.length();
    const std::string field = in.string();
    (void)in.string();
    stored[field] = relative;
  }
  EXPECT_EQ(stored, (std::map<std::string, uint64_t>{{"f", 1}, {"g", 0}}));
}

TEST(ValueSerialization, PlainValuesUseVersion10) {
  EXPECT_EQ(dump_version_for(*string_entry("x")), rdb::kVersion);
  EXPECT_EQ(dump_version_for(*hash_entry({{"f", "v"}})), rdb::kVersion);
  EXPECT_FALSE(needs_field_expiry_types(*hash_entry({{"f", "v"}})));
  EXPECT_FALSE(needs_field_expiry_types(*set_entry({"a"})));
}

// --- the key and the TTL travel beside the value

TEST(ValueSerialization, KeyGoesBetweenTypeAndPayload) {
  EntryPtr e = string_entry("v");
  StringOutput out(false);
  const std::string_view key = "my-key";
  write_value(out, *e, &key);
  EXPECT_EQ(out.data(), "\x00\x06my-key\x01v"s);
}

TEST(ValueSerialization, ExpiryIsTheCallersAndDoesNotChangeThePayload) {
  EntryPtr e = string_entry("v", 1'900'000'000'000);
  EXPECT_EQ(serialize(*e, false), serialize(*string_entry("v"), false));
  EntryPtr copy = deserialize(serialize(*e, false), 1'900'000'000'000);
  ASSERT_NE(copy, nullptr);
  EXPECT_TRUE(copy->has_expiry());
  EXPECT_EQ(copy->expire_at_ms(), 1'900'000'000'000);
  EntryPtr list = deserialize(serialize(*list_entry({"a"}), false), 5);
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->expire_at_ms(), 5);
}

// --- payloads written by Redis 7.0.15

struct RedisPayload {
  const char* name;
  const char* hex;         // DUMP output minus its footer
  Encoding encoding;       // what Corvid holds it as once read
  const char* digest;      // Redis's DEBUG DIGEST-VALUE
  bool byte_identical;     // writing the value back gives Redis's bytes
};

const RedisPayload kRedisPayloads[] = {
    {"int", "00c13930", Encoding::Int, "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83", true},
    {"negative int", "00c0f9", Encoding::Int, "220f87802dc1eca9ffb9dd7f52e30f559e135f81", true},
    {"64-bit int", "000c313233343536373839303132", Encoding::Int, "116773326adc5913f9494119af445137dfd552e7", true},
    {"embstr", "000568656c6c6f", Encoding::Embstr, "36b23a1456b2dce2c3ed252c456761301dba8060", true},
    {"lzf", "00c3094064016161e05700016161", Encoding::Raw, "ee6fc3a95843eb8b4bcad41a55f6b922e267675a", false},
    {"incompressible", "001e61686f76636a7178656c737a676e7562697077646b7279666d7461686f76", Encoding::Embstr,
     "8e4e5b6047dd9210d7d4e4bebbccf39e4ba52198", true},
    {"list", "1201022323000000090081610281620201010201dffb02c12c02f2701101048378797a048001ff",
     Encoding::Quicklist, "4aefac7765e47934a97bc7abcf065efe9a26e054", true},
    {"intset16", "0b100200000004000000ffff010002000300", Encoding::Intset, "53c29a9fb0981133a8d44799a6100f1a8f1a6a5f",
     true},
    {"intset32", "0b1004000000020000000100000070110100", Encoding::Intset, "73cc54dc6651996c874ff7e3d6ccca8af7b95183",
     true},
    {"intset64", "0b180800000002000000ffffffffffffffff00f2052a01000000", Encoding::Intset,
     "6847474e7a8daa49b434ddbee8ee15242598c308", true},
    {"set of strings", "0203016301620161", Encoding::Listpack, "593c2414786d75446e97f4ea5d4b731f3313da72", false},
    {"zset listpack",
     "1133330000000a00826d3303842d696e6605826d310383312e3504826d32030201826d350384332e323505826d340383696e6604ff",
     Encoding::Listpack, "34980e3522e11a38ea710089430d0877e7886458", true},
    {"zset one", "110f0f0000000200816d0283312e3504ff", Encoding::Listpack, "0b67afcf657d7aa53a5226bcca2f55ea7f2fff48",
     true},
    {"zset negative zero", "110c0c0000000200816d020001ff", Encoding::Listpack,
     "669bd9943b43e6b31f3ab60847ee6a38dd154aba", true},
    {"hash", "1017170000000600816602817602816e020c018165028001ff", Encoding::Listpack,
     "5b330fb7a8f9176674faf468e0e85aeda25830cd", true},
    {"hash one", "100d0d0000000200816602817602ff", Encoding::Listpack, "90c76e9e9f4c62d642a34fc97c7dad503b51f906", true},
};

TEST(ValueSerialization, ReadsRedisPayloads) {
  for (const RedisPayload& p : kRedisPayloads) {
    SCOPED_TRACE(p.name);
    const std::string payload = from_hex(p.hex);
    EntryPtr e = deserialize(payload);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(encoding_name(e->encoding()), encoding_name(p.encoding));
    EXPECT_EQ(digest_hex(value_digest(*e)), p.digest);
    if (p.byte_identical) {
      EXPECT_EQ(to_hex(serialize(*e, true)), p.hex);
    }
  }
}

TEST(ValueSerialization, RedisPayloadContents) {
  char scratch[24];
  EntryPtr lzf = deserialize(from_hex("00c3094064016161e05700016161"));
  ASSERT_NE(lzf, nullptr);
  EXPECT_EQ(lzf->string_value(scratch), std::string(100, 'a'));
  EntryPtr list = deserialize(from_hex(kRedisPayloads[6].hex));
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(describe(*list), describe(*list_entry({"a", "b", "1", "2", "-5", "300", "70000", "xyz", ""})));
  EntryPtr zset = deserialize(from_hex(kRedisPayloads[11].hex));
  ASSERT_NE(zset, nullptr);
  EXPECT_EQ(describe(*zset),
            describe(*zset_entry({{"m1", 1.5}, {"m2", 2}, {"m3", -INFINITY}, {"m4", INFINITY}, {"m5", 3.25}})));
  EntryPtr hash = deserialize(from_hex(kRedisPayloads[14].hex));
  ASSERT_NE(hash, nullptr);
  EXPECT_EQ(describe(*hash), describe(*hash_entry({{"f", "v"}, {"n", "12"}, {"e", ""}})));
  EntryPtr set = deserialize(from_hex(kRedisPayloads[10].hex));
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(describe(*set), describe(*set_entry({"a", "b", "c"})));
}

// Larger values: Redis 7.0.15's DUMP of the same content has this payload size and CRC-64
// (the CRC covers the payload and the version bytes 0a 00).
TEST(ValueSerialization, LargeValuesMatchRedisBytes) {
  {
    SCOPED_TRACE("skiplist zset");
    std::vector<std::pair<std::string, double>> members;
    for (int i = 0; i < 200; ++i) members.emplace_back("member:" + text_of(i), i * 0.5);
    EntryPtr e = zset_entry(members);
    ASSERT_EQ(e->encoding(), Encoding::Skiplist);
    const std::string payload = serialize(*e, true);
    EXPECT_EQ(payload.size(), 3693u);
    EXPECT_EQ(dump_crc(payload), 0x938d5aedef58bb76ULL);
    EXPECT_EQ(digest_hex(value_digest(*e)), "b1c15039d00e145d1dc8c4b326b04c3c92289700");
  }
  {
    SCOPED_TRACE("compressed zset listpack");
    EntryPtr e = zset_entry({{"a", 1e300}, {"b", 0.1}, {"c", -2.5}, {"d", 4611686018427387904.0},
                             {"e", 4611686018427387903.0}, {"f", -4611686018427387903.0}});
    const std::string payload = serialize(*e, true);
    EXPECT_EQ(payload.size(), 79u);
    EXPECT_EQ(dump_crc(payload), 0xfab4b2a645b88aa2ULL);
    EXPECT_EQ(digest_hex(value_digest(*e)), "247f286cd93335d2c1f2d4545166b348f4e207a0");
  }
  {
    SCOPED_TRACE("skiplist zset with a long member");
    EntryPtr e = zset_entry({{std::string(100, 'm'), 2.5}, {"short", 1}});
    const std::string payload = serialize(*e, true);
    EXPECT_EQ(payload.size(), 37u);
    EXPECT_EQ(dump_crc(payload), 0xf2686415d81cee5aULL);
    EXPECT_EQ(digest_hex(value_digest(*e)), "0152d1da374031e1d688477bc7f40df14f1a5288");
  }
}

TEST(ValueSerialization, ListNodesMatchRedisBytes) {
  // RPUSH of these 1000 elements under list-max-listpack-size -2: two quicklist nodes,
  // whose DUMP Redis 7.0.15 gives with this size and CRC.
  std::vector<std::string> elements;
  for (int i = 0; i < 1000; ++i) elements.push_back(i % 3 ? "element-" + text_of(i) : text_of(i * 1000));
  EntryPtr e = list_entry(elements);
  EXPECT_EQ(e->object_as<ListValue>().items().node_count(), 2u);
  const std::string payload = serialize(*e, true);
  EXPECT_EQ(payload.size(), 4558u);
  EXPECT_EQ(dump_crc(payload), 0xff214305fb69247fULL);
}

TEST(ValueSerialization, LargeValuesMatchRedisDigests) {
  std::vector<std::string> elements;
  for (int i = 0; i < 1000; ++i) elements.push_back(i % 3 ? "element-" + text_of(i) : text_of(i * 1000));
  EXPECT_EQ(digest_hex(value_digest(*list_entry(elements))), "f69132293da7b449f581f0c0e1ac4971b1d07886");
  std::vector<FieldSpec> fields;
  for (int i = 0; i < 600; ++i) fields.push_back({"field:" + text_of(i), "value:" + text_of(i)});
  EXPECT_EQ(digest_hex(value_digest(*hash_entry(fields))), "456c5f2793039500be98565345aeec92696416c2");
  std::vector<std::string> ints;
  for (int i = 0; i < 600; ++i) ints.push_back(text_of(i * 3 - 500));
  EXPECT_EQ(digest_hex(value_digest(*set_entry(ints))), "78d8f325353c5dd17e09244e50a091ad5ed9eb46");
  EXPECT_EQ(digest_hex(value_digest(*hash_entry({{"f", std::string(100, 'v')}, {"g", "w"}}))),
            "30fd8ae92c3c57e104a327efef20435c66ba582c");
}

// --- older encodings Redis still loads

// A ziplist of short strings (all entries under 254 bytes).
std::string ziplist_of(const std::vector<std::string>& items) {
  std::string body;
  size_t previous = 0;
  size_t last = 10;
  for (const std::string& s : items) {
    last = 10 + body.size();
    std::string entry;
    entry.push_back(static_cast<char>(previous));
    entry.push_back(static_cast<char>(s.size()));  // 6-bit string length
    entry += s;
    body += entry;
    previous = entry.size();
  }
  std::string out(10, '\0');
  out += body;
  out.push_back('\xff');
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  };
  put32(0, static_cast<uint32_t>(out.size()));
  put32(4, static_cast<uint32_t>(last));
  out[8] = static_cast<char>(items.size());
  out[9] = 0;
  return out;
}

// An RDB plain string: a 6-bit length (all uses here are short) and the bytes.
std::string rdb_string(const std::string& s) {
  EXPECT_LT(s.size(), 64u);
  return std::string(1, static_cast<char>(s.size())) + s;
}

std::string rdb_blob(const std::string& s) {
  StringOutput out(false);
  out.plain_string(s);
  return out.data();
}

TEST(ValueSerialization, OldListEncodings) {
  const std::string expected = describe(*list_entry({"a", "bb", "ccc"}));
  // Type 1: a count and strings.
  EntryPtr linked = deserialize("\x01\x03"s + rdb_string("a") + rdb_string("bb") + rdb_string("ccc"));
  ASSERT_NE(linked, nullptr);
  EXPECT_EQ(describe(*linked), expected);
  // Type 10: one ziplist.
  EntryPtr ziplist = deserialize("\x0a"s + rdb_blob(ziplist_of({"a", "bb", "ccc"})));
  ASSERT_NE(ziplist, nullptr);
  EXPECT_EQ(describe(*ziplist), expected);
  // Type 14: a quicklist of ziplists.
  EntryPtr quick = deserialize("\x0e\x02"s + rdb_blob(ziplist_of({"a", "bb"})) + rdb_blob(ziplist_of({"ccc"})));
  ASSERT_NE(quick, nullptr);
  EXPECT_EQ(describe(*quick), expected);
  // Type 18 with a plain node (container 1) between packed ones.
  redis_format::ListpackBuilder b;
  b.add("a");
  const std::string lp1 = b.finish();
  b.add("ccc");
  const std::string lp2 = b.finish();
  EntryPtr plain = deserialize("\x12\x03\x02"s + rdb_blob(lp1) + "\x01"s + rdb_string("bb") + "\x02"s + rdb_blob(lp2));
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(describe(*plain), expected);
  for (EntryPtr* e : {&linked, &ziplist, &quick, &plain}) EXPECT_EQ((*e)->encoding(), Encoding::Quicklist);
}

TEST(ValueSerialization, OldSetEncodings) {
  // Type 20: Redis 7.2's listpack set.
  redis_format::ListpackBuilder b;
  b.add("x");
  b.add("5");
  b.add("y");
  EntryPtr set = deserialize("\x14"s + rdb_blob(b.finish()));
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(describe(*set), describe(*set_entry({"x", "5", "y"})));
  EXPECT_EQ(set->encoding(), Encoding::Listpack);
  // Type 2 with integer-encoded members: an intset when every member is an integer.
  EntryPtr ints = deserialize("\x02\x03\xc0\x01\xc0\x02\xc1\x00\x01"s);
  ASSERT_NE(ints, nullptr);
  EXPECT_EQ(describe(*ints), describe(*set_entry({"1", "2", "256"})));
  EXPECT_EQ(ints->encoding(), Encoding::Intset);
}

TEST(ValueSerialization, OldZSetEncodings) {
  const std::string expected = describe(*zset_entry({{"a", 1.5}, {"b", INFINITY}, {"c", -INFINITY}, {"d", 3}}));
  // Type 3: scores as text (a length byte, or 253/254/255 for nan/inf/-inf).
  EntryPtr text = deserialize("\x03\x04"s + rdb_string("a") + "\x03" "1.5"s + rdb_string("b") + "\xfe"s +
                              rdb_string("c") + "\xff"s + rdb_string("d") + "\x01" "3"s);
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(describe(*text), expected);
  // Type 12: a ziplist of member, score pairs.
  EntryPtr zl = deserialize("\x0c"s + rdb_blob(ziplist_of({"c", "-inf", "a", "1.5", "d", "3", "b", "inf"})));
  ASSERT_NE(zl, nullptr);
  EXPECT_EQ(describe(*zl), expected);
  EXPECT_EQ(zl->encoding(), Encoding::Listpack);
}

TEST(ValueSerialization, OldHashEncodings) {
  const std::string expected = describe(*hash_entry({{"f", "v"}, {"n", "12"}}));
  // Type 13: a ziplist of field, value pairs.
  EntryPtr zl = deserialize("\x0d"s + rdb_blob(ziplist_of({"f", "v", "n", "12"})));
  ASSERT_NE(zl, nullptr);
  EXPECT_EQ(describe(*zl), expected);
  // Type 9: a zipmap (count, then len field len free value).
  const std::string zipmap = "\x02" "\x01" "f" "\x01" "\x00" "v" "\x01" "n" "\x02" "\x01" "12" "X" "\xff"s;
  EntryPtr zm = deserialize("\x09"s + rdb_blob(zipmap));
  ASSERT_NE(zm, nullptr);
  EXPECT_EQ(describe(*zm), expected);
  EXPECT_EQ(zm->encoding(), Encoding::Listpack);
  // A long value read from an old encoding makes a table, as the limits say.
  EntryPtr big = deserialize("\x0d"s + rdb_blob(ziplist_of({"f", std::string(63, 'v')})), KeyEntry::kNoExpiry,
                             ValueLimits{HashLimits{512, 10}, SetLimits{}, ZSetLimits{}, -2});
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->encoding(), Encoding::Hashtable);
}

TEST(ValueSerialization, LimitsDecideTheLoadedEncoding) {
  ValueLimits tight;
  tight.hash = HashLimits{2, 64};
  tight.set = SetLimits{2, 2, 64};
  tight.zset = ZSetLimits{2, 64};
  EntryPtr hash = deserialize(serialize(*hash_entry({{"a", "1"}, {"b", "2"}, {"c", "3"}}), false),
                              KeyEntry::kNoExpiry, tight);
  ASSERT_NE(hash, nullptr);
  EXPECT_EQ(hash->encoding(), Encoding::Hashtable);
  EntryPtr intset = deserialize(serialize(*set_entry({"1", "2", "3"}), false), KeyEntry::kNoExpiry, tight);
  ASSERT_NE(intset, nullptr);
  EXPECT_EQ(intset->encoding(), Encoding::Hashtable);
  EntryPtr zset = deserialize(serialize(*zset_entry({{"a", 1}, {"b", 2}, {"c", 3}}), false), KeyEntry::kNoExpiry,
                              tight);
  ASSERT_NE(zset, nullptr);
  EXPECT_EQ(zset->encoding(), Encoding::Skiplist);
}

// --- empty collections and malformed payloads

TEST(ValueSerialization, EmptyCollectionsGiveNull) {
  redis_format::ListpackBuilder b;
  const std::string empty_lp = b.finish();
  const std::vector<std::string> payloads = {
      "\x01\x00"s,                                  // linked list, no elements
      "\x12\x00"s,                                  // quicklist, no nodes
      "\x12\x01\x02"s + rdb_blob(empty_lp),         // quicklist, one empty node
      "\x0a"s + rdb_blob(ziplist_of({})),           // ziplist list
      "\x02\x00"s,                                  // set
      "\x14"s + rdb_blob(empty_lp),                 // listpack set
      "\x03\x00"s,                                  // zset, text scores
      "\x05\x00"s,                                  // zset, binary scores
      "\x11"s + rdb_blob(empty_lp),                 // zset listpack
      "\x04\x00"s,                                  // hash
      "\x10"s + rdb_blob(empty_lp),                 // hash listpack
      "\x0d"s + rdb_blob(ziplist_of({})),           // hash ziplist
      "\x09"s + rdb_blob("\x00\xff"s),              // zipmap
  };
  for (const std::string& p : payloads) {
    SCOPED_TRACE(to_hex(p));
    MemoryInput in(p);
    const uint8_t type = in.byte();
    KeyEntry* e = nullptr;
    try {
      e = read_value(in, type, "k", KeyEntry::kNoExpiry, kLimits);
    } catch (const RdbFormatError& err) {
      ADD_FAILURE() << "threw " << err.what();
    }
    EXPECT_EQ(e, nullptr);
    if (e != nullptr) KeyEntry::destroy(e);
  }
}

void expect_format_error(const std::string& payload, const char* why) {
  SCOPED_TRACE(why);
  MemoryInput in(payload);
  const uint8_t type = payload.empty() ? 0 : in.byte();
  KeyEntry* e = nullptr;
  EXPECT_THROW(e = read_value(in, type, "k", KeyEntry::kNoExpiry, kLimits), RdbFormatError) << to_hex(payload);
  if (e != nullptr) KeyEntry::destroy(e);
}

TEST(ValueSerialization, DuplicatesThrow) {
  expect_format_error("\x02\x02"s + rdb_string("a") + rdb_string("a"), "set");
  expect_format_error("\x02\x02\xc0\x01"s + rdb_string("1"), "set, integer-encoded and plain");
  std::string big_set = "\x02\x41\x2c"s;  // 300 members, the last a duplicate after conversion
  for (int i = 0; i < 299; ++i) big_set += rdb_string("m" + text_of(i));
  big_set += rdb_string("m7");
  expect_format_error(big_set, "set converted to a table");
  expect_format_error("\x0b"s + rdb_blob("\x02\x00\x00\x00\x02\x00\x00\x00\x01\x00\x01\x00"s), "intset");
  redis_format::ListpackBuilder b;
  b.add("x");
  b.add("x");
  expect_format_error("\x14"s + rdb_blob(b.finish()), "listpack set");
  expect_format_error("\x05\x02"s + rdb_string("m") + std::string(8, '\0') + rdb_string("m") + std::string(8, '\0'),
                      "zset");
  b.add("m");
  b.add("1");
  b.add("m");
  b.add("2");
  expect_format_error("\x11"s + rdb_blob(b.finish()), "zset listpack");
  expect_format_error("\x04\x02"s + rdb_string("f") + rdb_string("1") + rdb_string("f") + rdb_string("2"), "hash");
  b.add("f");
  b.add("1");
  b.add("f");
  b.add("2");
  expect_format_error("\x10"s + rdb_blob(b.finish()), "hash listpack");
  expect_format_error("\x0d"s + rdb_blob(ziplist_of({"f", "1", "f", "2"})), "hash ziplist");
  expect_format_error("\x09"s + rdb_blob("\x02\x01" "f" "\x01\x00" "1" "\x01" "f" "\x01\x00" "2" "\xff"s),
                      "zipmap");
  b.add("f");
  b.add("1");
  b.add_int(0);
  b.add("f");
  b.add("2");
  b.add_int(0);
  expect_format_error("\x19"s + std::string(8, '\0') + rdb_blob(b.finish()), "listpackex hash");
}

TEST(ValueSerialization, MalformedPayloadsThrow) {
  redis_format::ListpackBuilder b;
  expect_format_error("", "nothing at all");
  expect_format_error("\x00"s, "string without length");
  expect_format_error("\x00\x05" "abc"s, "string cut short");
  expect_format_error("\x00\xc3\x05\x0a" "abc"s, "LZF cut short");
  expect_format_error("\x00\xc3\x02\x0a\x01" "a"s, "LZF expanding to the wrong length");
  expect_format_error("\x00\xc4"s, "unknown string encoding");
  expect_format_error("\x00\xc0"s, "int8 without its byte");
  expect_format_error("\x00\x80\xff\xff\xff\xff"s, "32-bit length larger than the input");
  expect_format_error("\x00\x81\xff\xff\xff\xff\xff\xff\xff\xff"s, "64-bit length larger than the input");
  expect_format_error("\x00\xc3\x01\x80\x10\x00\x00\x00\x00"s, "implausible LZF expansion");
  expect_format_error("\x08\x00"s, "type 8 does not exist");
  expect_format_error("\x06\x00"s, "module (pre-GA)");
  expect_format_error("\x07\x00"s, "module");
  expect_format_error("\x0f\x00"s, "stream");
  expect_format_error("\x13\x00"s, "stream v2");
  expect_format_error("\x15\x00"s, "stream v3");
  expect_format_error("\x1a\x00"s, "type 26 does not exist");
  expect_format_error("\xff\x00"s, "type 255 does not exist");
  expect_format_error("\x12\x01\x03"s + rdb_string("a"), "quicklist container 3");
  expect_format_error("\x12\x01\x02\x00"s, "empty quicklist node");
  expect_format_error("\x12\x01\x02"s + rdb_blob("not a listpack"), "quicklist node not a listpack");
  b.add("a");
  expect_format_error("\x12\x02\x02"s + rdb_blob(b.finish()), "quicklist count larger than nodes present");
  expect_format_error("\x0e\x01"s + rdb_blob("garbage"), "quicklist of ziplists with garbage");
  expect_format_error("\x0a"s + rdb_blob("garbage"), "ziplist list with garbage");
  expect_format_error("\x0b"s + rdb_blob("\x03\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00"s), "intset of width 3");
  expect_format_error("\x0b"s + rdb_blob("\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x00"s), "intset out of order");
  expect_format_error("\x02\x05"s + rdb_string("a"), "set count larger than members present");
  expect_format_error("\x05\x01"s + rdb_string("m") + "\x00\x00\x00\x00\x00\x00\xf8\x7f"s, "NaN score");
  expect_format_error("\x03\x01"s + rdb_string("m") + "\xfd"s, "NaN text score");
  expect_format_error("\x03\x01"s + rdb_string("m") + "\x03" "abc"s, "invalid text score");
  expect_format_error("\x03\x01"s + rdb_string("m") + "\x00"s, "empty text score");
  expect_format_error("\x03\x01"s + rdb_string("m") + "\x09" "1"s, "text score cut short");
  expect_format_error("\x05\x01"s + rdb_string("m") + "\x00\x00"s, "binary score cut short");
  b.add("m");
  expect_format_error("\x11"s + rdb_blob(b.finish()), "zset listpack with a member and no score");
  b.add("m");
  b.add("not-a-number");
  expect_format_error("\x11"s + rdb_blob(b.finish()), "zset listpack with an invalid score");
  b.add("m");
  b.add("nan");
  expect_format_error("\x11"s + rdb_blob(b.finish()), "zset listpack with a NaN score");
  b.add("f");
  expect_format_error("\x10"s + rdb_blob(b.finish()), "hash listpack with a field and no value");
  expect_format_error("\x04\x02"s + rdb_string("f") + rdb_string("1"), "hash count larger than fields present");
  b.add("f");
  b.add("v");
  b.add("not-a-deadline");
  expect_format_error("\x19"s + std::string(8, '\0') + rdb_blob(b.finish()), "listpackex with a text deadline");
  b.add("f");
  b.add("v");
  b.add_int(-5);
  expect_format_error("\x19"s + std::string(8, '\0') + rdb_blob(b.finish()), "listpackex with a negative deadline");
  b.add("f");
  b.add("v");
  b.add_int(HashValue::kMaxExpiryMs + 1);
  expect_format_error("\x19"s + std::string(8, '\0') + rdb_blob(b.finish()), "listpackex deadline past 2^48");
  b.add("f");
  b.add("v");
  expect_format_error("\x19"s + std::string(8, '\0') + rdb_blob(b.finish()), "listpackex with a pair, not a triple");
  // Type 24 with a relative deadline that lands past the limit.
  std::string earliest(8, '\0');
  const int64_t max = HashValue::kMaxExpiryMs;
  std::memcpy(earliest.data(), &max, 8);
  expect_format_error("\x18"s + earliest + "\x01\x05"s + rdb_string("f") + rdb_string("v"),
                      "hash metadata deadline past 2^48");
  expect_format_error("\x18"s + std::string(8, '\0') + "\x02\x00"s + rdb_string("f") + rdb_string("v"),
                      "hash metadata count larger than fields present");
  expect_format_error("\x09"s + rdb_blob("\x01\x01" "f"s), "zipmap without terminator");
  expect_format_error("\x0b"s + rdb_blob("\x02\x00"s), "intset header cut short");
}

TEST(ValueSerialization, MetadataHashDeadlines) {
  // Type 24 written by hand: earliest 1000, "a" at earliest (stored 1), "b" none (0),
  // "c" at earliest + 500 (stored 501).
  std::string earliest(8, '\0');
  const int64_t base = 1000;
  std::memcpy(earliest.data(), &base, 8);
  const std::string payload = "\x18"s + earliest + "\x03"s + "\x01"s + rdb_string("a") + rdb_string("1") + "\x00"s +
                              rdb_string("b") + rdb_string("2") + "\x41\xf5"s + rdb_string("c") + rdb_string("3");
  EntryPtr e = deserialize(payload);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(describe(*e), describe(*hash_entry({{"a", "1", 1000}, {"b", "2"}, {"c", "3", 1500}})));
  // The pre-GA form (type 22) stored absolute deadlines and no earliest.
  const std::string pre_ga = "\x16\x02"s + "\x41\xf4"s + rdb_string("a") + rdb_string("1") + "\x00"s +
                             rdb_string("b") + rdb_string("2");
  EntryPtr old = deserialize(pre_ga);
  ASSERT_NE(old, nullptr);
  EXPECT_EQ(describe(*old), describe(*hash_entry({{"a", "1", 500}, {"b", "2"}})));
}

TEST(ValueSerialization, TruncationsOfValidPayloadsThrow) {
  std::vector<std::pair<std::string, double>> members;
  for (int i = 0; i < 150; ++i) members.emplace_back("m" + text_of(i), i);
  std::vector<EntryPtr> values;
  values.push_back(string_entry(std::string(300, 'x')));
  values.push_back(list_entry({"a", "b", "c", "12345"}));
  values.push_back(set_entry({"1", "2", "3"}));
  values.push_back(set_entry({"a", "b"}));
  values.push_back(zset_entry({{"a", 1}, {"b", 2}}));
  values.push_back(zset_entry(members));
  values.push_back(hash_entry({{"f", "v"}, {"g", "w", 12345}}));
  for (const EntryPtr& v : values) {
    for (bool compress : {false, true}) {
      const std::string payload = serialize(*v, compress);
      for (size_t keep = 1; keep < payload.size(); ++keep) {
        MemoryInput in(std::string_view(payload).substr(0, keep));
        const uint8_t type = in.byte();
        KeyEntry* e = nullptr;
        EXPECT_THROW(e = read_value(in, type, "k", KeyEntry::kNoExpiry, kLimits), RdbFormatError)
            << "kept " << keep << " of " << to_hex(payload);
        if (e != nullptr) KeyEntry::destroy(e);
      }
    }
  }
}

// Disabled: fails today (reported; redis_format::valid_intset accepts a count of 0, so
// the value reads as an empty key, which an RDB load skips). Redis 7.0 refuses an empty
// intset as corrupt ("Intset integrity check failed") and aborts the load.
TEST(ValueSerialization, EmptyIntsetIsCorrupt) {
  expect_format_error("\x0b"s + rdb_blob("\x02\x00\x00\x00\x00\x00\x00\x00"s), "empty intset");
  EXPECT_FALSE(redis_format::valid_intset("\x02\x00\x00\x00\x00\x00\x00\x00"s));
}

TEST(ValueSerialization, IsRdbValueType) {
  for (int t = 0; t < 256; ++t) {
    const bool expected = t <= 7 || (t >= 9 && t <= 25);
    EXPECT_EQ(is_rdb_value_type(static_cast<uint8_t>(t)), expected) << t;
  }
}

}  // namespace
}  // namespace corvid
