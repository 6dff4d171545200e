// DEBUG DIGEST and DEBUG DIGEST-VALUE (db/digest.h): the values Redis 7.0.15 computes
// for the same data, and independence from insertion order and encoding.

#include "db/digest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "db/hash_value.h"
#include "db/list_value.h"
#include "db/set_value.h"
#include "db/standalone_keyspace.h"
#include "db/zset_value.h"
#include "test_support.h"

namespace corvid {
namespace {

using testing_support::EntryPtr;

constexpr int64_t kFarFuture = 4'102'444'800'000;  // 2100-01-01

KeyEntry* string_raw(std::string_view key, std::string_view value, int64_t expire = KeyEntry::kNoExpiry) {
  return KeyEntry::create_string(key, value, expire);
}

KeyEntry* list_raw(std::string_view key, const std::vector<std::string>& elements, int fill = -2) {
  auto list = std::make_unique<ListValue>(Quicklist(fill));
  for (const std::string& e : elements) list->items().push_back(e);
  return KeyEntry::create_object(key, ValueType::List, std::move(list), KeyEntry::kNoExpiry);
}

KeyEntry* set_raw(std::string_view key, const std::vector<std::string>& members, const SetLimits& limits = {}) {
  auto set = SetValue::create_for(members.front(), 1, limits);
  for (const std::string& m : members) set->add(m, limits);
  return KeyEntry::create_object(key, ValueType::Set, std::move(set), KeyEntry::kNoExpiry);
}

KeyEntry* zset_raw(std::string_view key, const std::vector<std::pair<std::string, double>>& members,
                   const ZSetLimits& limits = {}) {
  auto zset = std::make_unique<ZSetValue>();
  for (const auto& [m, s] : members) zset->set(m, s, limits);
  return KeyEntry::create_object(key, ValueType::ZSet, std::move(zset), KeyEntry::kNoExpiry);
}

KeyEntry* hash_raw(std::string_view key, const std::vector<std::pair<std::string, std::string>>& fields,
                   const HashLimits& limits = {}) {
  auto hash = std::make_unique<HashValue>();
  for (const auto& [f, v] : fields) hash->set(f, v, limits);
  return KeyEntry::create_object(key, ValueType::Hash, std::move(hash), KeyEntry::kNoExpiry);
}

std::string hex_of(KeyEntry* raw) {
  EntryPtr e(raw);
  return digest_hex(value_digest(*e));
}

class DigestTest : public ::testing::Test {
 protected:
  std::vector<Database*> all() { return dbs; }
  std::string dataset() { return digest_hex(dataset_digest(all())); }

