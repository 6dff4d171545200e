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
  KeyEntry* e = KeyEntry::create_object("k", ValueType::Hash, std::make_unique<HashValue>(),
                                        KeyEntry::kNoExpiry);
  HashLimits lim{1, 64};
  EXPECT_TRUE(e->object_as<HashValue>().set("a", "1", lim));
  EXPECT_EQ(e->encoding(), Encoding::Listpack);
  EXPECT_TRUE(e->object_as<HashValue>().set("b", "2", lim));
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


// Field deadlines -----------------------------------------------------------------------

TEST(HashValueTest, HashStaysSmall) {
  // A plain hash costs what Redis's robj does; deadlines and tables live in an extension.
  EXPECT_EQ(sizeof(HashValue), 16u);
}

TEST(HashValueTest, FieldDeadlinesInListpack) {
  HashValue h;
  HashLimits lim;
  h.set("a", "1", lim);
  h.set("b", "two", lim);
  EXPECT_FALSE(h.has_field_deadlines());
  EXPECT_FALSE(h.listpack_with_deadlines());
  EXPECT_EQ(h.field_expiry("a"), HashValue::kNoExpiry);
  EXPECT_EQ(h.field_expiry("zz"), std::nullopt);
  EXPECT_FALSE(h.set_field_expiry("zz", 100));
  // Removing a deadline nobody set changes nothing, not even the layout.
  EXPECT_TRUE(h.set_field_expiry("a", HashValue::kNoExpiry));
  EXPECT_FALSE(h.listpack_with_deadlines());

  EXPECT_TRUE(h.set_field_expiry("a", 1000));
  EXPECT_TRUE(h.listpack_with_deadlines());
  EXPECT_EQ(h.encoding(), Encoding::ListpackEx);
  EXPECT_TRUE(h.has_field_deadlines());
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.field_expiry("a"), 1000);
  EXPECT_EQ(h.field_expiry("b"), HashValue::kNoExpiry);
  HashValue::Scratch scratch;
  EXPECT_EQ(h.get("a", scratch), "1");
  EXPECT_EQ(h.get("b", scratch), "two");
  EXPECT_FALSE(h.get("1000", scratch));  // a deadline is never matched as a field
  EXPECT_EQ(contents(h), (std::map<std::string, std::string>{{"a", "1"}, {"b", "two"}}));
  EXPECT_EQ(h.listpack_fields().size(), 2u);

  EXPECT_FALSE(h.has_due_fields(999));
  EXPECT_EQ(h.expire_due(999), 0u);
  EXPECT_TRUE(h.has_due_fields(1000));
  EXPECT_EQ(h.expire_due(1000), 1u);  // due at its deadline, not after
  EXPECT_EQ(h.size(), 1u);
  EXPECT_FALSE(h.contains("a"));
  EXPECT_FALSE(h.has_field_deadlines());
}

TEST(HashValueTest, OverwriteDropsDeadlineUnlessKept) {
  for (HashLimits lim : {HashLimits{}, HashLimits{0, 64}}) {  // listpack, then table
    HashValue h;
    h.set("f", "v", lim);
    h.set_field_expiry("f", 500);
    EXPECT_FALSE(h.set("f", "w", lim, true));
    EXPECT_EQ(h.field_expiry("f"), 500);
    EXPECT_FALSE(h.set("f", "longer value", lim, true));
    EXPECT_EQ(h.field_expiry("f"), 500);
    EXPECT_FALSE(h.set("f", "x", lim));
    EXPECT_EQ(h.field_expiry("f"), HashValue::kNoExpiry);
    HashValue::Scratch scratch;
    EXPECT_EQ(h.get("f", scratch), "x");
    // The stale earliest deadline is harmless: the sweep finds nothing and forgets it.
    EXPECT_TRUE(h.has_due_fields(500));
    EXPECT_EQ(h.expire_due(500), 0u);
    EXPECT_FALSE(h.has_field_deadlines());
    EXPECT_EQ(h.size(), 1u);
  }
}

