#include "db/zset_value.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace corvid {
namespace {

using Items = std::vector<std::pair<std::string, double>>;

Items contents(const ZSetValue& z) {
  Items out;
  z.for_each([&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
  return out;
}

Items reversed_range(const ZSetValue& z, size_t first, size_t last) {
  Items out;
  z.visit_ranks(first, last, true, [&](std::string_view m, double s) { out.emplace_back(std::string(m), s); });
  return out;
}

TEST(ZSetValueTest, ListpackKeepsOrderAndScores) {
  ZSetValue z;
  ZSetLimits lim;
  EXPECT_TRUE(z.set("b", 2, lim));
  EXPECT_TRUE(z.set("a", 2, lim));
  EXPECT_TRUE(z.set("100", 1.5, lim));
  EXPECT_TRUE(z.set("c", -1e17, lim));
  EXPECT_FALSE(z.set("b", 0.25, lim));
  EXPECT_EQ(z.encoding(), Encoding::Listpack);
  EXPECT_EQ(contents(z), (Items{{"c", -1e17}, {"b", 0.25}, {"100", 1.5}, {"a", 2}}));
  EXPECT_EQ(z.score("100"), 1.5);
  EXPECT_FALSE(z.score("1.5"));  // a score is never matched as a member
  EXPECT_EQ(z.rank("a"), 3u);
  EXPECT_FALSE(z.rank("zz"));
  EXPECT_TRUE(z.erase("c"));
  EXPECT_FALSE(z.erase("c"));
  EXPECT_EQ(z.size(), 3u);
  EXPECT_EQ(reversed_range(z, 0, 2), (Items{{"100", 1.5}, {"b", 0.25}}));
  EXPECT_EQ(z.free_effort(), 1u);
}

TEST(ZSetValueTest, ListpackScoreTextMatchesRedis) {
  EXPECT_EQ(ZSetValue::listpack_score_text(1e17), "100000000000000000");
  EXPECT_EQ(ZSetValue::listpack_score_text(-0.0), "0");
  EXPECT_EQ(ZSetValue::listpack_score_text(9.2e18), "9.2e+18");
  EXPECT_EQ(ZSetValue::listpack_score_text(1.5), "1.5");
  EXPECT_EQ(ZSetValue::listpack_score_text(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(ZSetValueTest, ConvertsPastEntryLimitAndNeverBack) {
  ZSetValue z;
  ZSetLimits lim{4, 64};
  for (int i = 0; i < 4; ++i) z.set("m" + std::to_string(i), i, lim);
  EXPECT_EQ(z.encoding(), Encoding::Listpack);
  z.set("m0", 10, lim);  // an update does not count as a new entry
  EXPECT_EQ(z.encoding(), Encoding::Listpack);
  z.set("m4", 4, lim);
  EXPECT_EQ(z.encoding(), Encoding::Skiplist);
  EXPECT_EQ(contents(z), (Items{{"m1", 1}, {"m2", 2}, {"m3", 3}, {"m4", 4}, {"m0", 10}}));
  EXPECT_EQ(z.free_effort(), 5u);
  for (int i = 0; i < 4; ++i) z.erase("m" + std::to_string(i));
  EXPECT_EQ(z.encoding(), Encoding::Skiplist);
  EXPECT_EQ(z.size(), 1u);
}

TEST(ZSetValueTest, ConvertsOnLongMember) {
  ZSetValue z;
  ZSetLimits lim{128, 8};
  z.set("short", 1, lim);
  z.set("123456789", 2, lim);
  EXPECT_EQ(z.encoding(), Encoding::Skiplist);
  EXPECT_EQ(z.score("short"), 1);
  EXPECT_EQ(z.rank("123456789"), 1u);
}

TEST(ZSetValueTest, RangesAgreeAcrossEncodings) {
  ZSetLimits small{128, 64};
  ZSetLimits none{0, 64};
  ZSetValue lp, sl;
  for (int i = 0; i < 20; ++i) {
    lp.set("k" + std::to_string(i), i / 2, small);
    sl.set("k" + std::to_string(i), i / 2, none);
  }
  ASSERT_EQ(lp.encoding(), Encoding::Listpack);
  ASSERT_EQ(sl.encoding(), Encoding::Skiplist);
  const ScoreRange ranges[] = {{2, 4, false, false}, {2, 4, true, true},  {-1, 100, false, false},
                               {5, 3, false, false}, {3, 3, true, false}, {3, 3, false, false}};
  for (const auto& r : ranges) EXPECT_EQ(lp.ranks_in(r), sl.ranks_in(r));
  EXPECT_EQ(lp.ranks_in(ScoreRange{2, 4, true, false}), (std::pair<size_t, size_t>{6, 10}));

  ZSetValue lex_lp, lex_sl;
  for (char c = 'a'; c <= 'h'; ++c) {
    lex_lp.set(std::string(1, c), 0, small);
    lex_sl.set(std::string(1, c), 0, none);
  }
  const LexRange lexes[] = {
      {{LexBound::Inclusive, "b"}, {LexBound::Exclusive, "e"}},
      {{LexBound::NegativeInfinity, {}}, {LexBound::PositiveInfinity, {}}},
      {{LexBound::Exclusive, "h"}, {LexBound::PositiveInfinity, {}}},
      {{LexBound::Inclusive, "d"}, {LexBound::Inclusive, "b"}},
      {{LexBound::PositiveInfinity, {}}, {LexBound::NegativeInfinity, {}}},
  };
  for (const auto& r : lexes) EXPECT_EQ(lex_lp.ranks_in(r), lex_sl.ranks_in(r));
  EXPECT_EQ(lex_lp.ranks_in(lexes[0]), (std::pair<size_t, size_t>{1, 4}));

  lp.erase_ranks(3, 7);
  sl.erase_ranks(3, 7);
  EXPECT_EQ(contents(lp), contents(sl));
  EXPECT_EQ(reversed_range(lp, 2, 9), reversed_range(sl, 2, 9));
}

TEST(ZSetValueTest, CloneAndFromSorted) {
  ZSetLimits lim{3, 64};
  Items sorted{{"a", 1}, {"b", 2}, {"c", 3}};
  auto small = zset_from_sorted(sorted, lim);
  EXPECT_EQ(small->encoding(), Encoding::Listpack);
  EXPECT_EQ(contents(*small), sorted);
  sorted.emplace_back("d", 4);
  auto big = zset_from_sorted(sorted, lim);
  EXPECT_EQ(big->encoding(), Encoding::Skiplist);
  EXPECT_EQ(contents(*big), sorted);
  auto copy = big->clone();
  auto& z = static_cast<ZSetValue&>(*copy);
  EXPECT_EQ(z.encoding(), Encoding::Skiplist);
  EXPECT_EQ(contents(z), sorted);
  EXPECT_GT(z.allocated_bytes(), sizeof(ZSetValue));
  auto small_copy = small->clone();
  EXPECT_EQ(contents(static_cast<ZSetValue&>(*small_copy)), (Items{{"a", 1}, {"b", 2}, {"c", 3}}));
}

TEST(ZSetValueTest, RandomAndScanCoverEveryMember) {
  ZSetLimits none{0, 64};
  ZSetValue z;
  for (int i = 0; i < 300; ++i) z.set("s" + std::to_string(i), i, none);
  std::mt19937_64 rng(5);
  ZSetValue::Scratch scratch;
  for (int i = 0; i < 100; ++i) {
    auto [member, score] = z.random_entry(rng, scratch);
    EXPECT_EQ(z.score(member), score);
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = z.scan(cursor, [&](std::string_view m, double) { seen.emplace(m); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 300u);
}

}  // namespace
}  // namespace corvid