  StandaloneKeyspace keyspace{1'700'000'000'000};
  std::vector<Database*> dbs = keyspace.databases();
};

const std::string kZeros(40, '0');

TEST(DigestHex, Formatting) {
  Sha1 d{};
  EXPECT_EQ(digest_hex(d), kZeros);
  for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<uint8_t>(i * 13 + 0xa0);
  EXPECT_EQ(digest_hex(d), "a0adbac7d4e1eefb0815222f3c495663707d8a97");
}

TEST_F(DigestTest, EmptyDatasetIsAllZeros) {
  EXPECT_EQ(dataset(), kZeros);
  EXPECT_EQ(digest_hex(dataset_digest({})), kZeros);
  Sha1 zero{};
  EXPECT_EQ(dataset_digest(all()), zero);
}

// DEBUG DIGEST-VALUE as Redis 7.0.15 answers it.
TEST(DigestValue, KnownRedisValues) {
  EXPECT_EQ(hex_of(string_raw("k", "hello")), "36b23a1456b2dce2c3ed252c456761301dba8060");
  EXPECT_EQ(hex_of(hash_raw("k", {{"f", "v"}})), "90c76e9e9f4c62d642a34fc97c7dad503b51f906");
  EXPECT_EQ(hex_of(zset_raw("k", {{"m", 1.5}})), "0b67afcf657d7aa53a5226bcca2f55ea7f2fff48");
  EXPECT_EQ(hex_of(string_raw("k", "1")), "b4fc66738120fba0b5aa500ab5c2bf89cea1c5da");
  EXPECT_EQ(hex_of(string_raw("k", "12345")), "e1cf90774e995ae03de66e8109dc5cb9d9c2dc83");
  EXPECT_EQ(hex_of(string_raw("k", "-7")), "220f87802dc1eca9ffb9dd7f52e30f559e135f81");
  EXPECT_EQ(hex_of(string_raw("k", "123456789012")), "116773326adc5913f9494119af445137dfd552e7");
  EXPECT_EQ(hex_of(string_raw("k", std::string(100, 'a'))), "ee6fc3a95843eb8b4bcad41a55f6b922e267675a");
  EXPECT_EQ(hex_of(list_raw("k", {"x", "2", "y"})), "46642831a1cf86e7ab6a98917be3dd8af82605e6");
  EXPECT_EQ(hex_of(list_raw("k", {"a", "b", "1", "2", "-5", "300", "70000", "xyz", ""})),
            "4aefac7765e47934a97bc7abcf065efe9a26e054");
  EXPECT_EQ(hex_of(set_raw("k", {"1", "2", "3", "-1"})), "53c29a9fb0981133a8d44799a6100f1a8f1a6a5f");
  EXPECT_EQ(hex_of(set_raw("k", {"70000", "1"})), "73cc54dc6651996c874ff7e3d6ccca8af7b95183");
  EXPECT_EQ(hex_of(set_raw("k", {"5000000000", "-1"})), "6847474e7a8daa49b434ddbee8ee15242598c308");
  EXPECT_EQ(hex_of(set_raw("k", {"a", "b", "c"})), "593c2414786d75446e97f4ea5d4b731f3313da72");
  EXPECT_EQ(hex_of(zset_raw("k", {{"m1", 1.5}, {"m2", 2}, {"m3", -INFINITY}, {"m4", INFINITY}, {"m5", 3.25}})),
            "34980e3522e11a38ea710089430d0877e7886458");
  EXPECT_EQ(hex_of(zset_raw("k", {{"m", -0.0}})), "669bd9943b43e6b31f3ab60847ee6a38dd154aba");
  EXPECT_EQ(hex_of(zset_raw("k", {{"a", 1e300}, {"b", 0.1}, {"c", -2.5}, {"d", 4611686018427387904.0},
                                  {"e", 4611686018427387903.0}, {"f", -4611686018427387903.0}})),
            "247f286cd93335d2c1f2d4545166b348f4e207a0");
  EXPECT_EQ(hex_of(hash_raw("k", {{"f", "v"}, {"n", "12"}, {"e", ""}})), "5b330fb7a8f9176674faf468e0e85aeda25830cd");
  // A TTL adds "!!expire!!", whatever its value.
  EXPECT_EQ(hex_of(string_raw("k", "v", kFarFuture)), "311b17018163335616e089f6b951c82c477335ac");
  EXPECT_EQ(hex_of(string_raw("k", "v", kFarFuture + 12345)), "311b17018163335616e089f6b951c82c477335ac");
  EXPECT_NE(hex_of(string_raw("k", "v")), "311b17018163335616e089f6b951c82c477335ac");
}

TEST(DigestValue, KnownRedisValuesOfLargerCollections) {
  std::vector<std::pair<std::string, double>> members;
  for (int i = 0; i < 200; ++i) members.emplace_back("member:" + std::to_string(i), i * 0.5);
  EXPECT_EQ(hex_of(zset_raw("k", members)), "b1c15039d00e145d1dc8c4b326b04c3c92289700");
  std::vector<std::string> elements;
  for (int i = 0; i < 1000; ++i) elements.push_back(i % 3 ? "element-" + std::to_string(i) : std::to_string(i * 1000));
  EXPECT_EQ(hex_of(list_raw("k", elements)), "f69132293da7b449f581f0c0e1ac4971b1d07886");
  // The node layout of a list does not matter, only its elements in order.
  EXPECT_EQ(hex_of(list_raw("k", elements, 3)), "f69132293da7b449f581f0c0e1ac4971b1d07886");
  std::vector<std::pair<std::string, std::string>> fields;
  for (int i = 0; i < 600; ++i) fields.emplace_back("field:" + std::to_string(i), "value:" + std::to_string(i));
  EXPECT_EQ(hex_of(hash_raw("k", fields)), "456c5f2793039500be98565345aeec92696416c2");
  std::vector<std::string> ints;
  for (int i = 0; i < 600; ++i) ints.push_back(std::to_string(i * 3 - 500));
  EXPECT_EQ(hex_of(set_raw("k", ints)), "78d8f325353c5dd17e09244e50a091ad5ed9eb46");
  EXPECT_EQ(hex_of(zset_raw("k", {{std::string(100, 'm'), 2.5}, {"short", 1}})),
            "0152d1da374031e1d688477bc7f40df14f1a5288");
  EXPECT_EQ(hex_of(hash_raw("k", {{"f", std::string(100, 'v')}, {"g", "w"}})),
            "30fd8ae92c3c57e104a327efef20435c66ba582c");
}

// DEBUG DIGEST of: db 0 {a: "1", h: {f: v}}, db 2 {z: {m: 1.5}, t: "v" with a TTL,
// l: [x, 2, y]}, computed by Redis 7.0.15.
TEST_F(DigestTest, KnownRedisDataset) {
  dbs[0]->insert(string_raw("a", "1"));
  dbs[0]->insert(hash_raw("h", {{"f", "v"}}));
  dbs[2]->insert(zset_raw("z", {{"m", 1.5}}));
  dbs[2]->insert(string_raw("t", "v", kFarFuture));
  dbs[2]->insert(list_raw("l", {"x", "2", "y"}));
  EXPECT_EQ(dataset(), "3afe14b1a5430b0b5beadba324d29e910a3692e3");
}

TEST_F(DigestTest, DatasetDoesNotDependOnInsertionOrder) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (int i = 0; i < 500; ++i) keys.emplace_back("key:" + std::to_string(i), "value:" + std::to_string(i * 7));
  for (const auto& [k, v] : keys) dbs[1]->insert(string_raw(k, v));
  const std::string forward = dataset();
  EXPECT_NE(forward, kZeros);
  dbs[1]->detach_all()->dispose();
  EXPECT_EQ(dataset(), kZeros);
  std::mt19937 rng(1);
  std::shuffle(keys.begin(), keys.end(), rng);
  for (const auto& [k, v] : keys) dbs[1]->insert(string_raw(k, v));
  EXPECT_EQ(dataset(), forward);
}

TEST_F(DigestTest, DatasetDependsOnDatabaseIndexKeysAndValues) {
  dbs[0]->insert(string_raw("k", "v"));
  const std::string in_db0 = dataset();
  dbs[0]->detach_all()->dispose();
  dbs[5]->insert(string_raw("k", "v"));
  const std::string in_db5 = dataset();
  EXPECT_NE(in_db0, in_db5);
  dbs[5]->detach_all()->dispose();
  dbs[0]->insert(string_raw("k2", "v"));
  EXPECT_NE(dataset(), in_db0);
  dbs[0]->detach_all()->dispose();
  dbs[0]->insert(string_raw("k", "v2"));
  EXPECT_NE(dataset(), in_db0);
  // Swapping values between two keys changes the digest too.
  dbs[0]->detach_all()->dispose();
  dbs[0]->insert(string_raw("a", "x"));
  dbs[0]->insert(string_raw("b", "y"));
  const std::string ab = dataset();
  dbs[0]->detach_all()->dispose();
  dbs[0]->insert(string_raw("a", "y"));
  dbs[0]->insert(string_raw("b", "x"));
  EXPECT_NE(dataset(), ab);
}

TEST_F(DigestTest, DatasetIsKeyDigestsCombined) {
  // The same key in the same database has the same contribution, so two databases each
  // holding it are not the same as one.
  dbs[0]->insert(string_raw("k", "v"));
  const std::string one = dataset();
  dbs[1]->insert(string_raw("k", "v"));
  EXPECT_NE(dataset(), one);
  EXPECT_NE(dataset(), kZeros);
}

TEST(DigestValue, SetOrderAndEncodingDoNotMatter) {
  std::vector<std::string> members;
  for (int i = 0; i < 100; ++i) members.push_back("m" + std::to_string(i));
  const std::string listpack = hex_of(set_raw("k", members));
  std::vector<std::string> reversed(members.rbegin(), members.rend());
  EXPECT_EQ(hex_of(set_raw("k", reversed)), listpack);
  SetLimits tiny{1, 1, 64};
  EntryPtr table(set_raw("k", members, tiny));
  ASSERT_EQ(table->encoding(), Encoding::Hashtable);
  EXPECT_EQ(digest_hex(value_digest(*table)), listpack);

  const std::vector<std::string> ints = {"5", "-3", "1000000", "7"};
  EntryPtr intset(set_raw("k", ints));
  ASSERT_EQ(intset->encoding(), Encoding::Intset);
  EntryPtr int_table(set_raw("k", ints, tiny));
  ASSERT_EQ(int_table->encoding(), Encoding::Hashtable);
  EXPECT_EQ(digest_hex(value_digest(*intset)), digest_hex(value_digest(*int_table)));
  EntryPtr int_listpack(set_raw("k", {"5", "-3", "1000000", "7", "x"}));
  ASSERT_EQ(int_listpack->encoding(), Encoding::Listpack);
  int_listpack->object_as<SetValue>().erase("x");
  EXPECT_EQ(digest_hex(value_digest(*int_listpack)), digest_hex(value_digest(*intset)));
}

TEST(DigestValue, HashOrderAndEncodingDoNotMatter) {
  std::vector<std::pair<std::string, std::string>> fields = {{"f", "v"}, {"n", "12"}, {"e", ""}, {"x", "-1"}};
  EntryPtr listpack(hash_raw("k", fields));
  ASSERT_EQ(listpack->encoding(), Encoding::Listpack);
  EntryPtr table(hash_raw("k", fields, HashLimits{1, 64}));
  ASSERT_EQ(table->encoding(), Encoding::Hashtable);
  EXPECT_EQ(digest_hex(value_digest(*listpack)), digest_hex(value_digest(*table)));
  std::reverse(fields.begin(), fields.end());
  EXPECT_EQ(hex_of(hash_raw("k", fields)), digest_hex(value_digest(*listpack)));
  // Field and value are bound together: swapping them changes the digest.
  EXPECT_NE(hex_of(hash_raw("k", {{"a", "b"}})), hex_of(hash_raw("k", {{"b", "a"}})));
  EXPECT_NE(hex_of(hash_raw("k", {{"a", "1"}, {"b", "2"}})), hex_of(hash_raw("k", {{"a", "2"}, {"b", "1"}})));
}

TEST(DigestValue, HashFieldDeadlinesDoNotMatter) {
  auto hash = std::make_unique<HashValue>();
  hash->set("f", "v", HashLimits{});
  hash->set_field_expiry("f", kFarFuture);
  ASSERT_EQ(hash->encoding(), Encoding::ListpackEx);
  EntryPtr e(KeyEntry::create_object("k", ValueType::Hash, std::move(hash), KeyEntry::kNoExpiry));
  EXPECT_EQ(digest_hex(value_digest(*e)), "90c76e9e9f4c62d642a34fc97c7dad503b51f906");
}

TEST(DigestValue, ZSetOrderAndEncodingDoNotMatter) {
  std::vector<std::pair<std::string, double>> members = {{"a", 1}, {"b", 2.5}, {"c", -INFINITY}, {"d", 1e-7},
                                                         {"e", 123456789.125}};
  EntryPtr listpack(zset_raw("k", members));
  ASSERT_EQ(listpack->encoding(), Encoding::Listpack);
  EntryPtr skiplist(zset_raw("k", members, ZSetLimits{1, 64}));
  ASSERT_EQ(skiplist->encoding(), Encoding::Skiplist);
  EXPECT_EQ(digest_hex(value_digest(*listpack)), digest_hex(value_digest(*skiplist)));
  std::reverse(members.begin(), members.end());
  EXPECT_EQ(hex_of(zset_raw("k", members)), digest_hex(value_digest(*listpack)));
  // Scores count: the same members with another score differ.
  EXPECT_NE(hex_of(zset_raw("k", {{"a", 1}})), hex_of(zset_raw("k", {{"a", 1.0000000000000002}})));
}

TEST(DigestValue, ListOrderMatters) {
  EXPECT_NE(hex_of(list_raw("k", {"a", "b"})), hex_of(list_raw("k", {"b", "a"})));
  EXPECT_NE(hex_of(list_raw("k", {"ab"})), hex_of(list_raw("k", {"a", "b"})));
}

TEST(DigestValue, StringEncodingDoesNotMatter) {
  EntryPtr as_int(KeyEntry::create_string("k", "12345", KeyEntry::kNoExpiry));
  ASSERT_EQ(as_int->encoding(), Encoding::Int);
  EntryPtr as_text(KeyEntry::create_text("k", "12345", KeyEntry::kNoExpiry));
  ASSERT_EQ(as_text->encoding(), Encoding::Embstr);
  EXPECT_EQ(digest_hex(value_digest(*as_int)), digest_hex(value_digest(*as_text)));
  const std::string long_value(100, 'a');
  EntryPtr raw(KeyEntry::create_string("k", long_value, KeyEntry::kNoExpiry));
  ASSERT_EQ(raw->encoding(), Encoding::Raw);
  EXPECT_EQ(digest_hex(value_digest(*raw)), "ee6fc3a95843eb8b4bcad41a55f6b922e267675a");
}

TEST(DigestValue, TypeIsPartOfTheDigest) {
  // The same bytes as a string, a one-element list and a one-member set.
  EXPECT_NE(hex_of(string_raw("k", "x")), hex_of(list_raw("k", {"x"})));
  EXPECT_NE(hex_of(list_raw("k", {"x"})), hex_of(set_raw("k", {"x"})));
}

TEST(DigestValue, KeyNameIsNotPartOfTheValueDigest) {
  EXPECT_EQ(hex_of(string_raw("one", "v")), hex_of(string_raw("two", "v")));
}

}  // namespace
}  // namespace corvid
