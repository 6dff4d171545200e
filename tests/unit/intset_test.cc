#include "core/intset.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <vector>

namespace corvid {
namespace {

std::vector<int64_t> contents(const IntSet& s) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < s.size(); ++i) out.push_back(s.at(i));
  return out;
}

TEST(IntSetTest, EmptyCostsNothingAndReportsHeader) {
  IntSet s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.width(), 2u);
  EXPECT_EQ(s.bytes(), IntSet::kHeaderSize);
  EXPECT_EQ(s.raw().size(), IntSet::kHeaderSize);
  EXPECT_FALSE(s.contains(0));
  EXPECT_FALSE(s.erase(0));
}

TEST(IntSetTest, InsertKeepsOrderAndRefusesDuplicates) {
  IntSet s;
  EXPECT_TRUE(s.insert(5));
  EXPECT_TRUE(s.insert(-3));
  EXPECT_TRUE(s.insert(10));
  EXPECT_TRUE(s.insert(0));
  EXPECT_FALSE(s.insert(5));
  EXPECT_EQ(contents(s), (std::vector<int64_t>{-3, 0, 5, 10}));
  EXPECT_EQ(s.min(), -3);
  EXPECT_EQ(s.max(), 10);
  EXPECT_EQ(s.width(), 2u);
  EXPECT_EQ(s.bytes(), IntSet::kHeaderSize + 4 * 2);
  EXPECT_TRUE(s.contains(0));
  EXPECT_FALSE(s.contains(1));
  EXPECT_FALSE(s.contains(11));
  EXPECT_FALSE(s.contains(-4));
}

TEST(IntSetTest, WidthsAtTheBoundaries) {
  EXPECT_EQ(IntSet::width_for(32767), 2u);
  EXPECT_EQ(IntSet::width_for(-32768), 2u);
  EXPECT_EQ(IntSet::width_for(32768), 4u);
  EXPECT_EQ(IntSet::width_for(-32769), 4u);
  EXPECT_EQ(IntSet::width_for(2147483647), 4u);
  EXPECT_EQ(IntSet::width_for(-2147483648LL), 4u);
  EXPECT_EQ(IntSet::width_for(2147483648LL), 8u);
  EXPECT_EQ(IntSet::width_for(std::numeric_limits<int64_t>::min()), 8u);
}

TEST(IntSetTest, UpgradesWidthAtEitherEnd) {
  IntSet s;
  s.insert(1);
  s.insert(2);
  s.insert(40000);  // new maximum, to 32 bits
  EXPECT_EQ(s.width(), 4u);
  EXPECT_EQ(contents(s), (std::vector<int64_t>{1, 2, 40000}));
  s.insert(std::numeric_limits<int64_t>::min());  // new minimum, to 64 bits
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(contents(s), (std::vector<int64_t>{std::numeric_limits<int64_t>::min(), 1, 2, 40000}));
  EXPECT_EQ(s.bytes(), IntSet::kHeaderSize + 4 * 8);
  // Never narrows back.
  EXPECT_TRUE(s.erase(std::numeric_limits<int64_t>::min()));
  EXPECT_TRUE(s.erase(40000));
  EXPECT_EQ(s.width(), 8u);
  EXPECT_EQ(contents(s), (std::vector<int64_t>{1, 2}));
  // Values wider than the elements are simply absent.
  IntSet narrow;
  narrow.insert(7);
  EXPECT_FALSE(narrow.contains(int64_t{1} << 40));
  EXPECT_FALSE(narrow.erase(int64_t{1} << 40));
}

TEST(IntSetTest, EraseToEmptyAndReuse) {
  IntSet s;
  s.insert(1);
  EXPECT_TRUE(s.erase(1));
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.insert(-1));
  EXPECT_EQ(contents(s), (std::vector<int64_t>{-1}));
}

TEST(IntSetTest, CloneAndMove) {
  IntSet s;
  for (int64_t v : {3, 1, 2}) s.insert(v);
  IntSet copy = s.clone();
  s.erase(2);
  EXPECT_EQ(contents(copy), (std::vector<int64_t>{1, 2, 3}));
  IntSet moved = std::move(copy);
  EXPECT_EQ(contents(moved), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  moved = std::move(s);
  EXPECT_EQ(contents(moved), (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(IntSet().clone().size(), 0u);
}

TEST(IntSetTest, ReleaseAndAdoptHandOverTheBlock) {
  IntSet s;
  s.insert(4);
  s.insert(-2);
  uint8_t* block = s.release();
  EXPECT_TRUE(s.empty());
  const IntSetView view(block);
  EXPECT_EQ(view.size(), 2u);
  EXPECT_EQ(view.min(), -2);
  EXPECT_TRUE(view.contains(4));
  EXPECT_EQ(view.raw().size(), IntSet::kHeaderSize + 2 * 2);
  IntSet back = IntSet::adopt(block);
  EXPECT_TRUE(back.insert(9));
  EXPECT_EQ(contents(back), (std::vector<int64_t>{-2, 4, 9}));
  EXPECT_EQ(IntSetView().size(), 0u);
  EXPECT_EQ(IntSet::adopt(nullptr).size(), 0u);
}

TEST(IntSetTest, RandomOperationsMatchStdSet) {
  std::mt19937_64 rng(42);
  IntSet s;
  std::set<int64_t> model;
  const int64_t ranges[] = {100, 40000, 3000000000LL, std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 20000; ++i) {
    const int64_t range = ranges[rng() % 4];
    const int64_t v = static_cast<int64_t>(rng() % (static_cast<uint64_t>(range) + 1)) * ((rng() & 1) ? 1 : -1);
    if (rng() % 3 == 0) {
      EXPECT_EQ(s.erase(v), model.erase(v) == 1);
    } else {
      EXPECT_EQ(s.insert(v), model.insert(v).second);
    }
    if (i % 1000 == 0) {
      ASSERT_EQ(contents(s), std::vector<int64_t>(model.begin(), model.end()));
      for (int64_t m : model) ASSERT_TRUE(s.contains(m));
    }
  }
  ASSERT_EQ(contents(s), std::vector<int64_t>(model.begin(), model.end()));
}

}  // namespace
}  // namespace corvid