TEST(HashValueTest, DeadlinesSurviveConversionAndClone) {
  HashValue h;
  HashLimits lim{8, 64};
  for (int i = 0; i < 8; ++i) h.set("f" + std::to_string(i), std::to_string(i), lim);
  for (int i = 0; i < 8; i += 2) h.set_field_expiry("f" + std::to_string(i), 100 + i);
  EXPECT_EQ(h.encoding(), Encoding::ListpackEx);
  h.set("f8", "8", lim);
  ASSERT_EQ(h.encoding(), Encoding::Hashtable);
  EXPECT_FALSE(h.listpack_with_deadlines());
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(h.field_expiry("f" + std::to_string(i)), i % 2 == 0 && i < 8 ? 100 + i : HashValue::kNoExpiry);
  }
  auto copy_object = h.clone();
  auto& copy = static_cast<HashValue&>(*copy_object);
  EXPECT_EQ(contents(copy), contents(h));
  EXPECT_EQ(copy.field_expiry("f6"), 106);
  EXPECT_TRUE(copy.has_due_fields(100));

  // Changing a table node's deadline in place, adding and removing one.
  EXPECT_TRUE(h.set_field_expiry("f0", 200));
  EXPECT_TRUE(h.set_field_expiry("f1", 150));
  EXPECT_TRUE(h.set_field_expiry("f2", HashValue::kNoExpiry));
  EXPECT_EQ(h.expire_due(104), 1u);  // f4 only: f0 moved to 200, f2 has none left
  EXPECT_EQ(h.field_expiry("f4"), std::nullopt);
  EXPECT_EQ(h.size(), 8u);
  EXPECT_EQ(h.expire_due(1000), 3u);  // f0, f1, f6
  EXPECT_EQ(h.size(), 5u);
  EXPECT_FALSE(h.has_field_deadlines());
  EXPECT_EQ(copy.expire_due(1000), 4u);  // the copy kept its own deadlines
  EXPECT_EQ(copy.size(), 5u);
}

TEST(HashValueTest, ListpackCloneKeepsTriples) {
  HashValue h;
  HashLimits lim;
  h.set("a", "1", lim);
  h.set("b", "2", lim);
  h.set_field_expiry("b", 50);
  auto copy_object = h.clone();
  auto& copy = static_cast<HashValue&>(*copy_object);
  EXPECT_TRUE(copy.listpack_with_deadlines());
  EXPECT_EQ(copy.field_expiry("b"), 50);
  EXPECT_EQ(copy.expire_due(50), 1u);
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_EQ(h.size(), 2u);
}

TEST(HashValueTest, RandomOpsWithDeadlinesMatchModel) {
  std::mt19937 rng(99);
  for (HashLimits lim : {HashLimits{128, 64}, HashLimits{16, 6}}) {
    HashValue h;
    std::map<std::string, std::pair<std::string, int64_t>> model;
    int64_t now = 0;
    for (int step = 0; step < 5000; ++step) {
      std::string field = "f" + std::to_string(rng() % 100);
      const int op = static_cast<int>(rng() % 12);
      if (op < 4) {
        std::string value = std::string(rng() % 9, 'v');
        const bool keep = rng() % 2;
        auto it = model.find(field);
        const bool created = it == model.end();
        const int64_t deadline = !created && keep ? it->second.second : HashValue::kNoExpiry;
        model[field] = {value, deadline};
        EXPECT_EQ(h.set(field, value, lim, keep), created);
      } else if (op < 6) {
        EXPECT_EQ(h.erase(field), model.erase(field) == 1);
      } else if (op < 9) {
        const int64_t when = rng() % 4 == 0 ? HashValue::kNoExpiry : now + 1 + static_cast<int64_t>(rng() % 50);
        auto it = model.find(field);
        EXPECT_EQ(h.set_field_expiry(field, when), it != model.end());
        if (it != model.end()) it->second.second = when;
      } else if (op < 10) {
        now += static_cast<int64_t>(rng() % 10);
        size_t due = 0;
        for (auto it = model.begin(); it != model.end();) {
          if (it->second.second != HashValue::kNoExpiry && it->second.second <= now) {
            it = model.erase(it);
            ++due;
          } else {
            ++it;
          }
        }
        EXPECT_EQ(h.expire_due(now), due);
      } else {
        auto it = model.find(field);
        auto got = h.field_expiry(field);
        ASSERT_EQ(got.has_value(), it != model.end());
        if (got) {
          EXPECT_EQ(*got, it->second.second);
        }
      }
      ASSERT_EQ(h.size(), model.size());
    }
    std::map<std::string, std::string> values;
    for (const auto& [f, entry] : model) values.emplace(f, entry.first);
    EXPECT_EQ(contents(h), values);
  }
}

}  // namespace
}  // namespace corvid
