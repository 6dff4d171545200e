#include "db/hash_value.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

namespace corvid {
namespace {

std::map<std::string, std::string> contents(const HashValue& h) {
  std::map<std::string, std::string> out;
  h.for_each([&](std::string_view f, std::string_view v) { out.emplace(std::string(f), std::string(v)); });
  return out;
}

TEST(HashValueTest, SetGetEraseInListpack) {
  HashValue h;
  HashLimits lim;
  HashValue::Scratch scratch;
  EXPECT_TRUE(h.set("a", "1", lim));
  EXPECT_FALSE(h.set("a", "-0", lim));
  EXPECT_TRUE(h.set("b", "01", lim));
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.get("a", scratch), "-0");
  EXPECT_EQ(h.get("b", scratch), "01");
  EXPECT_FALSE(h.get("1", scratch));  // a value is never matched as a field
  EXPECT_TRUE(h.contains("b"));
  EXPECT_TRUE(h.erase("a"));
  EXPECT_FALSE(h.erase("a"));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.encoding(), Encoding::Listpack);
  EXPECT_EQ(h.free_effort(), 1u);
}

TEST(HashValueTest, ConvertsPastEntryLimit) {
  HashValue h;
  HashLimits lim{4, 64};
  for (int i = 0; i < 4; ++i) h.set("f" + std::to_string(i), std::to_string(i), lim);
  EXPECT_EQ(h.encoding(), Encoding::Listpack);
  h.set("f0", "overwrite", lim);
  EXPECT_EQ(h.encoding(), Encoding::Listpack);
  h.set("f4", "4", lim);
  EXPECT_EQ(h.encoding(), Encoding::Hashtable);
  EXPECT_EQ(h.size(), 5u);
  EXPECT_EQ(h.free_effort(), 5u);
  for (int i = 0; i < 4; ++i) h.erase("f" + std::to_string(i));
  EXPECT_EQ(h.encoding(), Encoding::Hashtable);  // never converts back
  HashValue::Scratch scratch;
  EXPECT_EQ(h.get("f4", scratch), "4");
}

TEST(HashValueTest, ConvertsPastValueLimit) {
  HashLimits lim{128, 8};
  HashValue by_value;
  by_value.set("f", std::string(8, 'x'), lim);
  EXPECT_EQ(by_value.encoding(), Encoding::Listpack);
  by_value.set("f", std::string(9, 'x'), lim);
  EXPECT_EQ(by_value.encoding(), Encoding::Hashtable);
  HashValue by_field;
  by_field.set(std::string(9, 'k'), "v", lim);
  EXPECT_EQ(by_field.encoding(), Encoding::Hashtable);
}

TEST(HashValueTest, EntryEncodingFollowsConversion) {
  KeyEntry* e = KeyEntry::create_object("k", ValueType::Hash, Encoding::Listpack, std::make_unique<HashValue>(),
                                        KeyEntry::kNoExpiry);
  HashLimits lim{1, 64};
  EXPECT_TRUE(hash_set(*e, "a", "1", lim));
  EXPECT_EQ(e->encoding(), Encoding::Listpack);
  EXPECT_TRUE(hash_set(*e, "b", "2", lim));
  EXPECT_EQ(e->encoding(), Encoding::Hashtable);
  KeyEntry* copy = KeyEntry::clone(*e, "k2", KeyEntry::kNoExpiry);
  EXPECT_EQ(contents(copy->object_as<HashValue>()), contents(e->object_as<HashValue>()));
  KeyEntry::destroy(copy);
  KeyEntry::destroy(e);
}

TEST(HashValueTest, RandomOpsMatchStdMap) {
  std::mt19937 rng(1234);
  for (HashLimits lim : {HashLimits{128, 64}, HashLimits{16, 6}, HashLimits{512, 64}}) {
    HashValue h;
    std::map<std::string, std::string> model;
    for (int step = 0; step < 5000; ++step) {
      std::string field = "f" + std::to_string(rng() % 200);
      int op = static_cast<int>(rng() % 10);
      if (op < 6) {
        std::string value = rng() % 2 ? std::to_string(static_cast<int>(rng() % 2000) - 1000)
                                      : std::string(rng() % 10, 'v');
        bool created = model.insert_or_assign(field, value).second;
        EXPECT_EQ(h.set(field, value, lim), created);
      } else if (op < 8) {
        EXPECT_EQ(h.erase(field), model.erase(field) == 1);
      } else {
        HashValue::Scratch scratch;
        auto got = h.get(field, scratch);
        auto it = model.find(field);
        ASSERT_EQ(got.has_value(), it != model.end());
        if (got) {
          EXPECT_EQ(*got, it->second);
        }
      }
      ASSERT_EQ(h.size(), model.size());
    }
    EXPECT_EQ(contents(h), model);
    auto copy = h.clone();
    EXPECT_EQ(contents(static_cast<HashValue&>(*copy)), model);
    EXPECT_GT(h.allocated_bytes(), 0u);
  }
}

TEST(HashValueTest, ScanAndRandomEntryCoverBothEncodings) {
  for (size_t n : {size_t{3}, size_t{600}}) {
    HashValue h;
    HashLimits lim;
    for (size_t i = 0; i < n; ++i) h.set(std::to_string(i), "v" + std::to_string(i), lim);
    std::map<std::string, std::string> seen;
    uint64_t cursor = 0;
    size_t steps = 0;
    do {
      cursor = h.scan(cursor, [&](std::string_view f, std::string_view v) { seen[std::string(f)] = std::string(v); });
      ++steps;
    } while (cursor != 0);
    EXPECT_EQ(seen, contents(h));
    if (n == 3) {
      EXPECT_EQ(steps, 1u);  // a listpack is covered in one step
    }

    std::mt19937_64 rng(7);
    HashValue::Scratch fs, vs;
    for (int i = 0; i < 200; ++i) {
      auto [f, v] = h.random_entry(rng, fs, vs);
      ASSERT_EQ(seen.at(std::string(f)), v);
    }
    HashValue::Scratch fs2, vs2;
    for (auto p : h.listpack_fields()) {
      auto [f, v] = h.listpack_entry(p, fs2, vs2);
      EXPECT_EQ(seen.at(std::string(f)), v);
    }
    EXPECT_EQ(h.listpack_fields().size(), h.encoding() == Encoding::Listpack ? n : 0u);
  }
}

}  // namespace
}  // namespace corvid
