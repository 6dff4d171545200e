#include "core/skiplist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace corvid {
namespace {

using Model = std::set<std::pair<double, std::string>>;

// Walks the list both ways and checks order, ranks and the tail against the model.
void expect_matches(const Skiplist& list, const Model& model) {
  ASSERT_EQ(list.size(), model.size());
  size_t rank = 0;
  const Skiplist::Node* prev = nullptr;
  auto it = model.begin();
  for (const Skiplist::Node* n = list.first(); n != nullptr; n = n->next(), ++it, ++rank) {
    ASSERT_NE(it, model.end());
    EXPECT_EQ(n->score(), it->first);
    EXPECT_EQ(n->member(), it->second);
    EXPECT_EQ(n->prev(), prev);
    EXPECT_EQ(list.rank_of(n), rank);
    EXPECT_EQ(list.at_rank(rank), n);
    prev = n;
  }
  EXPECT_EQ(list.last(), prev);
  EXPECT_EQ(list.at_rank(model.size()), nullptr);
}

Skiplist::Node* find(const Skiplist& list, std::string_view member) {
  for (Skiplist::Node* n = list.first(); n != nullptr; n = n->next()) {
    if (n->member() == member) return n;
  }
  return nullptr;
}

TEST(SkiplistTest, EmptyList) {
  Skiplist list;
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.first(), nullptr);
  EXPECT_EQ(list.last(), nullptr);
  EXPECT_EQ(list.at_rank(0), nullptr);
  EXPECT_EQ(list.count_while([](const Skiplist::Node&) { return true; }), 0u);
}

TEST(SkiplistTest, OrdersByScoreThenMemberBytes) {
  Skiplist list;
  Model model;
  const std::vector<std::pair<double, std::string>> items = {
      {2, "b"}, {1, "z"}, {2, "a"}, {-1, ""}, {2, std::string("\xff", 1)}, {2, std::string("a\0b", 3)}, {0, "m"}};
  for (const auto& [score, member] : items) {
    Skiplist::Node* n = list.insert(score, member);
    EXPECT_EQ(n->member(), member);
    model.emplace(score, member);
  }
  expect_matches(list, model);
}

TEST(SkiplistTest, CountWhileFindsBoundsOfScoreAndLexRanges) {
  Skiplist list;
  for (int i = 0; i < 100; ++i) list.insert(i / 10, std::string(1, static_cast<char>('a' + i % 10)));
  ScoreRange range{3, 5, true, false};  // (3 5
  const size_t first = list.count_while([&](const Skiplist::Node& n) { return !range.above_min(n.score()); });
  const size_t last = list.count_while([&](const Skiplist::Node& n) { return range.below_max(n.score()); });
  EXPECT_EQ(first, 40u);
  EXPECT_EQ(last, 60u);

  Skiplist same;
  for (char c = 'a'; c <= 'j'; ++c) same.insert(0, std::string(1, c));
  LexRange lex{{LexBound::Exclusive, "b"}, {LexBound::Inclusive, "e"}};
  EXPECT_EQ(same.count_while([&](const Skiplist::Node& n) { return !lex.above_min(n.member()); }), 2u);
  EXPECT_EQ(same.count_while([&](const Skiplist::Node& n) { return lex.below_max(n.member()); }), 5u);
  LexRange all{{LexBound::NegativeInfinity, {}}, {LexBound::PositiveInfinity, {}}};
  EXPECT_TRUE(all.contains(""));
  EXPECT_FALSE((LexRange{{LexBound::PositiveInfinity, {}}, {LexBound::PositiveInfinity, {}}}.contains("z")));
}

TEST(SkiplistTest, EraseAndUpdateScoreKeepSpansRight) {
  Skiplist list;
  list.seed(7);
  Model model;
  std::mt19937 rng(11);
  for (int i = 0; i < 2000; ++i) {
    const double score = static_cast<double>(rng() % 50);
    const std::string member = "m" + std::to_string(i);
    list.insert(score, member);
    model.emplace(score, member);
  }
  expect_matches(list, model);
  for (int i = 0; i < 2000; i += 3) {
    const std::string member = "m" + std::to_string(i);
    Skiplist::Node* n = find(list, member);
    ASSERT_NE(n, nullptr);
    model.erase({n->score(), member});
    list.erase(n);
  }
  expect_matches(list, model);
  for (int i = 1; i < 2000; i += 3) {
    const std::string member = "m" + std::to_string(i);
    Skiplist::Node* n = find(list, member);
    ASSERT_NE(n, nullptr);
    const double score = static_cast<double>(rng() % 60) - 5;
    model.erase({n->score(), member});
    model.emplace(score, member);
    list.update_score(n, score);
    EXPECT_EQ(find(list, member), n);  // the same allocation moved
  }
  expect_matches(list, model);
}

TEST(SkiplistTest, EraseRanksReportsEachNode) {
  Skiplist list;
  Model model;
  for (int i = 0; i < 500; ++i) {
    list.insert(i, "k" + std::to_string(i));
    model.emplace(i, "k" + std::to_string(i));
  }
  std::vector<std::string> removed;
  list.erase_ranks(100, 150, [&](Skiplist::Node* n) { removed.emplace_back(n->member()); });
  ASSERT_EQ(removed.size(), 50u);
  EXPECT_EQ(removed.front(), "k100");
  EXPECT_EQ(removed.back(), "k149");
  for (int i = 100; i < 150; ++i) model.erase({i, "k" + std::to_string(i)});
  expect_matches(list, model);
  list.erase_ranks(440, 10000, [](Skiplist::Node*) {});  // clipped at the end
  for (int i = 490; i < 500; ++i) model.erase({i, "k" + std::to_string(i)});
  expect_matches(list, model);
  list.erase_ranks(5, 5, [](Skiplist::Node*) { FAIL(); });
  list.erase_ranks(0, list.size(), [](Skiplist::Node*) {});
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.first(), nullptr);
  EXPECT_EQ(list.last(), nullptr);
  list.insert(1, "again");
  EXPECT_EQ(list.rank_of(list.first()), 0u);
}

TEST(SkiplistTest, RandomHeightsFollowQuarterDistribution) {
  Skiplist list;
  list.seed(3);
  std::vector<int> counts(Skiplist::kMaxHeight + 1);
  constexpr int kDraws = 200000;
  for (int i = 0; i < kDraws; ++i) {
    const int h = list.random_height();
    ASSERT_GE(h, 1);
    ASSERT_LE(h, Skiplist::kMaxHeight);
    ++counts[h];
  }
  // P(height 1) = 3/4, P(height 2) = 3/16.
  EXPECT_NEAR(counts[1] / static_cast<double>(kDraws), 0.75, 0.01);
  EXPECT_NEAR(counts[2] / static_cast<double>(kDraws), 0.1875, 0.01);
}

TEST(SkiplistTest, RandomOperationsAgainstModel) {
  Skiplist list;
  Model model;
  std::mt19937 rng(42);
  for (int step = 0; step < 20000; ++step) {
    const std::string member = "x" + std::to_string(rng() % 300);
    Skiplist::Node* n = find(list, member);
    const double score = static_cast<double>(rng() % 20) / 4;
    switch (rng() % 4) {
      case 0:
      case 1:
        if (n == nullptr) {
          list.insert(score, member);
          model.emplace(score, member);
        } else {
          model.erase({n->score(), member});
          model.emplace(score, member);
          list.update_score(n, score);
        }
        break;
      case 2:
        if (n != nullptr) {
          model.erase({n->score(), member});
          list.erase(n);
        }
        break;
      default:
        if (!model.empty()) {
          const size_t first = rng() % model.size();
          const size_t last = first + rng() % 4;
          list.erase_ranks(first, last, [&](Skiplist::Node* gone) {
            model.erase({gone->score(), std::string(gone->member())});
          });
        }
    }
    if (step % 1000 == 0) expect_matches(list, model);
  }
  expect_matches(list, model);
}

}  // namespace
}  // namespace corvid
